"""The retention purge runs once per region, not from the store, and its failures show.

Who runs it: `make purge` (the CronJob on Kubernetes), or one server elected through
the shared `purge_runs` row. Every run's outcome is on every server's health report.
"""
from __future__ import annotations

import asyncio
import sqlite3
import subprocess
import sys
import time

import aiohttp
import pytest

from bot.channels.health import HealthInput
from bot.channels.private_store import PrivateSQLTrackerStore
from bot.privacy import purge_runs
from bot.privacy.retention import ROOT
from bot.sms.render import Choice
from bot.sms.state import Pending, SmsState
from tests.sanic_server import StandInAgent, eventually, serving
from tests.test_privacy_retention import save_conversation, senders
from tests.test_privacy_store import DOMAIN

DAY = 86400.0
HOUR = 3600.0


@pytest.fixture(autouse=True)
def own_parts(monkeypatch):
    monkeypatch.setattr(purge_runs, "_parts", [])
    monkeypatch.delenv("RETENTION_DAYS", raising=False)
    monkeypatch.delenv("PURGE_IN_SERVER", raising=False)
    monkeypatch.delenv("PURGE_EVERY_HOURS", raising=False)
    monkeypatch.setenv("KEEP_USER_TEXT", "off")


@pytest.fixture
def store(tmp_path):
    return PrivateSQLTrackerStore(domain=DOMAIN, dialect="sqlite", db=str(tmp_path / "tracker.db"))


def test_of_several_servers_exactly_one_claims_each_periods_run(store):
    now = 1_000_000.0
    servers = [f"rasa-{n}" for n in range(4)]
    assert [purge_runs.claim(store.engine, s, DAY, now) for s in servers] == [True, False, False, False]
    assert not any(purge_runs.claim(store.engine, s, DAY, now + DAY - 60) for s in servers)
    assert [purge_runs.claim(store.engine, s, DAY, now + DAY + 1) for s in reversed(servers)] == [
        True, False, False, False]


def test_a_failed_run_is_reported_and_tried_again_soon_not_a_day_later(store):
    now = time.time()
    assert purge_runs.claim(store.engine, "rasa-1", DAY, now)

    def broken(days, at):
        raise sqlite3.OperationalError("disk I/O error")

    outcome = purge_runs.run_purge(store.engine, 30, parts=[broken], by="rasa-1", every_seconds=DAY)
    assert not outcome.ok and outcome.error == "OperationalError"
    report = purge_runs.status(store.engine, DAY)
    assert report["healthy"] is False and report["state"] == "failing" and report["error"] == "OperationalError"
    later = time.time()
    assert not purge_runs.claim(store.engine, "rasa-2", DAY, later + 60)
    assert purge_runs.claim(store.engine, "rasa-2", DAY, later + purge_runs.RETRY_FAILED_AFTER + 1)
    assert purge_runs.run_purge(store.engine, 30, parts=[], by="rasa-2", every_seconds=DAY).ok
    assert purge_runs.status(store.engine, DAY)["state"] == "ok"


def test_no_success_for_two_periods_is_reported_as_overdue(store):
    assert purge_runs.status(store.engine, DAY) == {"healthy": True, "state": "never-run"}
    purge_runs.run_purge(store.engine, 30, parts=[], every_seconds=DAY)
    assert purge_runs.status(store.engine, DAY, now=time.time() + DAY)["healthy"] is True
    late = purge_runs.status(store.engine, DAY, now=time.time() + 2 * DAY + HOUR)
    assert late["healthy"] is False and late["state"] == "overdue"


def test_the_report_holds_times_and_counts_only(store):
    save_conversation(store, "sender-secret-id", days_ago=31)
    purge_runs.run_purge(store.engine, 30, parts=[], by="host:1", every_seconds=DAY)
    report = purge_runs.status(store.engine, DAY)
    assert report["deleted_last_run"] == 1 and "sender-secret-id" not in str(report)


def endpoints_for(tmp_path, db) -> str:
    path = tmp_path / "endpoints.yml"
    path.write_text(f"tracker_store:\n  type: bot.channels.private_store.PrivateSQLTrackerStore\n"
                    f"  dialect: sqlite\n  db: {db}\n")
    return str(path)


