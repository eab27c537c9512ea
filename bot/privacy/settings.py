"""The two privacy settings, read in one place so the purge, the store and the
privacy notice can never disagree.

KEEP_USER_TEXT  off by default. When on, what she typed is kept, redacted.
RETENTION_DAYS  30 by default. Conversations idle longer than this are deleted.

privacy_values() also gives content the hours a reminder's meeting and time are kept
after the meeting (KEEP_AFTER_EVENT_SECONDS, the value the reminder store deletes by).
"""
from __future__ import annotations

import os

DEFAULT_RETENTION_DAYS = 30
MAX_RETENTION_DAYS = 3650  # a typo like 30000 should fail loudly, not keep chats for ever
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"", "0", "false", "no", "off"}


class SettingError(ValueError):
    pass


def keep_user_text() -> bool:
    """Whether her (redacted) words are stored. Anything unclear counts as an error."""
    value = os.environ.get("KEEP_USER_TEXT", "").strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise SettingError(f"KEEP_USER_TEXT must be on or off (true/false), not {value!r}")


def retention_days() -> int:
    """How many idle days a conversation is kept before it is deleted."""
    value = os.environ.get("RETENTION_DAYS", "").strip()
    if not value:
        return DEFAULT_RETENTION_DAYS
    try:
        days = int(value)
    except ValueError:
        raise SettingError(f"RETENTION_DAYS must be a whole number of days, not {value!r}") from None
    if not 1 <= days <= MAX_RETENTION_DAYS:
        raise SettingError(f"RETENTION_DAYS must be between 1 and {MAX_RETENTION_DAYS}, not {days}")
    return days


def retention_seconds() -> float:
    return retention_days() * 86400.0


def reminder_keep_hours() -> int:
    """How long a reminder's row (the kind of event and its time) is kept after the event."""
    from bot.reminders.store import KEEP_AFTER_EVENT_SECONDS  # here: the store is heavy to import
    return KEEP_AFTER_EVENT_SECONDS // 3600


def privacy_values() -> dict:
    """The settings content items may state, e.g. `{{ retention_days }}` in meta/privacy,
    so the notice says what the purge does without the number being typed twice."""
    return {"retention_days": retention_days(), "keep_user_text": keep_user_text(),
            "reminder_keep_hours": reminder_keep_hours()}
