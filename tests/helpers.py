"""Run a rasa-sdk action the way the action server would, and list what it sent."""
from __future__ import annotations

import asyncio

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher


def make_tracker(intent: str = "", slots: dict | None = None, channel: str = "rest", text: str = "") -> Tracker:
    latest = {"intent": {"name": intent, "confidence": 1.0}, "entities": [], "text": text}
    events = [{"event": "user", "text": text, "parse_data": latest, "input_channel": channel}]
    return Tracker("test-sender", slots or {}, latest, events, False, None, {}, "action_listen")


def run_action(action, tracker: Tracker) -> tuple[list[dict], dict]:
    """Returns (messages sent, slots set) after running the action."""
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, tracker, {}))
    slots = {e["name"]: e["value"] for e in events if e.get("event") == "slot"}
    return dispatcher.messages, slots


def ids(messages: list[dict]) -> list[str]:
    return [m["metadata"]["content_id"] for m in messages]


def answer_turn(tracker: Tracker) -> tuple[list[dict], dict]:
    """What the Rasa server answers itself (bot/in_process.py) to the conversation in
    `tracker`: (messages sent, slots set). The tracker is rebuilt as Rasa's own, with the
    domain's slots, so this is the path a real turn takes, minus the HTTP around it."""
    from rasa.shared.core.events import Event, SlotSet
    from rasa.shared.core.slots import AnySlot
    from rasa.shared.core.trackers import DialogueStateTracker

    from bot import answering, in_process

    slots = [AnySlot(name, mappings=[{"type": "custom"}], influence_conversation=False) for name in _domain_slots()]
    events = [SlotSet(name, value) for name, value in tracker.slots.items()]
    events += [Event.from_parameters(event) for event in tracker.events]
    rasa_tracker = DialogueStateTracker.from_events(tracker.sender_id, events, slots)
    planned = in_process.answer_for(rasa_tracker)
    channel = in_process.conversation_of(rasa_tracker).channel
    return [answering.message(in_process.renderer(), step, channel).as_dict() for step in planned.steps], planned.slots


def _domain_slots() -> list[str]:
    import yaml
    from pathlib import Path

    return list(yaml.safe_load((Path(__file__).resolve().parent.parent / "domain.yml").read_text())["slots"])