def make_purge(tmp_path, db, **env):
    return subprocess.run(
        [sys.executable, "-m", "bot.purge", "--endpoints", endpoints_for(tmp_path, db)],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin", **env})


def test_make_purge_also_expires_sms_choices_by_retention_days_and_records_its_run(store, tmp_path):
    save_conversation(store, "old", days_ago=8)
    sms_db = tmp_path / "sms.db"
    old_clock = SmsState(sms_db, clock=lambda: time.time() - 8 * DAY)
    old_clock.set_pending("old-texter", Pending([Choice("Go back", "/nav_back")]))
    SmsState(sms_db).set_pending("recent-texter", Pending([Choice("Go back", "/nav_back")]))

    result = make_purge(tmp_path, store.engine.url.database, RETENTION_DAYS="7", SMS_STATE_DB=str(sms_db))
    assert result.returncode == 0, result.stderr
    assert "deleted 1 conversation" in result.stdout and "1 SMS record" in result.stdout
    assert senders(store.engine.url.database) == set()
    with sqlite3.connect(sms_db) as db:
        assert [row[0] for row in db.execute("select sender from sms_pending")] == ["recent-texter"]
    assert purge_runs.status(store.engine)["state"] == "ok"
    # ...and the servers see that this period's run is done.
    assert not purge_runs.claim(store.engine, "rasa-1", DAY)


def test_make_purge_fails_loudly_when_it_cannot_purge(tmp_path):
    not_a_database = tmp_path / "tracker.db"
    not_a_database.write_bytes(b"this is not a database" * 100)
    result = make_purge(tmp_path, not_a_database)
    assert result.returncode == 1 and "FAILED" in result.stdout


# -- inside the servers: one elected, and the report over HTTP ---------------------------
async def health(http, base) -> tuple[int, dict]:
    async with http.get(f"{base}/webhooks/health/") as reply:
        return reply.status, await reply.json()


def test_one_of_two_servers_runs_the_purge_at_start_and_the_report_shows_it(store, tmp_path):
    save_conversation(store, "idle-40-days", days_ago=40)
    save_conversation(store, "recent", days_ago=1)
    # The second server is a second store object on the same database, as in a cluster.
    other = PrivateSQLTrackerStore(domain=DOMAIN, dialect="sqlite", db=str(tmp_path / "tracker.db"))

    async def run():
        first, second = HealthInput(), HealthInput()
        async with serving([first], StandInAgent(store, lambda _: [])) as (base, _):
            assert await eventually(lambda: first.schedule.runs == 1)
            async with serving([second], StandInAgent(other, lambda _: [])) as (other_base, _):
                await asyncio.sleep(0.3)
                assert second.schedule.runs == 0, "the second server must not purge in the same period"
                async with aiohttp.ClientSession() as http:
                    assert await eventually(lambda: purge_runs.status(store.engine)["state"] == "ok")
                    return await health(http, base), await health(http, other_base)

    (status, body), (other_status, other_body) = asyncio.run(run())
    assert senders(store.engine.url.database) == {"recent"}
    assert status == other_status == 200
    assert body["status"] == "ok" and body["purge"]["deleted_last_run"] == 1 and other_body == body


def test_a_failing_purge_turns_the_report_to_503(store):
    purge_runs.record(store.engine, False, 0, "OperationalError", DAY, "make purge")

    async def run():
        async with serving([HealthInput()], StandInAgent(store, lambda _: [])) as (base, _):
            async with aiohttp.ClientSession() as http:
                return await health(http, base)

    status, body = asyncio.run(run())
    assert status == 503 and body["status"] == "failing" and body["purge"]["error"] == "OperationalError"


def test_with_purge_in_server_off_no_server_purges(store, monkeypatch):
    monkeypatch.setenv("PURGE_IN_SERVER", "off")  # deploy/k8s: the CronJob does it
    save_conversation(store, "idle-40-days", days_ago=40)

    async def run():
        channel = HealthInput()
        async with serving([channel], StandInAgent(store, lambda _: [])):
            await asyncio.sleep(0.3)
            return channel.schedule

    assert asyncio.run(run()) is None
    assert senders(store.engine.url.database) == {"idle-40-days"}
