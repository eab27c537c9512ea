"""The tracker store keeps what the bot understood, not what she typed.

These use the real store class on a real SQLite file and read the file back with
sqlite3, the way someone with a copy of the database would.
"""
from __future__ import annotations

import asyncio
import json
import sqlite3

import pytest
from rasa.core.tracker_store import FailSafeTrackerStore, TrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SessionStarted, SlotSet, UserUttered
from rasa.utils.endpoints import EndpointConfig

from bot.channels.forget import delete_conversation
from bot.channels.private_store import PrivateSQLTrackerStore
from bot.privacy.deletion import on_forget, remove_hook

MARKERS = ("07700 900123", "900123", "kerry@example.com", "LS6 2AB", "Jayden", "Kerry")
SAID = "I'm Kerry, my son Jayden is 4. Ring 07700 900123, kerry@example.com, LS6 2AB. What is a care order?"

DOMAIN = Domain.from_yaml(
    """
version: "3.1"
intents: [stage_care_proceedings, greet]
entities: [child_name]
slots:
  stage: {type: text, influence_conversation: false, mappings: [{type: custom}]}
  stage_history: {type: list, influence_conversation: false, mappings: [{type: custom}]}
  last_item: {type: text, influence_conversation: false, mappings: [{type: custom}]}
"""
)


@pytest.fixture
def db(tmp_path):
    return tmp_path / "tracker.db"


def make_store(db, monkeypatch, keep: bool = False) -> PrivateSQLTrackerStore:
    monkeypatch.setenv("KEEP_USER_TEXT", "on" if keep else "off")
    return PrivateSQLTrackerStore(domain=DOMAIN, dialect="sqlite", db=str(db))


def user_turn(text: str = SAID) -> UserUttered:
    parse_data = {
        "text": text,
        "intent": {"name": "stage_care_proceedings", "confidence": 0.9},
        "intent_ranking": [
            {"name": "stage_care_proceedings", "confidence": 0.9},
            {"name": "greet", "confidence": 0.1},
        ],
        "entities": [{"entity": "child_name", "value": "Jayden", "start": 20, "end": 26}],
        "safety": {"phrase": text},  # anything else a pipeline adds is not kept
    }
    return UserUttered(
        text, parse_data["intent"], parse_data["entities"], parse_data,
        input_channel="rest", metadata={"from": "+447700900123"},
    )


def bot_turn(content_id: str, text: str = "Care proceedings are ...") -> BotUttered:
    return BotUttered(text, {"buttons": None}, {"metadata": {"content_id": content_id, "part": "main"}})


async def conversation(store: TrackerStore, sender: str = "s1"):
    tracker = await store.get_or_create_tracker(sender)
    tracker.update(ActionExecuted("action_session_start"))
    tracker.update(SessionStarted())
    tracker.update(ActionExecuted("action_listen"))
    tracker.update(user_turn())
    tracker.update(ActionExecuted("utter_answer"))
    tracker.update(bot_turn("stage/care-proceedings"))
    tracker.update(SlotSet("stage", "stage/care-proceedings"))
    tracker.update(SlotSet("stage_history", ["stage/care-proceedings"]))
    tracker.update(SlotSet("last_item", "stage/care-proceedings"))
    tracker.update(ActionExecuted("action_listen"))
    await store.save(tracker)
    return tracker


def stored_rows(db) -> list[str]:
    with sqlite3.connect(db) as connection:
        return [" ".join(map(str, row)) for row in connection.execute("select * from events")]


def test_her_words_phone_and_metadata_are_not_in_the_database(db, monkeypatch):
    store = make_store(db, monkeypatch)
    asyncio.run(conversation(store))
    everything = "\n".join(stored_rows(db))
    assert "stage_care_proceedings" in everything
    for marker in MARKERS + ("447700900123", "Care proceedings are"):
        assert marker not in everything
    assert "Jayden" not in db.read_bytes().decode("latin-1")  # not even in free pages


