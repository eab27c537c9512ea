"""Delete one conversation from whichever tracker store the Rasa server uses."""
from __future__ import annotations

import logging

from rasa.core.tracker_store import InMemoryTrackerStore, SQLTrackerStore, TrackerStore

logger = logging.getLogger(__name__)


def _innermost(store: TrackerStore) -> TrackerStore:
    # Rasa wraps the configured store (AwaitableTrackerStore, FailSafeTrackerStore, ...).
    while hasattr(store, "_tracker_store"):
        store = store._tracker_store
    return store


def forget_conversation(store: TrackerStore, sender_id: str) -> bool:
    """Remove every stored event of this conversation. Returns whether it could."""
    inner = _innermost(store)
    if hasattr(inner, "forget"):  # a project store that knows how to delete itself
        return inner.forget(sender_id)
    if isinstance(inner, SQLTrackerStore):
        with inner.session_scope() as session:
            session.query(inner.SQLEvent).filter(inner.SQLEvent.sender_id == sender_id).delete()
            session.commit()
        return True
    if isinstance(inner, InMemoryTrackerStore):
        inner.store.pop(sender_id, None)
        return True
    logger.error("cannot delete conversations from %s", type(inner).__name__)
    return False
