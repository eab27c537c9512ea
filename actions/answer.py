"""Answer a question with the item its intent names, and remember where she is."""
from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import fails_kindly, renderer, send_item


def show(dispatcher: CollectingDispatcher, tracker: Tracker, content_id: str, part: str = "main") -> list:
    """Send an item and return the slot events that record it."""
    send_item(dispatcher, tracker, content_id, part)
    events = [SlotSet("last_item", content_id)]
    if content_id.startswith("stage/") and part == "main" and tracker.get_slot("stage") != content_id:
        history = list(tracker.get_slot("stage_history") or [])
        events += [SlotSet("stage", content_id), SlotSet("stage_history", (history + [content_id])[-20:])]
    return events


class ActionAnswer(Action):
    def name(self) -> str:
        return "action_answer"

    @fails_kindly
    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list:
        intent = (tracker.latest_message.get("intent") or {}).get("name") or ""
        item = renderer().content.by_intent(intent)
        if item is None:
            send_item(dispatcher, tracker, "meta/fallback")
            return []
        return show(dispatcher, tracker, item.id)


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
        send_item(dispatcher, tracker, "meta/what-can-you-do")
        return []


# Intents worth answering after a safety reply: questions about the process.
ALSO_ANSWERED = ("stage_", "rights_", "help_", "dates_", "glossary_")
ALSO_MIN_CONFIDENCE = 0.3


class ActionAnswerAlso(Action):
    """After a safety reply, answer the question she also asked, if she asked one.

    The safety check keeps the classifier's ranking below the safety intent, so the
    best process question in it is what the rest of her message was about.
    """

    def name(self) -> str:
        return "action_answer_also"

    @fails_kindly
    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list:
        content = renderer().content
        for entry in (tracker.latest_message.get("intent_ranking") or [])[1:]:
            name = entry.get("name") or ""
            if name.startswith(ALSO_ANSWERED) and entry.get("confidence", 0) >= ALSO_MIN_CONFIDENCE:
                item = content.by_intent(name)
                if item is not None:
                    return show(dispatcher, tracker, item.id)
        return []
