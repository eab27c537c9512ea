"""Delete her conversation when she asks."""
from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import AllSlotsReset
from rasa_sdk.executor import CollectingDispatcher

from actions.common import fails_kindly, send_item
from bot.ids import FORGET_ME


class ActionForgetMe(Action):
    """Confirms deletion; the channel deletes the stored conversation once the reply
    carrying `meta/forget-me` has been sent (bot/channels/forget.py), because only the
    Rasa server, not the action server, holds the tracker store."""

    def name(self) -> str:
        return "action_forget_me"

    @fails_kindly
    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list:
        send_item(dispatcher, tracker, FORGET_ME)
        return [AllSlotsReset()]
