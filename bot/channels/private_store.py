"""Rasa's SQL tracker store, keeping what the bot understood instead of what she typed.

endpoints.yml:  tracker_store: {type: bot.channels.private_store.PrivateSQLTrackerStore,
                                dialect: sqlite, db: var/tracker.db}
(or `url: postgresql://...` / `dialect: postgresql` with host, db, username, password).

Before every save, each new event passes through bot.privacy.stored_events: her text
is removed (or redacted when KEEP_USER_TEXT is on), channel metadata is dropped, and
intents, entity names, slots and content ids are kept, so the bot behaves the same
on the next turn. Only what is written changes: the tracker in memory keeps her
words for the rest of the turn (Rasa reads the tracker from the store once at the
start of a turn and saves it once at the end). The same save adds the day's usage
counts (bot.privacy.usage), and a daily thread deletes idle conversations.
"""
from __future__ import annotations

import itertools
import json
import logging
import threading
from typing import Any, Optional

from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.trackers import DialogueStateTracker

from bot.privacy import settings, usage
from bot.privacy.retention import purge_idle
from bot.privacy.stored_events import stored_event

logger = logging.getLogger(__name__)

DAY_HOURS = 24.0


class DailyPurge(threading.Thread):
    """Deletes idle conversations at start-up and then every `every_hours` hours."""

    def __init__(self, engine, every_hours: float):
        super().__init__(name="daily-purge", daemon=True)
        self.engine, self.every_seconds = engine, every_hours * 3600
        self.stopped = threading.Event()
        self.runs = 0

    def run(self) -> None:
        while not self.stopped.is_set():
            try:
                days = settings.retention_days()
                deleted = purge_idle(self.engine, days)
                logger.info("purge: deleted %d conversation(s) idle over %d days", deleted, days)
            except Exception:
                logger.exception("purge: failed; will try again at the next run")
            self.runs += 1
            self.stopped.wait(self.every_seconds)

    def stop(self) -> None:
        self.stopped.set()


class PrivateSQLTrackerStore(SQLTrackerStore):
    def __init__(self, domain=None, event_broker=None, purge_every_hours: float = DAY_HOURS, **kwargs: Any):
        super().__init__(domain=domain, event_broker=None, **kwargs)
        if event_broker is not None:
            # Rasa streams raw events, her words included, to a broker: refuse to.
            logger.warning("tracker store: the event broker is not used, so her words are not sent on")
        self.keep_user_text = settings.keep_user_text()
        settings.retention_days()  # a bad RETENTION_DAYS stops the start, not the first purge
        usage.create_table(self.engine)
        self.purge: Optional[DailyPurge] = None
        if float(purge_every_hours) > 0:
            self.purge = DailyPurge(self.engine, float(purge_every_hours))
            self.purge.start()

    async def save(self, tracker: DialogueStateTracker) -> None:
        with self.session_scope() as session:
            stored_count = self._event_query(
                session, tracker.sender_id, fetch_events_from_all_sessions=False
            ).count()
            events = [event.as_dict() for event in tracker.events]
            stored, new = events[:stored_count], events[stored_count:]
            for event, data in zip(itertools.islice(tracker.events, stored_count, None), new):
                kept = stored_event(data, self.keep_user_text)
                session.add(
                    self.SQLEvent(
                        sender_id=tracker.sender_id,
                        type_name=event.type_name,
                        timestamp=kept.get("timestamp"),
                        intent_name=((kept.get("parse_data") or {}).get("intent") or {}).get("name"),
                        action_name=kept.get("name"),
                        data=json.dumps(kept),
                    )
                )
            usage.add(session.connection(), usage.counts_for_save(stored, new))
            session.commit()

    def forget(self, sender_id: str) -> bool:
        """Delete every stored event of this conversation (all sessions), at once."""
        with self.session_scope() as session:
            session.query(self.SQLEvent).filter(self.SQLEvent.sender_id == sender_id).delete()
            session.commit()
        return True
