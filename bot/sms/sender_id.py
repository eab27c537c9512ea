"""The id that stands in for a phone number: a keyed hash (HMAC-SHA256).

The tracker store, the SMS state file and the logs only ever see this hash. Without
the key nobody can test guessed numbers against it, so the key lives in the
environment (`SENDER_HASH_KEY`), never in the repository's config.
"""
from __future__ import annotations

import hashlib
import hmac
import logging
import os
import re

logger = logging.getLogger(__name__)

ENV_KEY = "SENDER_HASH_KEY"
DEV_ONLY_KEY = "dev-only-sender-hash-key-set-SENDER_HASH_KEY"


def normalise_number(number: str) -> str:
    """`+44 7700 900-123` and `+447700900123` are the same phone."""
    return re.sub(r"[\s()\-.]", "", number or "")


class SenderHasher:
    def __init__(self, key: str):
        if not key:
            raise ValueError("the sender hash key must not be empty")
        self._key = key.encode("utf-8")

    def __call__(self, number: str) -> str:
        return hmac.new(self._key, normalise_number(number).encode("utf-8"), hashlib.sha256).hexdigest()

    @classmethod
    def from_env(cls) -> "SenderHasher":
        key = os.environ.get(ENV_KEY, "")
        if not key:
            logger.warning("%s is not set: using the development key; set a secret before real use", ENV_KEY)
            key = DEV_ONLY_KEY
        return cls(key)
