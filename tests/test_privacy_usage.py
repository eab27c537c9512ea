"""Counts, not content: the usage table and the commissioner's report."""
from __future__ import annotations

import asyncio
import base64
import re
import sqlite3

import pytest
from rasa.shared.core.events import ActionExecuted, SessionStarted

from bot.privacy import usage
from bot.privacy.usage_report import main as write_report
from bot.privacy.usage_report import render
from tests.test_privacy_store import DOMAIN, MARKERS, bot_turn, user_turn


def counts(db) -> dict[tuple[str, str], int]:
    with sqlite3.connect(db) as connection:
        return {(kind, item): n for _, kind, item, n in connection.execute("select * from usage_daily") if n}


@pytest.fixture
def store(tmp_path, monkeypatch):
    from bot.channels.private_store import PrivateSQLTrackerStore

    monkeypatch.setenv("KEEP_USER_TEXT", "on")  # even with words kept, the counts hold none
    return PrivateSQLTrackerStore(domain=DOMAIN, dialect="sqlite", db=str(tmp_path / "tracker.db"))


def turn(store, sender: str, *items: str, start: bool = False) -> None:
    async def run():
        tracker = await store.get_or_create_tracker(sender)
        if start:
            tracker.update(ActionExecuted("action_session_start"))
            tracker.update(SessionStarted())
            tracker.update(ActionExecuted("action_listen"))
        tracker.update(user_turn())
        for item in items:
            tracker.update(bot_turn(item))
        tracker.update(ActionExecuted("action_listen"))
        await store.save(tracker)

    asyncio.run(run())


def test_conversations_items_safety_and_where_they_ended_are_counted(store):
    db = store.engine.url.database
    turn(store, "a", "stage/icpc", start=True)
    turn(store, "a", "stage/cp-plan")
    turn(store, "b", "stage/icpc", start=True)
    turn(store, "b", "safety/crisis", "rights/legal-aid")
    assert counts(db) == {
        ("conversation", ""): 2,
        ("sent", "stage/icpc"): 2,
        ("sent", "stage/cp-plan"): 1,
        ("sent", "safety/crisis"): 1,
        ("sent", "rights/legal-aid"): 1,
        ("safety", "safety/crisis"): 1,
        ("ended_at", "stage/cp-plan"): 1,
        ("ended_at", "rights/legal-aid"): 1,
    }


def test_the_usage_table_has_no_sender_and_no_text(store):
    turn(store, "sender-xyz", "stage/icpc", start=True)
    with sqlite3.connect(store.engine.url.database) as connection:
        columns = [row[1] for row in connection.execute("pragma table_info(usage_daily)")]
        rows = " ".join(str(row) for row in connection.execute("select * from usage_daily"))
    assert columns == ["day", "kind", "item", "count"]
    for marker in MARKERS + ("sender-xyz",):
        assert marker not in rows


def test_a_new_session_leaves_the_old_one_ended_where_it_was():
    first = [{"event": "session_started", "timestamp": 0}, {"event": "bot", "metadata": {"content_id": "stage/epo"}}]
    again = [{"event": "session_started", "timestamp": 86400 * 2}, {"event": "bot", "timestamp": 86400 * 2,
                                                                     "metadata": {"content_id": "stage/icpc"}}]
    added = usage.counts_for_save(first, again)
    assert added == {("1970-01-03", "conversation", ""): 1, ("1970-01-03", "sent", "stage/icpc"): 1,
                     ("1970-01-03", "ended_at", "stage/icpc"): 1}


def test_the_report_has_a_chart_and_numbers_for_each_count(store, tmp_path):
    turn(store, "a", "stage/icpc", start=True)
    turn(store, "a", "safety/crisis")
    endpoints = tmp_path / "endpoints.yml"
    endpoints.write_text(f"tracker_store:\n  type: x\n  dialect: sqlite\n  db: {store.engine.url.database}\n")
    out = tmp_path / "report" / "usage.html"
    assert write_report(["--endpoints", str(endpoints), "--out", str(out)]) == 0
    page = out.read_text()
    images = re.findall(r'src="data:image/png;base64,([^"]+)"', page)
    assert len(images) == 4 and all(base64.b64decode(i).startswith(b"\x89PNG") for i in images)
    assert "safety/crisis" in page and "stage/icpc" in page
    assert "http://" not in page and "https://" not in page  # opens offline, fetches nothing


def test_an_empty_table_still_gives_a_page():
    page = render([])
    assert "<h1>" in page and "<img" not in page


def test_counts_from_two_saves_on_the_same_day_add_up_in_one_row(tmp_path):
    # Two servers saving the same day's row: an upsert, so neither save fails.
    from collections import Counter

    import sqlalchemy as sa

    engine = sa.create_engine(f"sqlite:///{tmp_path / 'usage.db'}")
    usage.create_table(engine)
    key = ("2026-11-26", "item", "stage/icpc")
    for delta in (2, 3):
        with engine.begin() as connection:
            usage.add(connection, Counter({key: delta}))
    assert [(r["item"], r["count"]) for r in usage.read(engine)] == [("stage/icpc", 5)]


def test_through_the_store_a_second_session_leaves_the_first_where_it_ended(store):
    db = store.engine.url.database
    turn(store, "a", "stage/icpc", start=True)
    turn(store, "a", "stage/cp-plan")
    turn(store, "a", "rights/legal-aid", start=True)   # she came back after the session expired
    turn(store, "a", "stage/epo")
    ended = {item: n for (kind, item), n in counts(db).items() if kind == "ended_at"}
    assert ended == {"stage/cp-plan": 1, "stage/epo": 1}
    assert counts(db)[("conversation", "")] == 2
