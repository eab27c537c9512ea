"""Advocate mode: the same items, rendered for an advocate (prompts and checklists).

The mode lives in the `advocate_mode` slot; `actions.common.channel_of` reads it, so
every action that sends an item uses the advocate rendering while it is on.
"""
from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.directory import ActionFindAdvocate
from actions.common import channel_of, fails_kindly, renderer, send
from bot.render import Button

SLOT = "advocate_mode"
TURNED_ON, TURNED_OFF = "meta/advocate-on", "meta/advocate-off"


def _confirm(dispatcher: CollectingDispatcher, tracker: Tracker, content_id: str, switch: Button) -> None:
    """Say the mode changed, with a button that switches it the other way first."""
    message = renderer().message(content_id, channel_of(tracker))
    send(dispatcher, replace(message, buttons=(switch, *message.buttons)))


# Advocate mode comes on only when someone says they are one, or names the mode (issue
# 15): "what is an advocate" or "I need an advocate" must never switch it on.
SAYS_ADVOCATE = re.compile(
    r"\b(i'?m|i am|im|this is|here is|as)\b.{0,30}\badvocate\b|\badvocate\b.{0,12}\b(here|typing|mode|version|"
    r"view|script)\b", re.IGNORECASE)


def says_advocate(text: str) -> bool:
    """True for "I'm her advocate", "advocate mode"; also for a button's payload."""
    return not text or text.startswith("/") or bool(SAYS_ADVOCATE.search(text))


class ActionAdvocateModeOn(Action):
    def name(self) -> str:
        return "action_advocate_mode_on"

    @fails_kindly
    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list:
        if not says_advocate(tracker.latest_message.get("text") or ""):
            # Not said to be an advocate: she is asking about one, so find her one.
            return await ActionFindAdvocate().run(dispatcher, tracker, domain)
        _confirm(dispatcher, tracker, TURNED_ON, Button(renderer().label("advocate_off"), "/advocate_mode_off"))
        return [SlotSet(SLOT, True)]


class ActionAdvocateModeOff(Action):
    def name(self) -> str:
        return "action_advocate_mode_off"

    @fails_kindly
    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list:
        _confirm(dispatcher, tracker, TURNED_OFF, Button(renderer().label("advocate_on"), "/advocate_mode_on"))
        return [SlotSet(SLOT, False)]