def test_the_tracker_in_memory_keeps_her_words_for_the_rest_of_the_turn(db, monkeypatch):
    store = make_store(db, monkeypatch)
    tracker = asyncio.run(conversation(store))
    assert tracker.latest_message.text == SAID
    assert tracker.latest_message.parse_data["entities"][0]["value"] == "Jayden"
    assert tracker.latest_message.metadata == {"from": "+447700900123"}


def test_what_the_bot_needs_next_turn_comes_back(db, monkeypatch):
    store = make_store(db, monkeypatch)
    asyncio.run(conversation(store))
    again = asyncio.run(make_store(db, monkeypatch).retrieve("s1"))
    latest = again.latest_message
    assert latest.intent["name"] == "stage_care_proceedings"
    assert [r["name"] for r in latest.parse_data["intent_ranking"]] == ["stage_care_proceedings", "greet"]
    assert [e["entity"] for e in latest.entities] == ["child_name"]
    assert latest.text is None and latest.entities[0]["value"] is None
    assert again.get_slot("stage") == "stage/care-proceedings"
    assert again.get_slot("stage_history") == ["stage/care-proceedings"]
    assert again.get_slot("last_item") == "stage/care-proceedings"
    assert again.get_latest_input_channel() == "rest"
    bot = [e for e in again.events if isinstance(e, BotUttered)][0]
    assert bot.metadata["metadata"]["content_id"] == "stage/care-proceedings"


def test_a_second_turn_adds_only_its_own_events(db, monkeypatch):
    store = make_store(db, monkeypatch)
    asyncio.run(conversation(store))

    async def second_turn():
        tracker = await store.retrieve("s1")
        tracker.update(user_turn("and what about legal aid, I'm Kerry"))
        tracker.update(ActionExecuted("utter_answer"))
        tracker.update(bot_turn("rights/legal-aid"))
        tracker.update(ActionExecuted("action_listen"))
        await store.save(tracker)

    before = len(stored_rows(db))
    asyncio.run(second_turn())
    assert len(stored_rows(db)) == before + 4
    assert "Kerry" not in "\n".join(stored_rows(db))


def test_with_keeping_on_her_words_are_kept_redacted(db, monkeypatch):
    store = make_store(db, monkeypatch, keep=True)
    asyncio.run(conversation(store))
    everything = "\n".join(stored_rows(db))
    for marker in MARKERS:
        assert marker not in everything
    data = [json.loads(row.split(" ", 6)[-1]) for row in stored_rows(db) if " user " in row][0]
    assert "What is a care order?" in data["text"] and "[phone]" in data["text"]
    assert "[name]" in data["text"] and data["parse_data"]["text"] == data["text"]


def test_the_store_loads_from_endpoints_by_module_path(db, monkeypatch):
    monkeypatch.setenv("KEEP_USER_TEXT", "off")
    config = EndpointConfig(
        type="bot.channels.private_store.PrivateSQLTrackerStore", dialect="sqlite", db=str(db)
    )
    store = TrackerStore.create(config, DOMAIN)
    assert isinstance(store, PrivateSQLTrackerStore)


def test_a_bad_keep_setting_stops_the_start(db, monkeypatch):
    monkeypatch.setenv("KEEP_USER_TEXT", "maybe")
    with pytest.raises(ValueError):
        PrivateSQLTrackerStore(domain=DOMAIN, dialect="sqlite", db=str(db))


def test_forget_deletes_her_conversation_from_the_store_and_the_fallback_and_calls_hooks(db, monkeypatch):
    store = make_store(db, monkeypatch)
    asyncio.run(conversation(store, "her"))
    asyncio.run(conversation(store, "someone-else"))
    wrapped = FailSafeTrackerStore(store)
    asyncio.run(wrapped.fallback_tracker_store.save(asyncio.run(store.retrieve("her"))))
    forgotten = []
    hook = on_forget(forgotten.append)
    try:
        assert delete_conversation(wrapped, "her") is True
    finally:
        remove_hook(hook)
    assert forgotten == ["her"]
    assert asyncio.run(store.retrieve("her")) is None
    assert asyncio.run(wrapped.fallback_tracker_store.retrieve("her")) is None
    assert asyncio.run(store.retrieve("someone-else")) is not None


