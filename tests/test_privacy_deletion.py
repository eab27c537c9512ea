"""One deletion path that tells the truth, on REST and SMS alike.

The channels run on a real Sanic server on loopback, registered the way Rasa
registers them, over the real privacy store on a SQLite file; only the model is
stood in for (tests/sanic_server.py). Her reply says "deleted" only when the
conversation and every other record of hers are gone.
"""
from __future__ import annotations

import asyncio
import sqlite3

import aiohttp
import pytest
from sqlalchemy.exc import OperationalError

from bot.channels.forget import delete_conversation
from bot.channels.private_store import PrivateSQLTrackerStore
from bot.channels.rest import ContentRestInput
from bot.channels.sms import SmsInput
from bot.privacy import deletion, purge_runs
from bot.sms.render import Choice
from bot.sms.state import Pending
from tests.fake_sms_gateway import FakeGateway
from tests.sanic_server import StandInAgent, serving
from tests.test_privacy_store import DOMAIN

FORGET_ME, ERROR = "meta/forget-me", "meta/error"


def replies(text: str) -> list[dict]:
    if text == "delete my chat":
        return [{"text": "Your conversation has been deleted.", "content_id": FORGET_ME}]
    return [{"text": "A care order is ...", "content_id": "stage/care-order"}]


@pytest.fixture(autouse=True)
def own_registries(monkeypatch):
    """Hooks and purge parts registered by one test's server stay in that test."""
    monkeypatch.setattr(deletion, "_hooks", [])
    monkeypatch.setattr(purge_runs, "_parts", [])


@pytest.fixture
def store(tmp_path, monkeypatch):
    monkeypatch.setenv("KEEP_USER_TEXT", "off")
    return PrivateSQLTrackerStore(domain=DOMAIN, dialect="sqlite", db=str(tmp_path / "tracker.db"))


def events_of(store, sender: str) -> int:
    with sqlite3.connect(store.engine.url.database) as db:
        return db.execute("select count(*) from events where sender_id = ?", (sender,)).fetchone()[0]


async def say(http: aiohttp.ClientSession, base: str, sender: str, text: str) -> tuple[int, list[str]]:
    async with http.post(f"{base}/webhooks/rest/webhook", json={"sender": sender, "message": text}) as reply:
        body = await reply.json()
        return reply.status, [m.get("content_id") for m in body]


def rest_conversation(store, sender: str, before_delete=None) -> tuple[int, int, list[str]]:
    """Two turns, then "delete my chat": (events before, events after, reply ids)."""
    async def run():
        async with serving([ContentRestInput()], StandInAgent(store, replies)) as (base, _):
            async with aiohttp.ClientSession() as http:
                await say(http, base, sender, "what is a care order")
                before = events_of(store, sender)
                if before_delete:
                    before_delete()
                status, ids = await say(http, base, sender, "delete my chat")
                assert status == 200
                return before, events_of(store, sender), ids
    return asyncio.run(run())


def test_rest_says_deleted_when_it_was_and_the_conversation_is_gone(store):
    before, after, ids = rest_conversation(store, "her")
    assert before > 0 and after == 0
    assert ids == [FORGET_ME]


def test_rest_answers_the_error_item_not_deleted_when_the_store_fails(store, monkeypatch, caplog):
    def broken(sender_id):
        raise OperationalError("delete", {}, Exception("database is down"))

    before, after, ids = rest_conversation(store, "her", lambda: monkeypatch.setattr(store, "forget", broken))
    assert ids == [ERROR], "she must not be told it was deleted"
    assert after > before  # the turn was saved and nothing was deleted
    assert "her" not in caplog.text


def test_rest_answers_the_error_item_when_another_part_failed_to_delete(store):
    def sms_records_unreachable(sender_id):
        raise OperationalError("delete", {}, Exception("sms state is down"))

    deletion.on_forget(sms_records_unreachable)
    before, after, ids = rest_conversation(store, "her")
    assert after == 0 and ids == [ERROR]


def test_the_one_deletion_returns_false_rather_than_raising():
    class Exploding:
        def forget(self, sender_id):
            raise RuntimeError("boom")

    assert delete_conversation(Exploding(), "her") is False


@pytest.fixture
def gateway():
    fake = FakeGateway().start()
    yield fake
    fake.stop()


@pytest.fixture
def sms_env(tmp_path, monkeypatch, gateway):
    for name, value in gateway.env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("SENDER_HASH_KEY", "deletion-test-key")
    monkeypatch.setenv("SMS_STATE_DB", str(tmp_path / "sms.db"))
    monkeypatch.delenv("BOT_ENV", raising=False)


def test_sms_records_are_registered_at_server_start_and_cleared_by_a_rest_deletion(store, sms_env):
    # No text has come in yet: the hooks must already be there, or a deletion from
    # another channel (or the purge) would leave her SMS choices behind.
    async def run():
        sms = SmsInput.from_credentials(None)
        async with serving([ContentRestInput(), sms], StandInAgent(store, replies)) as (base, _):
            assert sms.conversations is not None
            state = sms.conversations.state
            assert state.forget in deletion.hooks() and state.expire_idle in purge_runs._parts
            state.set_pending("her", Pending([Choice("Go back", "/nav_back")], "the rest"))
            state.queue("her", "an undelivered reply")
            async with aiohttp.ClientSession() as http:
                await say(http, base, "her", "what is a care order")
                _, ids = await say(http, base, "her", "delete my chat")
            return ids, state.pending("her"), state.outbox("her")

    ids, pending, outbox = asyncio.run(run())
    assert ids == [FORGET_ME] and pending == Pending([]) and outbox == []


@pytest.mark.parametrize("broken", [False, True])
def test_sms_delete_uses_the_same_deletion_and_tells_the_truth(store, sms_env, gateway, renderer, monkeypatch, broken):
    from bot.render import Channel
    from tests.fake_sms_gateway import signed

    number = "+447700900555"

    def database_down(sender_id):
        raise OperationalError("delete", {}, Exception("database is down"))

    async def run():
        sms = SmsInput.from_credentials(None)
        async with serving([sms], StandInAgent(store, replies)) as (base, _):
            sender = sms.conversations.hasher(number)
            url = f"{base}/webhooks/sms/webhook"
            async with aiohttp.ClientSession() as http:
                for n, body in enumerate(["what is a care order", "delete my chat"]):
                    if n == 1 and broken:
                        monkeypatch.setattr(store, "forget", database_down)
                    form = {"From": number, "Body": body, "MessageSid": f"SM{n}"}
                    async with http.post(url, data=form, headers=signed(url, form)) as reply:
                        assert reply.status == 200
                    await sms.conversations.drain()
            return events_of(store, sender)

    left = asyncio.run(run())
    last = gateway.to(number)[-1]
    if broken:
        assert left > 0 and last.startswith(renderer.message(ERROR, Channel.SMS).text)
    else:
        assert left == 0 and last.startswith(replies("delete my chat")[0]["text"])
