"""Idle conversations are deleted after RETENTION_DAYS, and the notice says how long."""
from __future__ import annotations

import asyncio
import sqlite3
import subprocess
import sys
import threading

import pytest
from rasa.shared.core.events import ActionExecuted, UserUttered

from bot.channels.private_store import PrivateSQLTrackerStore
from bot.privacy import settings
from bot.privacy.retention import ROOT, engine_for, purge_idle, tracker_db_url
from bot.render import Channel
from tests.test_privacy_store import DOMAIN

DAY = 86400


def save_conversation(store, sender: str, days_ago: float) -> None:
    async def run():
        tracker = await store.get_or_create_tracker(sender)
        tracker.update(UserUttered("hello", {"name": "greet", "confidence": 1.0}))
        tracker.update(ActionExecuted("action_listen"))
        await store.save(tracker)

    asyncio.run(run())
    with sqlite3.connect(store.engine.url.database) as db:  # age it
        db.execute("update events set timestamp = timestamp - ? where sender_id = ?", (days_ago * DAY, sender))


def senders(db) -> set[str]:
    with sqlite3.connect(db) as connection:
        return {row[0] for row in connection.execute("select distinct sender_id from events")}


@pytest.fixture
def store(tmp_path, monkeypatch):
    monkeypatch.setenv("KEEP_USER_TEXT", "off")
    monkeypatch.delenv("RETENTION_DAYS", raising=False)
    return PrivateSQLTrackerStore(domain=DOMAIN, dialect="sqlite", db=str(tmp_path / "tracker.db"))


def endpoints_for(tmp_path, db) -> str:
    path = tmp_path / "endpoints.yml"
    path.write_text(
        "tracker_store:\n  type: bot.channels.private_store.PrivateSQLTrackerStore\n"
        f"  dialect: sqlite\n  db: {db}\n"
    )
    return str(path)


def test_make_purge_removes_an_old_conversation_and_keeps_a_newer_one(store, tmp_path):
    save_conversation(store, "old", days_ago=31)
    save_conversation(store, "recent", days_ago=29)
    db = store.engine.url.database
    result = subprocess.run(
        [sys.executable, "-m", "bot.purge", "--endpoints", endpoints_for(tmp_path, db)],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
    )
    assert result.returncode == 0, result.stderr
    assert "deleted 1 conversation" in result.stdout and "old" not in result.stdout.replace("idle", "")
    assert senders(db) == {"recent"}


def test_the_period_comes_from_retention_days(store, monkeypatch):
    save_conversation(store, "eight-days", days_ago=8)
    save_conversation(store, "six-days", days_ago=6)
    monkeypatch.setenv("RETENTION_DAYS", "7")
    assert purge_idle(store.engine, settings.retention_days()) == 1
    assert senders(store.engine.url.database) == {"six-days"}


def test_a_conversation_still_in_use_is_kept_even_if_it_began_long_ago(store):
    save_conversation(store, "long", days_ago=40)
    save_conversation(store, "long", days_ago=0)  # she came back today
    assert purge_idle(store.engine, 30) == 0
    assert senders(store.engine.url.database) == {"long"}


def test_building_the_store_starts_no_thread(tmp_path, monkeypatch):
    # The purge is not the store's job: a `rasa shell` or every replica would run one.
    monkeypatch.setenv("KEEP_USER_TEXT", "off")
    before = set(threading.enumerate())
    store = PrivateSQLTrackerStore(domain=DOMAIN, dialect="sqlite", db=str(tmp_path / "t.db"))
    assert set(threading.enumerate()) == before
    assert not hasattr(store, "purge")


def test_the_default_endpoints_point_at_the_private_store_on_var_tracker_db():
    text = (ROOT / "endpoints.yml").read_text()
    assert "type: bot.channels.private_store.PrivateSQLTrackerStore" in text
    assert str(tracker_db_url(ROOT / "endpoints.yml")).endswith("/var/tracker.db")


@pytest.mark.parametrize("bad", ["0", "-3", "thirty", "100000"])
def test_a_bad_retention_setting_is_refused(monkeypatch, bad):
    monkeypatch.setenv("RETENTION_DAYS", bad)
    with pytest.raises(settings.SettingError):
        settings.retention_days()


@pytest.mark.parametrize("channel", [Channel.WEB, Channel.SMS])
def test_the_privacy_notice_states_the_period_the_purge_uses(renderer, monkeypatch, channel):
    monkeypatch.delenv("RETENTION_DAYS", raising=False)
    monkeypatch.delenv("KEEP_USER_TEXT", raising=False)
    assert "30 days" in renderer.message("meta/privacy", channel).text
    monkeypatch.setenv("RETENTION_DAYS", "7")
    text = renderer.message("meta/privacy", channel).text
    assert "7 days" in text and "30 days" not in text


def test_the_privacy_notice_says_when_words_are_kept(renderer, monkeypatch):
    monkeypatch.delenv("KEEP_USER_TEXT", raising=False)
    off = renderer.message("meta/privacy", Channel.WEB).text
    monkeypatch.setenv("KEEP_USER_TEXT", "on")
    on = renderer.message("meta/privacy", Channel.WEB).text
    assert "does not keep the exact words" in off and "does not keep" not in on
    assert "taken out" in on


def test_purge_with_no_tracker_table_yet_deletes_nothing(tmp_path):
    assert purge_idle(engine_for(f"sqlite:///{tmp_path / 'new' / 'empty.db'}"), 30) == 0


def test_the_purge_finds_a_postgresql_store_named_through_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("PG_HOST", "db.internal")
    monkeypatch.setenv("PG_PASSWORD", "secret")
    path = tmp_path / "endpoints.yml"
    path.write_text(
        "tracker_store:\n  type: bot.channels.private_store.PrivateSQLTrackerStore\n  dialect: postgresql\n"
        "  url: ${PG_HOST}\n  port: 5432\n  db: rasa\n  username: bot\n  password: ${PG_PASSWORD}\n"
    )
    url = tracker_db_url(path)
    assert (url.drivername, url.host, url.port, url.database, url.username, url.password) == (
        "postgresql", "db.internal", 5432, "rasa", "bot", "secret")
