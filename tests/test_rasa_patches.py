"""Contract tests for bot/rasa_patches.py: the one module that touches Rasa's insides.

Each test pins one thing the patches rely on, against the installed Rasa. When Rasa
is upgraded, a failure here names the patch to review; the source hashes make sure
a changed method is read again even when the tests still pass.
"""
from __future__ import annotations

import asyncio
import hashlib
import inspect
import json
import sqlite3
import subprocess
import sys

import pytest
from rasa.core.actions.action import RemoteAction
from rasa.core.agent import Agent
from rasa.core.tracker_store import (AwaitableTrackerStore, FailSafeTrackerStore, InMemoryTrackerStore,
                                     SQLTrackerStore)
from rasa.shared.core.events import ActionExecuted, BotUttered, Event, SessionStarted, SlotSet
from rasa.shared.utils.common import all_subclasses

import bot.channels  # noqa: F401  (installs the patches, as Rasa's start does)
from bot import rasa_patches
from bot.channels.forget import delete_conversation
from bot.channels.private_store import PrivateSQLTrackerStore
from bot.channels.retrying_store import RetryingPrivateSQLTrackerStore
from bot.privacy.retention import ROOT
from tests.test_privacy_store import DOMAIN, bot_turn, user_turn

# sha256 (first 16 hex digits) of the Rasa 3.6.21 source each patch was written against.
# A mismatch means Rasa changed that method: read it, port bot/rasa_patches.py if needed,
# then put the new hash here.
RASA_SOURCES = {
    "SQLTrackerStore.save": (lambda: SQLTrackerStore.save, "57165e46eab3de08"),
    "SQLTrackerStore._additional_events": (lambda: SQLTrackerStore._additional_events, "d22f99eb863acb07"),
    "SQLTrackerStore._event_query": (lambda: SQLTrackerStore._event_query, "cd44f7901b860bfd"),
    # PrivateSQLTrackerStore.retrieve is this, with the rows cut at a snapshot.
    "SQLTrackerStore._retrieve": (lambda: SQLTrackerStore._retrieve, "c8adbf6f4b61ddd1"),
    "SQLTrackerStore.__init__": (lambda: SQLTrackerStore.__init__, "64e704d159dfa35b"),
    "SQLTrackerStore.session_scope": (lambda: SQLTrackerStore.session_scope, "6775e1ede3ec8d2d"),
    "RemoteAction.run": (lambda: RemoteAction.run, "ccabf6f1160d527a"),
    "RemoteAction._validate_action_result": (
        lambda: rasa_patches.replaced("RemoteAction._validate_action_result"), "f8cdb4be68123961"),
    "FailSafeTrackerStore.__init__": (lambda: FailSafeTrackerStore.__init__, "a1d5d95d2f96830b"),
    "Event.resolve_by_type": (lambda: rasa_patches.replaced("Event.resolve_by_type"), "b5cf570fa7f286c7"),
    "AwaitableTrackerStore.__init__": (lambda: AwaitableTrackerStore.__init__, "8ab8149a9be22d8f"),
    "InMemoryTrackerStore.__init__": (lambda: InMemoryTrackerStore.__init__, "30eeae0cfd67c259"),
}


@pytest.mark.parametrize("name", sorted(RASA_SOURCES))
def test_the_rasa_code_each_patch_relies_on_is_the_code_it_was_written_against(name):
    get, expected = RASA_SOURCES[name]
    source = inspect.getsource(get())
    assert hashlib.sha256(source.encode()).hexdigest()[:16] == expected, (
        f"Rasa's {name} changed: review bot/rasa_patches.py, then update RASA_SOURCES")


def test_rasa_3_6_is_accepted_and_any_other_refused_with_a_clear_reason():
    rasa_patches.require_supported_rasa()  # the installed one
    for other in ("3.7.0", "4.0.0", "3.10.1"):
        with pytest.raises(rasa_patches.UnsupportedRasa, match=f"Rasa {other} is installed"):
            rasa_patches.require_supported_rasa(other)


def test_the_start_stops_with_that_error_on_another_rasa():
    # What Rasa's start does: import the channels package named in credentials.yml.
    code = "import rasa; rasa.__version__ = '3.7.2'; import bot.channels"
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=180,
                            env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})
    assert result.returncode != 0
    assert "UnsupportedRasa" in result.stderr and "Rasa 3.7.2 is installed" in result.stderr


def test_the_patch_is_what_rasa_calls():
    assert RemoteAction._validate_action_result is rasa_patches.validate_action_result
    assert "self._validate_action_result(response)" in inspect.getsource(RemoteAction.run)
    # Reading a stored event (Event.from_parameters) looks its class up through the patch.
    assert Event.resolve_by_type is rasa_patches.resolve_event_type
    assert "Event.resolve_by_type(event_name, default)" in inspect.getsource(Event.from_parameters)


def test_event_types_looked_up_once_are_the_classes_rasas_walk_finds():
    rasas = rasa_patches.replaced("Event.resolve_by_type")
    names = sorted({cls.type_name for cls in all_subclasses(Event)})
    assert len(names) > 20
    for _ in range(2):  # the second time from what was remembered
        assert [Event.resolve_by_type(name) for name in names] == [rasas(name) for name in names]
    with pytest.raises(ValueError, match="Unknown event name 'no_such_event'"):
        Event.resolve_by_type("no_such_event")
    assert Event.resolve_by_type("no_such_event", SlotSet) is SlotSet
    # A stored tracker reads back event for event.
    events = [ActionExecuted("action_listen"), SlotSet("stage", "stage/icpc"), SessionStarted(),
              BotUttered("hello", {}, {"metadata": {"content_id": "stage/icpc"}})]
    assert [Event.from_parameters(event.as_dict()) for event in events] == events


