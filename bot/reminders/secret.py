"""Her number, locked with Fernet (the `cryptography` package) while a reminder waits.

The key comes from REMINDER_KEY (a Fernet key: `python -m bot.reminders key` makes
one). Several keys separated by commas are allowed while keys are changed: the
first locks new numbers, any of them unlocks old ones. With BOT_ENV=production and
no key the service refuses to start; anywhere else a fixed development key is used
and a warning logged, so a checkout works but nobody mistakes it for real use.
"""
from __future__ import annotations

import base64
import hashlib
import logging
import os

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

logger = logging.getLogger(__name__)

ENV_KEY, ENV_MODE = "REMINDER_KEY", "BOT_ENV"
DEV_ONLY_KEY = base64.urlsafe_b64encode(hashlib.sha256(b"dev-only-reminder-key-set-REMINDER_KEY").digest())


class KeyMissing(RuntimeError):
    """Production without REMINDER_KEY: numbers must never be locked with a known key."""


class NumberBox:
    def __init__(self, keys: list[bytes] | list[str]):
        if not keys:
            raise ValueError("at least one Fernet key is needed")
        try:
            self._fernet = MultiFernet([Fernet(key) for key in keys])
        except (ValueError, TypeError):
            raise ValueError(f"{ENV_KEY} must be Fernet keys (32 url-safe base64 bytes), comma-separated; "
                             "make one with `python -m bot.reminders key`") from None

    def lock(self, number: str) -> str:
        return self._fernet.encrypt(number.encode("utf-8")).decode("ascii")

    def unlock(self, token: str) -> str | None:
        """The number, or None if no key here opens it (a lost or changed key)."""
        try:
            return self._fernet.decrypt(token.encode("ascii")).decode("utf-8")
        except (InvalidToken, ValueError):
            return None

    @classmethod
    def from_env(cls, env=os.environ) -> "NumberBox":
        keys = [k.strip() for k in (env.get(ENV_KEY) or "").split(",") if k.strip()]
        if not keys:
            if (env.get(ENV_MODE) or "").strip().lower() == "production":
                raise KeyMissing(f"{ENV_MODE}=production but {ENV_KEY} is not set: refusing to start. "
                                 "Make a key with `python -m bot.reminders key` and keep it secret.")
            logger.warning("%s is not set: using the development key; set a secret before real use", ENV_KEY)
            keys = [DEV_ONLY_KEY]
        return cls(keys)


def new_key() -> str:
    return Fernet.generate_key().decode("ascii")
