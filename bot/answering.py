"""One turn's answer and what it leaves behind: the steps to send and the slots to set.

Rasa-free, and used from both sides of Rasa: the Rasa server answers most turns
itself with it (bot/in_process.py), and the actions use it where they answer too
(actions/answer.py). Each side hands it a `Conversation`, what it needs of a tracker,
so both give the same answer to the same conversation.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, Callable, Iterable

from bot import dialogue, ids
from bot.content import Content
from bot.language import detect, languages
from bot.nations import names_other_nation
from bot.privacy.stored_events import content_id_of
from bot.render import Button, Channel, Message, Renderer


@dataclass(frozen=True)
class Conversation:
    latest: dict                                # the parse data of her latest message
    slot: Callable[[str], Any]                  # a slot's value
    earlier: Callable[[], Iterable[dict]]       # user and bot events before her latest message,
                                                # newest first, as event dicts
    channel: Channel


@dataclass(frozen=True)
class Answer:
    steps: list[dialogue.Step]                  # every button worked out
    slots: dict[str, Any]                       # where she is after reading them


def channel_for(input_channel: str | None, advocate_mode: Any) -> Channel:
    if input_channel == "sms":
        return Channel.SMS  # texts stay short, in advocate mode too
    return Channel.ADVOCATE if advocate_mode else Channel.WEB


def _ranking(parse: dict) -> list[tuple[str, float]]:
    return [(e.get("name") or "", float(e.get("confidence") or 0)) for e in parse.get("intent_ranking") or []]


def asked_before_check_in(earlier: Iterable[dict]) -> list[tuple[str, float]]:
    """What she asked in the message that got the safety check-in, if the bot's answers since
    have all been the check-in (asked once, or asked again after an unclear reply)."""
    answered_by_check_in = False  # the bot's answer to the user message being looked at
    for event in earlier:
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


def answers_check_in(earlier: Iterable[dict]) -> bool:
    """Whether the bot's last answer, before her message now, was the safety check-in (the
    first time, or asked again). Read from the content ids the bot events carry: her own
    words may not be kept."""
    for event in earlier:
        if event.get("event") == "user":
            return False
        if event.get("event") == "bot" and content_id_of(event) == ids.CHECK_IN:
            return True
    return False


def turn_of(content: Content, conversation: Conversation) -> dialogue.Turn:
    parse = conversation.latest or {}
    text = parse.get("text") or ""
    slot = conversation.slot
    return dialogue.Turn(
        intent=(parse.get("intent") or {}).get("name") or "",
        ranking=_ranking(parse),
        text=text,
        topics=tuple(parse.get("topics") or ()),
        last_item=slot("last_item"),
        stage=slot("stage"),
        told=frozenset(slot("told") or ()),
        language=None if text.startswith("/") else detect(text, languages(content)),
        other_nation=names_other_nation(text),
        pending=asked_before_check_in(conversation.earlier()),
        after_check_in=answers_check_in(conversation.earlier()),
        sms=conversation.channel is Channel.SMS,
    )


def answer(content: Content, turn: dialogue.Turn, slot: Callable[[str], Any]) -> Answer:
    """The planned steps (bot/dialogue.py), with the next-step buttons after "ok" and
    "thanks", and the slots that record them; or a move between stages."""
    if turn.intent in NAVIGATION:
        return NAVIGATION[turn.intent](content, turn, slot)
    planned = dialogue.plan(content, turn)
    steps = []
    for step in planned.steps:
        if step.content_id in (ids.KEEP_GOING, ids.THANKS):
            step = replace(step, extra_buttons=dialogue.keep_going_buttons(content, dialogue.current_item(content, turn)))
        steps.append(step)
    slots = recorded(steps, slot)
    if planned.told != turn.told:
        slots["told"] = sorted(planned.told)
    return Answer(steps, slots)


def recorded(steps: Iterable[dialogue.Step], slot: Callable[[str], Any]) -> dict[str, Any]:
    """Where she is after reading these steps: the last item, and the stage with its
    history (for "go back"). Words about the conversation itself move nothing."""
    slots: dict[str, Any] = {}
    stage, history = slot("stage"), list(slot("stage_history") or [])
    for step in steps:
        if step.content_id.startswith(("meta/", "safety/")):
            continue
        slots["last_item"] = step.content_id
        if step.content_id.startswith("stage/") and step.part == "main" and step.content_id != stage:
            stage, history = step.content_id, (history + [step.content_id])[-20:]
            slots.update(stage=stage, stage_history=history)
    return slots


def message(renderer: Renderer, step: dialogue.Step, channel: Channel) -> Message:
    buttons = tuple(Button(title, payload) for title, payload in step.extra_buttons)
    return renderer.message(step.content_id, channel, step.part, extra_buttons=buttons)


# -- moving between stages: what happens next, go back, my rights here, tell me more --
def _shown(step: dialogue.Step, slot: Callable[[str], Any]) -> Answer:
    return Answer([step], recorded([step], slot))


def _next(content: Content, turn: dialogue.Turn, slot: Callable[[str], Any]) -> Answer:
    stage = slot("stage")
    if stage in content.items and content.item(stage).next:
        return _shown(dialogue.Step(content.item(stage).next[0]), slot)
    return _shown(dialogue.Step(ids.WHAT_CAN_YOU_DO), slot)  # not on a stage yet, or at the last one


def _back(content: Content, turn: dialogue.Turn, slot: Callable[[str], Any]) -> Answer:
    history = [s for s in slot("stage_history") or [] if s in content.items]
    if len(history) >= 2:
        # Back to where she was before, as a browser's Back button would.
        previous, history = history[-2], history[:-1]
    else:
        stage = slot("stage")
        previous = content.previous_stage(stage) if stage in content.items else None
        if previous is None:
            return _shown(dialogue.Step(ids.WHAT_CAN_YOU_DO), slot)
        history = [previous]
    step = dialogue.Step(previous)
    return Answer([step], {**recorded([step], slot), "stage": previous, "stage_history": history})


def _rights_here(content: Content, turn: dialogue.Turn, slot: Callable[[str], Any]) -> Answer:
    return _shown(dialogue.rights_here(content, turn), slot)


def _more(content: Content, turn: dialogue.Turn, slot: Callable[[str], Any]) -> Answer:
    last = slot("last_item")
    if last in content.items and content.item(last).more:
        return _shown(dialogue.Step(last, "more"), slot)
    return _shown(dialogue.Step(ids.WHAT_CAN_YOU_DO), slot)


NAVIGATION = {"nav_next": _next, "nav_back": _back, "nav_rights_here": _rights_here, "nav_more": _more}