# -- the save copy ------------------------------------------------------------------
def a_tracker_in_turns(store, sender: str, turns: int):
    async def run():
        for n in range(turns):
            tracker = await store.get_or_create_tracker(sender)
            if n == 0:
                tracker.update(ActionExecuted("action_session_start"))
                tracker.update(SessionStarted())
                tracker.update(ActionExecuted("action_listen"))
            tracker.update(user_turn(f"question {n}"))
            tracker.update(ActionExecuted("utter_answer"))
            tracker.update(bot_turn(f"stage/item-{n}"))
            tracker.update(SlotSet("last_item", f"stage/item-{n}"))
            tracker.update(ActionExecuted("action_listen"))
            await store.save(tracker)
    asyncio.run(run())


def rows(db) -> list[tuple]:
    """Every stored row, with the event's timestamp (different in each run) left out."""
    with sqlite3.connect(db) as connection:
        found = connection.execute("select sender_id, type_name, intent_name, action_name, data from events order by id")
        return [(*row[:4], {k: v for k, v in json.loads(row[4]).items() if k != "timestamp"}) for row in found]


def test_the_save_copy_writes_the_rows_rasas_own_save_writes(tmp_path):
    """With events stored as they are, save_new_events and Rasa's SQLTrackerStore.save
    leave the same rows after several turns: the copy adds exactly what Rasa would."""
    ours_db, rasas_db = tmp_path / "ours.db", tmp_path / "rasa.db"

    class Unchanged(SQLTrackerStore):
        async def save(self, tracker):
            rasa_patches.save_new_events(self, tracker, lambda event: event.as_dict())

    a_tracker_in_turns(Unchanged(domain=DOMAIN, dialect="sqlite", db=str(ours_db)), "s", turns=4)
    a_tracker_in_turns(SQLTrackerStore(domain=DOMAIN, dialect="sqlite", db=str(rasas_db)), "s", turns=4)
    assert len(rows(ours_db)) >= 3 + 4 * 5
    assert rows(ours_db) == rows(rasas_db)


def test_the_stored_count_is_the_count_rasas_retrieve_loads(tmp_path, monkeypatch):
    monkeypatch.setenv("KEEP_USER_TEXT", "off")
    store = PrivateSQLTrackerStore(domain=DOMAIN, dialect="sqlite", db=str(tmp_path / "t.db"))
    a_tracker_in_turns(store, "s", turns=3)
    loaded = asyncio.run(store.retrieve("s"))
    with store.session_scope() as session:
        assert rasa_patches.stored_event_count(store, session, "s") == len(loaded.events)
        assert rasa_patches.new_events(loaded, len(loaded.events)) == []


# -- the wrapper walk -----------------------------------------------------------------
def test_the_walk_finds_the_configured_store_and_the_fallback_inside_rasas_wrappers(tmp_path, monkeypatch):
    monkeypatch.setenv("KEEP_USER_TEXT", "off")
    store = PrivateSQLTrackerStore(domain=DOMAIN, dialect="sqlite", db=str(tmp_path / "t.db"))
    agent = Agent(domain=DOMAIN, tracker_store=AwaitableTrackerStore(store))  # as Rasa builds it
    wrapped = agent.tracker_store
    assert isinstance(wrapped, FailSafeTrackerStore)
    fallback = wrapped.fallback_tracker_store  # Rasa makes it on its first failure
    assert rasa_patches.innermost_store(wrapped) is store
    found = rasa_patches.tracker_stores(wrapped)
    assert store in found and fallback in found

    a_tracker_in_turns(store, "her", turns=1)
    asyncio.run(fallback.save(asyncio.run(store.retrieve("her"))))
    assert delete_conversation(wrapped, "her") is True
    assert asyncio.run(store.retrieve("her")) is None and asyncio.run(fallback.retrieve("her")) is None


def test_a_store_it_cannot_delete_from_is_reported_not_ignored():
    class Elsewhere:  # neither SQL nor in memory, no forget()
        pass

    assert rasa_patches.delete_from(Elsewhere(), "her") is None
    assert delete_conversation(Elsewhere(), "her") is False


# -- pool pre-ping ----------------------------------------------------------------------
def test_the_cluster_store_pings_pooled_connections_and_still_reads_and_writes(tmp_path, monkeypatch):
    monkeypatch.setenv("KEEP_USER_TEXT", "off")
    store = RetryingPrivateSQLTrackerStore(domain=DOMAIN, dialect="sqlite", db=str(tmp_path / "t.db"))
    assert store.engine.pool._pre_ping is True  # SQLAlchemy's own flag, set through pool_pre_ping=True
    with store.session_scope() as session:
        assert session.get_bind() is store.engine
    a_tracker_in_turns(store, "s", turns=2)
    assert [e.text for e in asyncio.run(store.retrieve("s")).events if isinstance(e, BotUttered)] == [None, None]