# -- the store does privacy only, and its cost does not grow with the conversation ------
def count_serialisations(monkeypatch) -> list[str]:
    """Every `as_dict()` of an event (the serialisation a save pays for), by class."""
    calls: list[str] = []
    for cls in (ActionExecuted, UserUttered, BotUttered, SlotSet, SessionStarted):
        def counting(self, *args, _original=cls.as_dict, **kwargs):
            calls.append(type(self).__name__)
            return _original(self, *args, **kwargs)
        monkeypatch.setattr(cls, "as_dict", counting)
    return calls


def test_a_save_serialises_only_the_events_it_adds_however_long_the_conversation(db, monkeypatch):
    store = make_store(db, monkeypatch)
    serialised = count_serialisations(monkeypatch)
    per_save: dict[int, int] = {}

    async def talk(turns: int):
        tracker = await store.get_or_create_tracker("long")
        tracker.update(ActionExecuted("action_session_start"))
        tracker.update(SessionStarted())
        for n in range(1, turns + 1):
            if n > 1:
                tracker = await store.retrieve("long")  # every turn starts from the store, as in Rasa
            tracker.update(ActionExecuted("action_listen"))
            tracker.update(user_turn(f"question {n}"))
            tracker.update(ActionExecuted("utter_answer"))
            tracker.update(bot_turn("stage/care-proceedings" if n % 2 else "rights/legal-aid"))
            tracker.update(SlotSet("last_item", "stage/care-proceedings"))
            serialised.clear()
            await store.save(tracker)
            per_save[n] = len(serialised)

    asyncio.run(talk(120))
    assert {per_save[n] for n in range(2, 121)} == {5}, {n: c for n, c in per_save.items() if c != 5}
    assert per_save[1] == 5 + 2  # the first save also stores the session's start
    with sqlite3.connect(db) as connection:
        stored = connection.execute("select count(*) from events").fetchone()[0]
        assert stored == sum(per_save.values()) + 1  # and the first action_listen, saved on creation
        ended = dict(connection.execute("select item, count from usage_daily where kind='ended_at' and count != 0"))
    assert ended == {"rights/legal-aid": 1}  # one conversation, counted where it is now


def test_usage_counting_is_a_collaborator_handed_each_saves_new_events(db, monkeypatch):
    store = make_store(db, monkeypatch)
    heard = []

    class Recorder:
        def add(self, connection, new, before, started_at):
            heard.append(([e["event"] for e in new], before))

    store.usage = Recorder()
    asyncio.run(conversation(store, "her"))

    async def second_turn():
        tracker = await store.retrieve("her")
        tracker.update(user_turn("and legal aid?"))
        tracker.update(ActionExecuted("utter_answer"))
        tracker.update(bot_turn("rights/legal-aid"))
        tracker.update(ActionExecuted("action_listen"))
        await store.save(tracker)

    asyncio.run(second_turn())
    assert heard[-1] == (["user", "action", "bot", "action"], "stage/care-proceedings")
    assert sum(len(events) for events, _ in heard) == len(stored_rows(db))  # each event handed over once


def test_a_store_told_not_to_count_keeps_no_usage_table(db, monkeypatch):
    monkeypatch.setenv("KEEP_USER_TEXT", "off")
    store = PrivateSQLTrackerStore(domain=DOMAIN, dialect="sqlite", db=str(db), count_usage=False)
    asyncio.run(conversation(store))
    with sqlite3.connect(db) as connection:
        tables = {row[0] for row in connection.execute("select name from sqlite_master where type='table'")}
    assert "events" in tables and "usage_daily" not in tables
