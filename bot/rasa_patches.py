"""Every place this project relies on Rasa's private insides, kept in this one module.

Rasa 3.6 has no public hook for any of these. Each one is pinned by a contract test
(tests/test_rasa_patches.py) against the installed Rasa, so an upgrade makes those
tests fail instead of quietly changing behaviour. `install()` runs when Rasa imports
the project's channels (bot/channels/__init__.py) and refuses any Rasa but 3.6.x
with an error that says why.

1. Action replies: `RemoteAction._validate_action_result` is pointed at a validator
   built once. Rasa calls `jsonschema.validate(result, spec)`, which checks the schema
   itself on every reply (measured at a quarter of a turn, docs/performance.md).
2. Saving: `save_new_events` is Rasa's `SQLTrackerStore.save` (3.6.21) with a hook
   that decides what each new event looks like when stored, plus one after the rows
   are added. It counts the stored events with the private `_event_query`, as Rasa's
   own `_additional_events` does, so that a save adds exactly what Rasa's `retrieve`
   did not load. A tracker read from a snapshot (below) says how many events it was
   read with, and a save adds the ones after those.
   Reading: `rows_since_snapshot` is the query of Rasa's `retrieve` (the private
   `_event_query`) cut at a row the project's store wrote, so a long conversation is
   read from its latest snapshot of slots, not from its first event.
3. The wrapper walk: Rasa wraps the configured store in `FailSafeTrackerStore` (and
   maybe `AwaitableTrackerStore`), holding it in `_tracker_store` and the in-memory
   fallback in `_fallback_tracker_store`. Deleting a conversation has to reach both.
4. Pool pre-ping: the store's engine is rebuilt with SQLAlchemy's public
   `pool_pre_ping=True` (Rasa builds it without, and offers no setting), and Rasa's
   `engine` and `sessionmaker` attributes are pointed at it.
5. Event types: `Event.resolve_by_type` walks every subclass of `Event` (with an
   `isabstract` check on each) for every event it reads, a tracker's worth on every
   turn; here each type name is looked up that way once, then remembered. Reading 150
   events went from 3.0 to 0.2 ms (docs/performance.md).
"""
from __future__ import annotations

import itertools
import json
import logging
from functools import lru_cache
from typing import Any, Callable, Optional

logger = logging.getLogger(__name__)

SUPPORTED_RASA = "3.6."


class UnsupportedRasa(RuntimeError):
    pass


def require_supported_rasa(version: Optional[str] = None) -> None:
    """Stop the start on a Rasa these patches were not written for."""
    if version is None:
        import rasa

        version = rasa.__version__
    if not str(version).startswith(SUPPORTED_RASA):
        raise UnsupportedRasa(
            f"this project patches Rasa {SUPPORTED_RASA}x internals (bot/rasa_patches.py) and "
            f"Rasa {version} is installed. Install the locked Rasa (make install), or port the "
            f"patches and their contract tests (tests/test_rasa_patches.py) first."
        )


# -- 1. action replies ------------------------------------------------------------
@lru_cache(maxsize=1)
def _validator():
    from jsonschema.validators import validator_for
    from rasa.core.actions.action import RemoteAction

    spec = RemoteAction.action_response_format_spec()
    return validator_for(spec)(spec)


def validate_action_result(self, result: dict[str, Any]) -> bool:
    """Rasa's `RemoteAction._validate_action_result`, with the validator built once:
    replies are checked in full and a bad one raises the same error, hint included."""
    from jsonschema import ValidationError
    from rasa.shared.constants import DOCS_BASE_URL

    try:
        _validator().validate(result)
        return True
    except ValidationError as error:
        error.message += (
            ". Failed to validate Action server response from API, make sure your response from "
            "the Action endpoint is valid. For more information about the format visit "
            f"{DOCS_BASE_URL}/custom-actions"
        )
        raise error


_replaced: dict[str, Callable] = {}


def install_action_validator() -> None:
    from rasa.core.actions.action import RemoteAction

    current = getattr(RemoteAction, "_validate_action_result", None)
    if not callable(current):
        raise UnsupportedRasa("RemoteAction._validate_action_result is gone: port bot/rasa_patches.py")
    if current is not validate_action_result:
        _replaced["RemoteAction._validate_action_result"] = current
    RemoteAction._validate_action_result = validate_action_result


def replaced(name: str) -> Optional[Callable]:
    """Rasa's own version of a method patched here (for the contract tests)."""
    return _replaced.get(name)


def install() -> None:
    """Check the Rasa version, then put the patches in place (idempotent)."""
    require_supported_rasa()
    install_action_validator()
    install_event_types()


# -- 2. saving only the new events -------------------------------------------------
def stored_event_count(store, session, sender_id: str) -> int:
    """How many of this conversation's current-session events the store holds: the
    same query Rasa's `retrieve` loads the tracker with, so the tracker's events past
    this number are exactly the ones not stored yet."""
    return store._event_query(session, sender_id, fetch_events_from_all_sessions=False).count()


def new_events(tracker, stored_count: int) -> list:
    """The tracker's events past the first `stored_count`, taken from the end."""
    events = tracker.events
    count = max(len(events) - stored_count, 0)
    return list(itertools.islice(reversed(events), count))[::-1]


