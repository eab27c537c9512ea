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
