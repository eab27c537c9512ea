"""Reminders inside the Rasa server: one set of parts per server, shared by the channels.

- `check_settings()`: called while the channels are built, so BOT_ENV=production
  without REMINDER_KEY stops the server before it serves anyone.
- `for_app(app)`: the store (in the tracker store's own database, so every server
  of a cluster shares it, unless REMINDER_DB_URL says otherwise), the dialogue, and
  the deletion hook: "delete my chat" from any channel deletes her reminders too.
- `web_turn(...)`: the web chat's reminder messages, answered before Rasa sees them,
  so a mobile number typed for a reminder never reaches the bot or its tracker.
- `start_sender(...)`: the SMS channel starts this once per server at start-up; it
  sends what is due every minute (bot/reminders/sender.py), one server at a time.
  REMINDER_SENDER=off leaves sending to `python -m bot.reminders send` (cron).
"""
from __future__ import annotations

import asyncio
import logging
import os
import time
from typing import Any, Callable

from bot.channels.forget import on_forget
from bot.render import Channel
from bot.reminders.secret import NumberBox
from bot.reminders.service import Reminders
from bot.reminders.store import ENV_URL

logger = logging.getLogger(__name__)

PERIOD_SECONDS = 60.0
ENV_SENDER = "REMINDER_SENDER"


def check_settings() -> None:
    NumberBox.from_env()  # raises secret.KeyMissing in production without a key


def _tracker_engine(app):
    store = getattr(getattr(app.ctx, "agent", None), "tracker_store", None)
    while store is not None and hasattr(store, "_tracker_store"):
        store = store._tracker_store
    return getattr(store, "engine", None)


def for_app(app) -> Reminders:
    """This server's reminder parts, made on first use (both channels ask for them)."""
    reminders = getattr(app.ctx, "reminders", None)
    if reminders is None:
        engine = None if os.environ.get(ENV_URL) else _tracker_engine(app)
        reminders = Reminders.from_env(engine=engine)
        on_forget(reminders.forget)
        app.ctx.reminders = reminders
    return reminders


def web_turn(app, sender_id: str, text: str) -> list[dict[str, Any]] | None:
    """The reply to a web chat message about reminders, in the REST channel's shape."""
    try:
        messages = for_app(app).dialogue.turn(sender_id, text, Channel.WEB)
    except Exception:
        logger.exception("rest: reminders failed; the bot answers instead")  # never the text
        return None
    if messages is None:
        return None
    return [m.to_wire(sender_id) for m in messages]


async def every_minute(reminders: Reminders, gateway, is_stopped: Callable[[str], bool] | None,
                       period: float = PERIOD_SECONDS, clock=time.time) -> None:
    """Send what is due, then again at the start of every minute, until cancelled."""
    while True:
        try:
            await reminders.send_due(gateway, None, is_stopped)
        except asyncio.CancelledError:
            raise
        except Exception:
            logger.exception("reminders: a run failed; the next minute tries again")
        await asyncio.sleep(period - clock() % period)


def start_sender(app, gateway, is_stopped: Callable[[str], bool] | None = None) -> asyncio.Task | None:
    """Start the minute sender for this server, once (a second call does nothing)."""
    if getattr(app.ctx, "reminder_sender", None) is not None:
        return app.ctx.reminder_sender
    if (os.environ.get(ENV_SENDER) or "").strip().lower() in ("off", "0", "false", "no"):
        logger.info("reminders: %s=off; sending is left to `python -m bot.reminders send`", ENV_SENDER)
        app.ctx.reminder_sender = False
        return None
    task = asyncio.get_running_loop().create_task(every_minute(for_app(app), gateway, is_stopped))
    app.ctx.reminder_sender = task
    return task


async def stop_sender(app) -> None:
    task = getattr(app.ctx, "reminder_sender", None)
    if task:
        task.cancel()
        try:
            await task
        except (asyncio.CancelledError, Exception):
            pass
    app.ctx.reminder_sender = None
