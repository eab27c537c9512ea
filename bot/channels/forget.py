"""Delete one conversation, and anything else held about her, at once.

The tracker store the Rasa server uses is deleted from, and so is the in-memory
fallback Rasa switches to when the database fails (her turns may be there). Other
parts that hold something keyed by her (the SMS channel's records) register a
function with `on_forget`; each is called with the sender id.
"""
from __future__ import annotations

import logging
from typing import Callable

from rasa.core.tracker_store import InMemoryTrackerStore, SQLTrackerStore, TrackerStore

logger = logging.getLogger(__name__)

_forget_hooks: list[Callable[[str], None]] = []


def on_forget(hook: Callable[[str], None]) -> Callable[[str], None]:
    """Register a function that deletes what one part holds about a sender."""
    if hook not in _forget_hooks:
        _forget_hooks.append(hook)
    return hook


def _stores(store: TrackerStore) -> list[TrackerStore]:
    # Rasa wraps the configured store (AwaitableTrackerStore, FailSafeTrackerStore, ...).
    found = []
    while store is not None:
        found.append(store)
        fallback = getattr(store, "_fallback_tracker_store", None)
        if fallback is not None:
            found.append(fallback)
        store = getattr(store, "_tracker_store", None)
    return found


def _innermost(store: TrackerStore) -> TrackerStore:
    while hasattr(store, "_tracker_store"):
        store = store._tracker_store
    return store


def _forget_in(store: TrackerStore, sender_id: str) -> bool | None:
    if hasattr(store, "forget"):  # a project store that knows how to delete itself
        return store.forget(sender_id)
    if isinstance(store, SQLTrackerStore):
        with store.session_scope() as session:
            session.query(store.SQLEvent).filter(store.SQLEvent.sender_id == sender_id).delete()
            session.commit()
        return True
    if isinstance(store, InMemoryTrackerStore):
        store.store.pop(sender_id, None)
        return True
    return None  # a wrapper: its inner store is handled in turn


def forget_conversation(store: TrackerStore, sender_id: str) -> bool:
    """Remove every stored event of this conversation and what hooks hold. Returns
    whether the main store could delete it."""
    deleted = False
    for each in _stores(store):
        done = _forget_in(each, sender_id)
        if each is _innermost(store):
            deleted = bool(done)
    if not deleted:
        logger.error("cannot delete conversations from %s", type(_innermost(store)).__name__)
    for hook in list(_forget_hooks):
        try:
            hook(sender_id)
        except Exception:
            logger.exception("forget: a registered part failed to delete its records")  # no ids
    return deleted
