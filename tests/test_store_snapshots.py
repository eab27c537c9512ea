"""A long conversation is read from its latest snapshots, not replayed from its first
event (bot/channels/private_store.py): she finds the bot where she left it, every
event is still stored once, and a read stays small however long she talks."""
from __future__ import annotations

import asyncio
import sqlite3

import pytest
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (ActionExecuted, ActiveLoop, SessionStarted, SlotSet, UserUttered,
                                     UserUtteranceReverted)

import bot.channels  # noqa: F401  (installs the patches, as Rasa's start does)
from bot import rasa_patches
from bot.channels.private_store import SNAPSHOT_EVERY, SNAPSHOT_SLOT, PrivateSQLTrackerStore, session_started_at
from tests.test_privacy_store import bot_turn

DOMAIN = Domain.from_yaml(f"""
version: "3.1"
intents: [stage_care_proceedings, dates_appeal_deadline, rights_complain]
slots:
  {SNAPSHOT_SLOT}: {{type: any, influence_conversation: false, mappings: [{{type: custom}}]}}
  stage: {{type: text, influence_conversation: false, mappings: [{{type: custom}}]}}
  stage_history: {{type: list, influence_conversation: false, mappings: [{{type: custom}}]}}
  told: {{type: list, influence_conversation: false, mappings: [{{type: custom}}]}}
  requested_slot: {{type: any, influence_conversation: false, mappings: [{{type: custom}}]}}
forms:
  deadline_form: {{required_slots: []}}
""")


def asked(intent: str) -> UserUttered:
    return UserUttered(None, {"name": intent, "confidence": 1.0})


def turn(n: int) -> list:
    """One turn of a conversation that moves through stages, and now and then opens a
    question (a form) or is rewound by the fallback."""
    events = [asked("stage_care_proceedings"), ActionExecuted("utter_answer"), bot_turn(f"stage/item-{n}"),
              SlotSet("stage", f"stage/item-{n}"), SlotSet("stage_history", [f"stage/item-{k}" for k in range(n + 1)])]
    if n == 2:
        events += [SlotSet("told", ["meta/not-a-lawyer"])]
    if n % 4 == 3:  # a fallback: Rasa rewinds her turn, its slots included
        events = [asked("rights_complain"), ActionExecuted("action_default_fallback"), SlotSet("stage", "lost"),
                  UserUtteranceReverted()]
    if n == 41:  # the bot asks for a date and is waiting when the turn ends
        events += [ActionExecuted("deadline_form"), ActiveLoop("deadline_form"), SlotSet("requested_slot", "deadline_date")]
    return [*events, ActionExecuted("action_listen")]


def talk(store, sender: str, turns: int, after_save=None) -> None:
    """`turns` turns, each read from the store, spoken and saved, as Rasa does;
    after_save(tracker) is awaited after each save."""
    async def run():
        for n in range(turns):
            tracker = await store.get_or_create_tracker(sender)
            if n == 0:
                for event in (ActionExecuted("action_session_start"), SessionStarted(), ActionExecuted("action_listen")):
                    tracker.update(event)
            for event in turn(n):
                tracker.update(event)
            await store.save(tracker)
            if after_save:
                await after_save(tracker)
    asyncio.run(run())


def state(tracker) -> tuple:
    slots = {name: value for name, value in tracker.current_slot_values().items() if name != SNAPSHOT_SLOT}
    return slots, tracker.active_loop_name


@pytest.fixture
def store(tmp_path, monkeypatch):
    monkeypatch.setenv("KEEP_USER_TEXT", "off")
    return PrivateSQLTrackerStore(domain=DOMAIN, dialect="sqlite", db=str(tmp_path / "t.db"))


def test_after_every_turn_she_is_read_back_exactly_where_she_was(store):
    saved = []

    async def keep(tracker):
        saved.append(state(tracker))

    talk(store, "s", 60, after_save=keep)
    # Read back after the last turn: the same slots and open question as the tracker saved.
    read = asyncio.run(store.retrieve("s"))
    assert state(read) == saved[-1]
    # Turn 59 was rewound by the fallback, so her stage is the one of turn 58.
    assert read.get_slot("stage") == "stage/item-58" and read.get_slot("told") == ["meta/not-a-lawyer"]
    assert read.active_loop_name == "deadline_form"  # opened at turn 41, still waiting
    # And Rasa's own full read of every stored event agrees.
    full = asyncio.run(SQLTrackerStore.retrieve(store, "s"))
    assert state(full) == saved[-1]


