"""Moving between stages: what happens next, go back, my rights here."""
from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.answer import show, turn_of
from actions.common import fails_kindly, renderer
from bot import dialogue, ids


class ActionNavNext(Action):
    def name(self) -> str:
        return "action_nav_next"

    @fails_kindly
    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list:
        content = renderer().content
        stage = tracker.get_slot("stage")
        if stage in content.items and content.item(stage).next:
            return show(dispatcher, tracker, content.item(stage).next[0])
        # Not on a stage yet (or at the last one): start from the menu.
        return show(dispatcher, tracker, ids.WHAT_CAN_YOU_DO)


class ActionNavBack(Action):
    def name(self) -> str:
        return "action_nav_back"

    @fails_kindly
    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list:
        content = renderer().content
        history = [s for s in tracker.get_slot("stage_history") or [] if s in content.items]
        if len(history) >= 2:
            # Back to where she was before, as a browser's Back button would.
            previous, history = history[-2], history[:-1]
        else:
            stage = tracker.get_slot("stage")
            previous = content.previous_stage(stage) if stage in content.items else None
            if previous is None:
                return show(dispatcher, tracker, ids.WHAT_CAN_YOU_DO)
            history = [previous]
        events = show(dispatcher, tracker, previous)
        return [e for e in events if e.get("name") != "stage_history"] + [
            SlotSet("stage", previous),
            SlotSet("stage_history", history),
        ]


class ActionNavRightsHere(Action):
    def name(self) -> str:
        return "action_nav_rights_here"

    @fails_kindly
    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list:
        step = dialogue.rights_here(renderer().content, turn_of(tracker))
        return show(dispatcher, tracker, step.content_id, step.part)
