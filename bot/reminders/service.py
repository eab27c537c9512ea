"""The reminder parts put together from the environment, for the channels and the command.

    REMINDER_KEY      Fernet key(s) for her number (bot/reminders/secret.py); required
                      when BOT_ENV=production
    REMINDER_DB_URL   where the table lives; default: the tracker store's database
    SENDER_HASH_KEY   the same keyed hash the SMS channel uses for her number
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable

import sqlalchemy as sa

from bot.content import default_content
from bot.render import Renderer
from bot.reminders.dialogue import Clock, ReminderDialogue
from bot.reminders.secret import NumberBox
from bot.reminders.sender import Gateway, SendReport, send_due
from bot.reminders.store import ReminderStore, make_engine, store_url
from bot.sms.sender_id import SenderHasher

CHAT_PREFIX = "chat:"


def chat_key_for(hasher: Callable[[str], str]) -> Callable[[str], str]:
    """The keyed hash kept for the conversation that asked (never its id in clear)."""
    return lambda conversation_id: hasher(CHAT_PREFIX + conversation_id)


def _utc_now() -> datetime:
    return datetime.now(timezone.utc)


@dataclass
class Reminders:
    store: ReminderStore
    box: NumberBox
    hasher: Callable[[str], str]
    renderer: Renderer
    dialogue: ReminderDialogue

    @classmethod
    def build(cls, engine: sa.engine.Engine, box: NumberBox, hasher: Callable[[str], str],
              renderer: Renderer | None = None, clock: Clock = _utc_now) -> "Reminders":
        renderer = renderer or Renderer(default_content())
        store = ReminderStore(engine, chat_key_for(hasher))
        return cls(store, box, hasher, renderer, ReminderDialogue(store, box, hasher, renderer, clock))

    @classmethod
    def from_env(cls, engine: sa.engine.Engine | None = None, endpoints: Path | str | None = None,
                 renderer: Renderer | None = None, clock: Clock = _utc_now) -> "Reminders":
        """Raises secret.KeyMissing in production without REMINDER_KEY (the server must not start)."""
        box = NumberBox.from_env()
        return cls.build(engine or make_engine(store_url(endpoints)), box, SenderHasher.from_env(), renderer, clock)

    async def send_due(self, gateway: Gateway, now: datetime | None = None,
                       is_stopped: Callable[[str], bool] | None = None) -> SendReport:
        return await send_due(self.store, self.box, gateway, self.renderer, now or _utc_now(), is_stopped)

    def forget(self, conversation_id: str) -> None:
        self.store.forget(conversation_id)

    def stop(self, sender: str) -> int:
        return self.dialogue.stop(sender)
