"""Rasa's SQL tracker store, keeping what the bot understood instead of what she typed.

endpoints.yml:  tracker_store: {type: bot.channels.private_store.PrivateSQLTrackerStore,
                                dialect: sqlite, db: var/tracker.db}
(or `url: postgresql://...` / `dialect: postgresql` with host, db, username, password).

Before every save, each new event passes through bot.privacy.stored_events: her text
is removed (or redacted when KEEP_USER_TEXT is on), channel metadata is dropped, and
intents, entity names, slots and content ids are kept, so the bot behaves the same
on the next turn. Only what is written changes: the tracker in memory keeps her
words for the rest of the turn (Rasa reads the tracker from the store once at the
start of a turn and saves it once at the end).

A save serialises only the events it adds, and a read does not replay the whole
conversation: every SNAPSHOT_EVERY stored events, a save also stores a snapshot (the
slots and the open form, as `SlotSet` and `ActiveLoop` events that change nothing),
and a read starts at the snapshot before the latest. So a turn costs the same at the
hundredth turn as at the tenth, and the tracker still holds her last several turns;
the bot keeps its state in slots, so nothing it needs is left behind (measured in
docs/performance.md). The store does privacy only: usage counts are a collaborator
(bot.privacy.usage.UsageCounter) handed the new events in the same transaction, and
the retention purge is not started here (bot/privacy/purge_runs.py: `make purge`,
the Kubernetes CronJob, or the one elected server, bot/channels/health.py).
"""
from __future__ import annotations

import itertools
import json
import logging
from typing import Any, Optional

from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.events import ActionExecuted, ActiveLoop, BotUttered, Event, SessionStarted, SlotSet
from rasa.shared.core.trackers import DialogueStateTracker

from bot import rasa_patches
from bot.privacy import settings
from bot.privacy.stored_events import content_id_of, stored_event
from bot.privacy.usage import UsageCounter

logger = logging.getLogger(__name__)

# The slot whose SlotSet begins a snapshot; its value says how many rows the session
# had then, and when the session began (so that a save need not ask the database).
SNAPSHOT_SLOT = "snapshot_of_rows"
SNAPSHOT_EVERY = 80  # stored events, about seven turns: a read loads 80 to 160 and a turn
# How many events a tracker was read with, so its save adds only the ones after them.
_READ_WITH = "_private_store_read_with"


def _latest_snapshot(tracker: DialogueStateTracker) -> dict:
    mark = tracker.get_slot(SNAPSHOT_SLOT) if SNAPSHOT_SLOT in tracker.slots else None
    return mark if isinstance(mark, dict) else {}


def session_started_at(tracker: DialogueStateTracker) -> Optional[float]:
    """When her current session began, from the tracker in memory: its SessionStarted
    event, or else the snapshot it was read from (None when neither is there)."""
    for event in reversed(tracker.events):
        if isinstance(event, SessionStarted):
            return event.timestamp
    return _latest_snapshot(tracker).get("session_started")


def snapshot(tracker: DialogueStateTracker, rows: int) -> list[Event]:
    """The events that rebuild the tracker's slots and open form from nothing, when
    SNAPSHOT_EVERY rows have been stored since the last snapshot (none otherwise)."""
    if SNAPSHOT_SLOT not in tracker.slots or rows - _latest_snapshot(tracker).get("rows", 0) < SNAPSHOT_EVERY:
        return []
    slots = [SlotSet(slot.name, slot.value) for slot in tracker.slots.values()
             if slot.name != SNAPSHOT_SLOT and slot.value != slot.initial_value]
    form = [ActiveLoop(tracker.active_loop_name)] if tracker.active_loop_name else []
    return [SlotSet(SNAPSHOT_SLOT, {"rows": rows, "session_started": session_started_at(tracker)}), *slots, *form]


def with_snapshot(tracker: DialogueStateTracker, events: list[Event], rows: int) -> list[Event]:
    """The events a save writes: the new ones, and when a snapshot is due and a turn
    ends here, the snapshot just before its closing `action_listen`, so that a rewind
    of her next message (the fallback's) stops at that listen and keeps it."""
    if not (events and isinstance(events[-1], ActionExecuted) and events[-1].action_name == ACTION_LISTEN_NAME):
        return events
    return [*events[:-1], *snapshot(tracker, rows), events[-1]]


def previous_item(tracker: DialogueStateTracker, new_count: int) -> Optional[str]:
    """The content item this session last sent before the events a save adds: the
    nearest earlier bot message, read from the tracker in memory (nothing serialised).
    None when the session sent none before."""
    for event in itertools.islice(reversed(tracker.events), new_count, None):
        if isinstance(event, SessionStarted):
            return None
        if isinstance(event, BotUttered) and (item := content_id_of({"metadata": event.metadata})):
            return item
    return None


class PrivateSQLTrackerStore(SQLTrackerStore):
    def __init__(self, domain=None, event_broker=None, count_usage: bool = True, **kwargs: Any):
        if kwargs.pop("purge_every_hours", None) not in (None, 0, "0"):
            logger.warning("tracker store: purge_every_hours is ignored; the purge runs once per region "
                           "(make purge, the CronJob, or one elected server)")
        super().__init__(domain=domain, event_broker=None, **kwargs)
        if event_broker is not None:
            # Rasa streams raw events, her words included, to a broker: refuse to.
            logger.warning("tracker store: the event broker is not used, so her words are not sent on")
        self.keep_user_text = settings.keep_user_text()
        settings.retention_days()  # a bad RETENTION_DAYS stops the start, not the first purge
        self.usage: Optional[UsageCounter] = UsageCounter(self.engine) if _on(count_usage) else None

    def stored_form(self, event: Event) -> dict:
        """What of one new event is written (the only place an event is serialised)."""
        return stored_event(event.as_dict(), self.keep_user_text)

    async def retrieve(self, sender_id: str) -> Optional[DialogueStateTracker]:
        """The current session from the snapshot before the latest (all of it while
        there are fewer than two): Rasa's `retrieve`, with the rows cut there."""
        with self.session_scope() as session:
            rows = rasa_patches.rows_since_snapshot(self, session, sender_id, SNAPSHOT_SLOT, snapshots_back=2)
            events = [json.loads(row.data) for row in rows]
        if not (self.domain and events):
            return None
        tracker = DialogueStateTracker.from_dict(sender_id, events, self.domain.slots)
        setattr(tracker, _READ_WITH, len(tracker.events))
        return tracker

    async def save(self, tracker: DialogueStateTracker) -> None:
        rasa_patches.save_new_events(self, tracker, self.stored_form, self._count_usage,
                                     read_with=getattr(tracker, _READ_WITH, None), arrange=with_snapshot)
        setattr(tracker, _READ_WITH, len(tracker.events))

    def _count_usage(self, session, tracker: DialogueStateTracker, stored_count: int,
                     events: list, stored: list[dict]) -> None:
        if self.usage is None or not stored:
            return

        def started() -> Optional[float]:
            at = session_started_at(tracker)
            if at is None:
                at = rasa_patches.session_started_at(self, session, tracker.sender_id)
            if at is None and tracker.events:
                at = tracker.events[0].timestamp  # a conversation without sessions
            return at

        self.usage.add(session.connection(), stored, previous_item(tracker, len(events)), started)

    def forget(self, sender_id: str) -> bool:
        """Delete every stored event of this conversation (all sessions), at once."""
        with self.session_scope() as session:
            session.query(self.SQLEvent).filter(self.SQLEvent.sender_id == sender_id).delete()
            session.commit()
        return True


def _on(value: Any) -> bool:
    return str(value).strip().lower() not in {"0", "false", "no", "off"}
