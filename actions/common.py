"""What every action shares: the channel she is on, sending items, failing kindly."""
from __future__ import annotations

import functools
import logging
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from bot import ids
from bot.answering import Conversation, channel_for
from bot.content import default_content
from bot.render import Button, Channel, Message, Renderer

logger = logging.getLogger(__name__)

_renderer: Renderer | None = None


def renderer() -> Renderer:
    global _renderer
    if _renderer is None:
        _renderer = Renderer(default_content())
    return _renderer


def channel_of(tracker: Tracker) -> Channel:
    return channel_for(tracker.get_latest_input_channel(), tracker.get_slot("advocate_mode"))


def conversation_of(tracker: Tracker) -> Conversation:
    """What the answer path (bot/answering.py) needs of an action's tracker."""
    users = [i for i, e in enumerate(tracker.events) if e.get("event") == "user"]
    before_latest = tracker.events[:users[-1]] if users else []
    return Conversation(tracker.latest_message or {}, tracker.get_slot, lambda: reversed(before_latest),
                        channel_of(tracker))


def send(dispatcher: CollectingDispatcher, message: Message) -> None:
    dispatcher.utter_message(**message.as_dict())


def send_item(
    dispatcher: CollectingDispatcher, tracker: Tracker, content_id: str, part: str = "main",
    values: dict[str, str] | None = None, facts: dict[str, str] | None = None,
    extra_buttons: tuple[Button, ...] = (),
) -> None:
    """`facts`: worked-out values a client may use as data (ISO dates for the 26-week clock)."""
    message = renderer().message(content_id, channel_of(tracker), part, values,
                                 extra_buttons=extra_buttons).as_dict()
    if facts:
        message["metadata"]["values"] = facts
    dispatcher.utter_message(**message)


def fails_kindly(run):
    """Wrap an action's run(): on any error, say sorry with the menu and crisis line.

    Rasa sends nothing at all when an action raises, so the error must be caught here.
    """

    @functools.wraps(run)
    async def wrapper(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]):
        try:
            return await run(self, dispatcher, tracker, domain)
        except Exception:
            logger.exception("action %s failed", self.name())  # no user text in logs
            dispatcher.messages.clear()
            send_item(dispatcher, tracker, ids.ERROR)
            return []

    return wrapper