def save_new_events(
    store,
    tracker,
    stored_form: Callable[[Any], dict],
    after_rows: Callable[[Any, Any, int, list, list[dict]], None] = lambda *_: None,
    read_with: Optional[int] = None,
    arrange: Callable[[Any, list, int], list] = lambda tracker, events, rows: events,
) -> list[dict]:
    """Rasa's `SQLTrackerStore.save` (3.6.21) without the event broker: write the events
    this save adds, as `arrange(tracker, new_events, rows in the session with them)`
    lists them (it may add events the tracker never held) and each as
    `stored_form(event)` makes it, then `after_rows(session, tracker, stored_count,
    new_events, stored_dicts)` in the same transaction, then commit. The events this
    save adds are those past the first `read_with` (a tracker read from a snapshot),
    else past the stored count. Only they are serialised. Returns the stored dicts."""
    with store.session_scope() as session:
        stored_count = stored_event_count(store, session, tracker.sender_id)
        events = new_events(tracker, stored_count if read_with is None else read_with)
        stored = []
        for event in arrange(tracker, events, stored_count + len(events)):
            kept = stored_form(event)
            stored.append(kept)
            session.add(
                store.SQLEvent(
                    sender_id=tracker.sender_id,
                    type_name=event.type_name,
                    timestamp=kept.get("timestamp"),
                    intent_name=((kept.get("parse_data") or {}).get("intent") or {}).get("name"),
                    action_name=kept.get("name"),
                    data=json.dumps(kept),
                )
            )
        after_rows(session, tracker, stored_count, events, stored)
        session.commit()
    return stored


def rows_since_snapshot(store, session, sender_id: str, slot: str, snapshots_back: int) -> list:
    """The current session's rows as Rasa's `retrieve` loads them, from the row that
    set `slot` `snapshots_back` times ago (counting the latest as 1); all of them when
    it was set fewer times than that."""
    query = store._event_query(session, sender_id, fetch_events_from_all_sessions=False)
    event = store.SQLEvent
    marks = (query.filter(event.type_name == "slot", event.action_name == slot)
             .order_by(None).order_by(event.id.desc()).limit(snapshots_back).with_entities(event.id).all())
    if len(marks) < snapshots_back:
        return query.all()
    return query.filter(event.id >= marks[-1].id).all()


def session_started_at(store, session, sender_id: str) -> Optional[float]:
    """When the stored current session began (the timestamp `_event_query` cuts at)."""
    import sqlalchemy as sa

    event = store.SQLEvent
    return session.query(sa.func.max(event.timestamp)).filter(
        event.sender_id == sender_id, event.type_name == "session_started").scalar()


# -- 3. the wrapper walk ------------------------------------------------------------
def tracker_stores(store) -> list:
    """The configured store and every store Rasa wrapped around it or beside it (the
    in-memory fallback), outermost first."""
    found = []
    while store is not None:
        found.append(store)
        fallback = getattr(store, "_fallback_tracker_store", None)
        if fallback is not None:
            found.append(fallback)
        store = getattr(store, "_tracker_store", None)
    return found


def innermost_store(store):
    """The store endpoints.yml configured, inside Rasa's wrappers."""
    while getattr(store, "_tracker_store", None) is not None:
        store = store._tracker_store
    return store


def delete_from(store, sender_id: str) -> Optional[bool]:
    """Delete one conversation from one store. None for a wrapper (its inner store is
    handled in turn) or a kind of store this project cannot delete from."""
    from rasa.core.tracker_store import InMemoryTrackerStore, SQLTrackerStore

    if callable(getattr(store, "forget", None)):  # a project store that deletes itself
        return bool(store.forget(sender_id))
    if isinstance(store, SQLTrackerStore):
        with store.session_scope() as session:
            session.query(store.SQLEvent).filter(store.SQLEvent.sender_id == sender_id).delete()
            session.commit()
        return True
    if isinstance(store, InMemoryTrackerStore):
        store.store.pop(sender_id, None)
        return True
    return None


# -- 4. pool pre-ping -----------------------------------------------------------------
def use_pre_ping(store) -> None:
    """Rebuild the store's engine so a pooled connection that died with the database
    is noticed (and replaced) before a query is sent on it."""
    import sqlalchemy as sa
    from rasa.core.tracker_store import create_engine_kwargs

    old = store.engine
    engine = sa.create_engine(old.url, pool_pre_ping=True, **create_engine_kwargs(old.url))
    store.engine = engine
    store.sessionmaker = sa.orm.session.sessionmaker(bind=engine)
    old.dispose()


# -- 5. event types looked up once ---------------------------------------------------
_event_types: dict[str, type] = {}


def resolve_event_type(type_name: str, default: Optional[type] = None) -> Optional[type]:
    """`Event.resolve_by_type`, remembering each class found: Rasa's own walk runs
    only for a type name not seen yet, and an unknown name is answered as Rasa does."""
    found = _event_types.get(type_name)
    if found is None:
        found = _replaced["Event.resolve_by_type"](type_name, default)
        if found is not None and getattr(found, "type_name", None) == type_name:
            _event_types[type_name] = found
    return found


def install_event_types() -> None:
    from rasa.shared.core.events import Event

    current = Event.__dict__.get("resolve_by_type")
    if not isinstance(current, staticmethod):
        raise UnsupportedRasa("Event.resolve_by_type is no longer a static method: port bot/rasa_patches.py")
    if current.__func__ is not resolve_event_type:
        _replaced["Event.resolve_by_type"] = current.__func__
    Event.resolve_by_type = staticmethod(resolve_event_type)
