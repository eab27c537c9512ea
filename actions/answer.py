"""The actions that answer from content beside the in-process answer path.

Most answers never reach the action server: the Rasa server plans and sends them
itself (bot/in_process.py). The actions here answer what needs a worked-out value or
a safety reply's aftermath; they plan with the same code (bot/answering.py).
"""
from __future__ import annotations

from datetime import date
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import channel_of, conversation_of, fails_kindly, renderer, send, send_item
from bot import answering, dialogue, ids
from bot.dates import today_in_london
from bot.deadlines import PROCEEDINGS, compute, values


def _slot_events(slots: dict[str, Any]) -> list:
    return [SlotSet(name, value) for name, value in slots.items()]


def show(dispatcher: CollectingDispatcher, tracker: Tracker, content_id: str, part: str = "main",
         extra_buttons: tuple[tuple[str, str], ...] = ()) -> list:
    """Send an item and return the slot events that record it."""
    step = dialogue.Step(content_id, part, extra_buttons)
    send(dispatcher, answering.message(renderer(), step, channel_of(tracker)))
    return _slot_events(answering.recorded([step], tracker.get_slot))


def turn_of(tracker: Tracker) -> dialogue.Turn:
    return answering.turn_of(renderer().content, conversation_of(tracker))


def send_plan(dispatcher: CollectingDispatcher, tracker: Tracker, turn: dialogue.Turn) -> list:
    planned = answering.answer(renderer().content, turn, tracker.get_slot)
    for step in planned.steps:
        send(dispatcher, answering.message(renderer(), step, channel_of(tracker)))
    return _slot_events(planned.slots)


class ActionWeeksLeft(Action):
    """"How many weeks left": counted from today on the issue date she gave, if she gave
    one in this conversation; otherwise what the 26 weeks are, with the way to work it out."""

    def name(self) -> str:
        return "action_weeks_left"

    @fails_kindly
    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list:
        start = tracker.get_slot("deadline_start")
        if tracker.get_slot("last_item") == PROCEEDINGS and start:
            deadline = compute(PROCEEDINGS, date.fromisoformat(start[:10]))
            send_item(dispatcher, tracker, PROCEEDINGS, "result", values(deadline, today_in_london()),
                      facts={"start": deadline.start.isoformat()[:10], "due": deadline.due.isoformat()[:10]})
            return []
        return show(dispatcher, tracker, PROCEEDINGS)


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
