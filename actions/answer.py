"""Answer what she said from content, in the context of the conversation so far.

The choice of items is bot/dialogue.py (Rasa-free); this action only reads the
tracker into a Turn, sends the plan, and records where she is in slots.
"""
from __future__ import annotations

from datetime import date
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import channel_of, fails_kindly, renderer, send, send_item
from bot import dialogue, ids
from bot.dates import today_in_london
from bot.deadlines import PROCEEDINGS, compute, values
from bot.language import detect, languages
from bot.nations import names_other_nation
from bot.privacy.stored_events import content_id_of
from bot.render import Button, Channel


def show(dispatcher: CollectingDispatcher, tracker: Tracker, content_id: str, part: str = "main",
         extra_buttons: tuple[Button, ...] = ()) -> list:
    """Send an item and return the slot events that record it."""
    send(dispatcher, renderer().message(content_id, channel_of(tracker), part, extra_buttons=extra_buttons))
    if content_id.startswith(("meta/", "safety/")):
        return []  # a word about the conversation, not a topic she is reading about
    events = [SlotSet("last_item", content_id)]
    if content_id.startswith("stage/") and part == "main" and tracker.get_slot("stage") != content_id:
        history = list(tracker.get_slot("stage_history") or [])
        events += [SlotSet("stage", content_id), SlotSet("stage_history", (history + [content_id])[-20:])]
    return events


def _ranking(parse: dict) -> list[tuple[str, float]]:
    return [(e.get("name") or "", float(e.get("confidence") or 0)) for e in parse.get("intent_ranking") or []]


def _before_check_in(tracker: Tracker) -> list[tuple[str, float]]:
    """What she asked in the message that got the safety check-in, if the bot's answers since
    have all been the check-in (asked once, or asked again after an unclear reply)."""
    answered_by_check_in = False  # the bot's answer to the user message being looked at
    for event in reversed(tracker.events[:_last_user_index(tracker)]):
        if event.get("event") == "bot":
            answered_by_check_in = answered_by_check_in or content_id_of(event) == ids.CHECK_IN
        elif event.get("event") == "user":
            if not answered_by_check_in:
                return []
            parse = event.get("parse_data") or {}
            if (parse.get("intent") or {}).get("name") == dialogue.CHECK_IN_INTENT:
                return [(i, c) for i, c in _ranking(parse) if not i.startswith("safety_")]
            answered_by_check_in = False  # an unclear reply, itself answered by the check-in
    return []


def _last_user_index(tracker: Tracker) -> int:
    users = [i for i, e in enumerate(tracker.events) if e.get("event") == "user"]
    return users[-1] if users else 0


def _answers_check_in(tracker: Tracker) -> bool:
    """Whether the bot's last answer, before her message now, was the safety check-in (the
    first time, or asked again). Read from the content ids the bot events carry: her own
    words may not be kept."""
    for event in reversed(tracker.events[:_last_user_index(tracker)]):
        if event.get("event") == "user":
            return False
        if event.get("event") == "bot" and content_id_of(event) == ids.CHECK_IN:
            return True
    return False


def turn_of(tracker: Tracker) -> dialogue.Turn:
    content = renderer().content
    parse = tracker.latest_message or {}
    text = parse.get("text") or ""
    intent = (parse.get("intent") or {}).get("name") or ""
    return dialogue.Turn(
        intent=intent,
        ranking=_ranking(parse),
        text=text,
        topics=tuple(parse.get("topics") or ()),
        last_item=tracker.get_slot("last_item"),
        stage=tracker.get_slot("stage"),
        told=frozenset(tracker.get_slot("told") or ()),
        language=None if text.startswith("/") else detect(text, languages(content)),
        other_nation=names_other_nation(text),
        pending=_before_check_in(tracker),
        after_check_in=_answers_check_in(tracker),
        sms=channel_of(tracker) is Channel.SMS,
    )


def send_plan(dispatcher: CollectingDispatcher, tracker: Tracker, turn: dialogue.Turn) -> list:
    content = renderer().content
    planned = dialogue.plan(content, turn)
    events: list = []
    for step in planned.steps:
        extra = tuple(Button(title, payload) for title, payload in step.extra_buttons)
        if step.content_id in (ids.KEEP_GOING, ids.THANKS):
            extra = tuple(Button(t, p) for t, p in
                          dialogue.keep_going_buttons(content, dialogue.current_item(content, turn)))
        events += show(dispatcher, tracker, step.content_id, step.part, extra)
    if planned.told != turn.told:
        events.append(SlotSet("told", sorted(planned.told)))
    return events


class ActionAnswer(Action):
    def name(self) -> str:
        return "action_answer"

    @fails_kindly
    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list:
        turn = turn_of(tracker)
        if turn.intent == "weeks_left":
            return weeks_left(dispatcher, tracker)
        return send_plan(dispatcher, tracker, turn)


def weeks_left(dispatcher: CollectingDispatcher, tracker: Tracker) -> list:
    """"How many weeks left": counted from today on the issue date she gave, if she gave
    one in this conversation; otherwise what the 26 weeks are, with the way to work it out."""
    start = tracker.get_slot("deadline_start")
    if tracker.get_slot("last_item") == PROCEEDINGS and start:
        deadline = compute(PROCEEDINGS, date.fromisoformat(start[:10]))
        send_item(dispatcher, tracker, PROCEEDINGS, "result", values(deadline, today_in_london()),
                  facts={"start": deadline.start.isoformat()[:10], "due": deadline.due.isoformat()[:10]})
        return []
    return show(dispatcher, tracker, PROCEEDINGS)


class ActionNavMore(Action):
    """"Tell me more": the detail of the last item she was shown."""

    def name(self) -> str:
        return "action_nav_more"

    @fails_kindly
    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list:
        content = renderer().content
        last = tracker.get_slot("last_item")
        if last in content.items and content.item(last).more:
            return show(dispatcher, tracker, last, "more")
        return show(dispatcher, tracker, ids.WHAT_CAN_YOU_DO)


# Intents worth answering after a safety reply: questions about the process.
ALSO_ANSWERED = ("stage_", "rights_", "help_", "dates_", "glossary_")
ALSO_MIN_CONFIDENCE = 0.3


class ActionAnswerAlso(Action):
    """After a safety reply, answer the question she also asked, if she asked one, and
    drop any question the bot was waiting on (a date, her area): safety comes first.

    The safety check keeps the classifier's ranking below the safety intent, so the
    best process question in it is what the rest of her message was about.
    """

    def name(self) -> str:
        return "action_answer_also"

    @fails_kindly
    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list:
        content = renderer().content
        events = [SlotSet("area_asked", False), SlotSet("requested_slot", None)]
        for entry in (tracker.latest_message.get("intent_ranking") or [])[1:]:
            name = entry.get("name") or ""
            if name.startswith(ALSO_ANSWERED) and entry.get("confidence", 0) >= ALSO_MIN_CONFIDENCE:
                item = content.by_intent(name)
                if item is not None and not item.id.startswith("dates/"):
                    return events + show(dispatcher, tracker, item.id)
        return events
