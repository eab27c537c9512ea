"""Deleting her conversation when she asks: the one path every channel takes.

Rasa-free. The action that answers "delete my conversation" replies with the
`meta/forget-me` item; the channel that carried the turn then deletes (the Rasa
server, not the action server, holds the tracker store) and tells her the truth:
the confirmation only when everything was deleted, the error item otherwise.

Parts that hold something of hers outside the tracker store (the SMS channel's
choices and outbox) register a function with `on_forget` when the server starts;
every deletion calls each of them with the sender id.
"""
from __future__ import annotations

import inspect
import logging
from typing import Any, Awaitable, Callable, Iterable, Optional, Union

from bot.ids import FORGET_ME

logger = logging.getLogger(__name__)


Hook = Callable[[str], Any]
Delete = Callable[[str], Union[bool, Awaitable[bool]]]

_hooks: list[Hook] = []


def on_forget(hook: Hook) -> Hook:
    """Register a function that deletes what one part holds about a sender."""
    if hook not in _hooks:
        _hooks.append(hook)
    return hook


def remove_hook(hook: Hook) -> None:
    if hook in _hooks:
        _hooks.remove(hook)


def hooks() -> list[Hook]:
    return list(_hooks)


def forget_elsewhere(sender_id: str) -> bool:
    """Call every registered part. True when none of them failed."""
    done = True
    for hook in list(_hooks):
        try:
            hook(sender_id)
        except Exception:
            logger.exception("forget: a registered part failed to delete its records")  # no ids
            done = False
    return done


def asks_to_forget(messages: Iterable[dict]) -> bool:
    """Whether the bot's reply to this turn is the deletion confirmation."""
    return any(isinstance(m, dict) and m.get("content_id") == FORGET_ME for m in messages)


async def forget_after_turn(delete: Delete, sender_id: str, messages: Iterable[dict]) -> Optional[bool]:
    """After a turn: None when the reply did not ask for a deletion; otherwise delete
    and say whether it happened. Never raises: a failure is logged and is False."""
    if not asks_to_forget(messages):
        return None
    return await delete_now(delete, sender_id)


async def delete_now(delete: Delete, sender_id: str) -> bool:
    try:
        result = delete(sender_id)
        if inspect.isawaitable(result):
            result = await result
        return bool(result)
    except Exception:
        logger.exception("forget: deleting the conversation failed")  # never the id
        return False