def test_each_turn_is_read_back_the_same_as_a_full_replay(store):
    mismatches = []

    async def check(tracker):
        read = await store.retrieve("s")
        if state(read) != state(tracker) or state(read) != state(await SQLTrackerStore.retrieve(store, "s")):
            mismatches.append(len(tracker.events))

    talk(store, "s", 50, after_save=check)
    assert mismatches == []


def test_a_read_stays_small_however_long_the_conversation(store, tmp_path):
    talk(store, "s", 120)
    with sqlite3.connect(tmp_path / "t.db") as db:
        stored = db.execute("select count(*) from events where sender_id = 's'").fetchone()[0]
    read = asyncio.run(store.retrieve("s"))
    assert stored > 6 * SNAPSHOT_EVERY
    assert len(read.events) <= 2 * SNAPSHOT_EVERY + 40  # two snapshots' worth, a turn and a snapshot
    # Her last several turns are there (for "I don't get it" and the like).
    assert sum(isinstance(event, UserUttered) for event in read.events) >= 5


def test_every_event_is_stored_once_beside_the_snapshots(store, tmp_path, monkeypatch):
    plain = SQLTrackerStore(domain=DOMAIN, dialect="sqlite", db=str(tmp_path / "plain.db"))
    talk(store, "s", 40)
    talk(plain, "s", 40)
    query = "select type_name, action_name from events where sender_id = 's' order by id"
    with sqlite3.connect(tmp_path / "t.db") as ours, sqlite3.connect(tmp_path / "plain.db") as rasas:
        ours_rows = ours.execute(query).fetchall()
        rasas_rows = rasas.execute(query).fetchall()
    snapshots = sum(row == ("slot", SNAPSHOT_SLOT) for row in ours_rows)
    assert snapshots >= 2
    # Take out each snapshot (its mark, then the slots and form it restates, up to the
    # turn's closing listen): Rasa's rows remain.
    without, skipping = [], False
    for row in ours_rows:
        if row == ("slot", SNAPSHOT_SLOT):
            skipping = True
            continue
        if skipping and row[0] in ("slot", "active_loop"):
            continue
        skipping = False
        without.append(row)
    # Each snapshot sits just before a turn's closing listen (so a rewind keeps it).
    marks = [i for i, row in enumerate(ours_rows) if row == ("slot", SNAPSHOT_SLOT)]
    after = [next(row for row in ours_rows[i + 1:] if row[0] not in ("slot", "active_loop")) for i in marks]
    assert after == [("action", "action_listen")] * len(marks)
    assert without == rasas_rows


def test_when_her_session_began_is_known_without_asking_the_database(store):
    # Usage is counted by the day a session began; once snapshots cut the SessionStarted
    # event out of what is read, the snapshot says when it was.
    starts = []

    async def compare(tracker):
        read = await store.retrieve("s")
        with store.session_scope() as session:
            starts.append((session_started_at(read), rasa_patches.session_started_at(store, session, "s")))

    talk(store, "s", 40, after_save=compare)
    assert all(ours == stored and stored is not None for ours, stored in starts)
    read = asyncio.run(store.retrieve("s"))
    assert not any(isinstance(event, SessionStarted) for event in read.events)  # the snapshot told it


def test_a_new_session_starts_from_its_own_first_event(store):
    talk(store, "s", 30)

    async def new_session():
        tracker = await store.get_or_create_tracker("s")
        for event in (ActionExecuted("action_session_start"), SessionStarted(), ActionExecuted("action_listen"),
                      asked("stage_care_proceedings"), ActionExecuted("action_listen")):
            tracker.update(event)
        await store.save(tracker)
        return await store.retrieve("s")

    read = asyncio.run(new_session())
    assert read.get_slot("stage") is None and read.active_loop_name is None
    assert len(read.events) < 10  # this session's few events, no snapshot of the last one
