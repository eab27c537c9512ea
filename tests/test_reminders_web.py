"""Reminders in the Rasa server's channels: the web chat (REST) and SMS on a real Sanic
server on loopback, registered as Rasa registers them, over the privacy tracker store
on a SQLite file; only the model is stood in for. The number she types on the web
never reaches the bot or the tracker store, "delete my chat" deletes her reminders,
STOP by text cancels the ones she set on the web, and the minute sender starts once."""
from __future__ import annotations

import asyncio
import itertools
import socket
from contextlib import asynccontextmanager
from datetime import date, timedelta

import aiohttp
import pytest
import sqlalchemy as sa
from rasa.core.channels import channel as rasa_channel
from rasa.core.tracker_store import FailSafeTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, UserUttered
from sanic import Sanic

from bot.channels import reminders as reminder_channel
from bot.channels.private_store import PrivateSQLTrackerStore
from bot.channels.rest import ContentRestInput
from bot.channels.sms import SmsInput
from bot.dates import MONTHS
from bot.reminders.secret import KeyMissing
from bot.reminders.store import REMINDERS
from bot.sms.gateway import GatewayConfig
from tests.fake_sms_gateway import ACCOUNT_SID, AUTH_TOKEN, FROM_NUMBER, FakeGateway, signed

NUMBER = "+447700900123"
TYPED = "07700 900123"
_names = itertools.count()


class StandInAgent:
    """Saves each turn to the real tracker store and answers as the bot would."""

    def __init__(self, store):
        self.tracker_store = FailSafeTrackerStore(store)
        self.heard: list[str] = []

    async def handle_message(self, message) -> None:
        self.heard.append(message.text)
        content_id = "meta/forget-me" if message.text == "delete my chat" else "meta/fallback"
        tracker = await self.tracker_store.get_or_create_tracker(message.sender_id)
        tracker.update(UserUttered(message.text, {"name": "any", "confidence": 1.0}))
        tracker.update(ActionExecuted("utter_answer"))
        tracker.update(BotUttered("...", {}, {"metadata": {"content_id": content_id}}))
        tracker.update(ActionExecuted("action_listen"))
        await self.tracker_store.save(tracker)
        await message.output_channel.send_text_message(message.sender_id, "...", metadata={"content_id": content_id})


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@asynccontextmanager
async def serving(channels, agent):
    Sanic.test_mode = True
    app = Sanic(f"reminders_app_{next(_names)}")
    app.ctx.agent = agent
    rasa_channel.register(channels, app, route="/webhooks/")
    server = await app.create_server(host="127.0.0.1", port=free_port(), return_asyncio_server=True,
                                     access_log=False)
    await server.startup()
    await server.before_start()
    await server.after_start()
    try:
        yield f"http://127.0.0.1:{server.server.sockets[0].getsockname()[1]}", app
    finally:
        await server.before_stop()
        server.close()
        await server.wait_closed()
        await server.after_stop()


@pytest.fixture(autouse=True)
def own_hooks(monkeypatch):
    """Deletion hooks registered by one test's server stay in that test."""
    try:
        from bot.privacy import deletion
        monkeypatch.setattr(deletion, "_hooks", [])
    except ImportError:
        from bot.channels import forget
        monkeypatch.setattr(forget, "_forget_hooks", [])


@pytest.fixture
def env(tmp_path, monkeypatch):
    monkeypatch.setenv("KEEP_USER_TEXT", "off")
    monkeypatch.setenv("REMINDER_KEY", "pvV6cCnm2Wg0wqWlGuxXFqsYFxw2qhxVdoTL3Zp8xPI=")
    monkeypatch.setenv("SENDER_HASH_KEY", "test key")
    monkeypatch.setenv("SMS_STATE_DB", str(tmp_path / "sms.db"))
    monkeypatch.delenv("REMINDER_DB_URL", raising=False)
    monkeypatch.delenv("REMINDER_SENDER", raising=False)
    monkeypatch.delenv("BOT_ENV", raising=False)
    return tmp_path


@pytest.fixture
def fake():
    gateway = FakeGateway().start()
    yield gateway
    gateway.stop()


def tracker_store(tmp_path) -> PrivateSQLTrackerStore:
    return PrivateSQLTrackerStore(domain=Domain.empty(), dialect="sqlite", db=str(tmp_path / "tracker.db"),
                                  purge_every_hours=0)


def some_day() -> str:
    day = date.today() + timedelta(days=30)
    return f"{day.day} {MONTHS[day.month - 1]}"


async def say(http, base: str, sender: str, text: str) -> list[dict]:
    async with http.post(f"{base}/webhooks/rest/webhook", json={"sender": sender, "message": text}) as reply:
        assert reply.status == 200
        return await reply.json()


def rows(store) -> list:
    with store.engine.connect() as connection:
        return list(connection.execute(sa.select(REMINDERS)))


def test_web_chat_asks_for_her_number_says_what_is_kept_and_the_number_stays_out_of_the_tracker(env, fake):
    store = tracker_store(env)
    agent = StandInAgent(store)
    sms = SmsInput(GatewayConfig(fake.url, ACCOUNT_SID, AUTH_TOKEN, FROM_NUMBER))

    async def main():
        async with serving([ContentRestInput(), sms], agent) as (base, app):
            async with aiohttp.ClientSession() as http:
                [asked] = await say(http, base, "web-1", f"remind me about my core group on {some_day()} at 2pm")
                assert asked["content_id"] == "meta/reminder-number"
                assert "type your mobile number" in asked["text"] and "delete your number" in asked["text"]
                [check] = await say(http, base, "web-1", "0770090012")
                assert check["content_id"] == "meta/reminder-bad-number"
                [check] = await say(http, base, "web-1", TYPED)
                assert check["content_id"] == "meta/reminder-confirm" and "ending 123" in check["text"]
                [done] = await say(http, base, "web-1", "yes")
                assert done["content_id"] == "meta/reminder-set"
                [listed] = await say(http, base, "web-1", "my reminders")
                assert "1. Your core group meeting is on" in listed["text"]
                assert agent.heard == []                      # none of it reached the bot
                await say(http, base, "web-1", "what is a care order")
                assert agent.heard == ["what is a care order"]
                [row] = rows(store)
                assert row.sender and row.number and "7700900" not in row.number
                assert b"7700900123" not in (env / "tracker.db").read_bytes()
                # By text, the same number's STOP cancels the reminder she set on the web.
                url = f"{base}/webhooks/sms/webhook"
                form = {"From": NUMBER, "Body": "STOP", "MessageSid": "SM1", "To": FROM_NUMBER}
                async with http.post(url, data=form, headers=signed(url, form)) as reply:
                    assert reply.status == 200
                await sms.conversations.drain()
                assert rows(store) == []
                # The minute sender was started once, at server start.
                task = app.ctx.reminder_sender
                assert isinstance(task, asyncio.Task) and not task.done()
                assert reminder_channel.start_sender(app, sms.conversations.gateway) is task
        assert app.ctx.reminder_sender is None             # stopped with the server
    asyncio.run(main())
    assert fake.wait_for(NUMBER, 1, timeout=5)[0].startswith("You will not get any more texts")


def test_delete_my_chat_on_the_web_deletes_her_reminders(env):
    store = tracker_store(env)
    agent = StandInAgent(store)

    async def main():
        async with serving([ContentRestInput()], agent) as (base, _):
            async with aiohttp.ClientSession() as http:
                await say(http, base, "web-2", f"remind me about my hearing on {some_day()} at 10am")
                await say(http, base, "web-2", TYPED)
                await say(http, base, "web-2", "YES MORNING")
                await say(http, base, "web-3", f"remind me about contact on {some_day()} at 3pm")
                await say(http, base, "web-3", "07700 900456")
                await say(http, base, "web-3", "yes")
                assert len(rows(store)) == 2
                [deleted] = await say(http, base, "web-2", "delete my chat")
                assert deleted["content_id"] == "meta/forget-me"
                assert [r.kind for r in rows(store)] == ["contact"]   # another chat's stays
    asyncio.run(main())


def day_ahead(days: int) -> date:
    return date.today() + timedelta(days=days)


def day_month(day: date) -> str:
    return f"{day.day} {MONTHS[day.month - 1]}"


def gov_uk(day: date) -> str:
    return f"{day:%A} {day.day} {MONTHS[day.month - 1]} {day.year}"


def test_cancel_on_the_web_removes_hers_only_and_never_reaches_the_bot(env):
    store = tracker_store(env)
    agent = StandInAgent(store)
    core_group, hearing = day_ahead(20), day_ahead(40)

    async def main():
        async with serving([ContentRestInput()], agent) as (base, _):
            async with aiohttp.ClientSession() as http:
                for request in (f"remind me about my core group on {day_month(core_group)} at 2pm",
                                f"remind me about my hearing on {day_month(hearing)} at 10am"):
                    await say(http, base, "web-4", request)
                    await say(http, base, "web-4", TYPED)
                    [done] = await say(http, base, "web-4", "yes")
                    assert done["content_id"] == "meta/reminder-set"
                # Another chat's reminder, to show cancel touches only hers.
                await say(http, base, "web-5", f"remind me about contact on {day_month(hearing)} at 3pm")
                await say(http, base, "web-5", "07700 900456")
                await say(http, base, "web-5", "yes")
                assert len(rows(store)) == 3
                # "cancel" with two set: which one?
                [which] = await say(http, base, "web-4", "cancel")
                assert which["content_id"] == "meta/reminder-list"
                assert "Which one do you want to cancel?" in which["text"]
                assert f"1. Your core group meeting is on {gov_uk(core_group)} at 2pm." in which["text"]
                assert f"2. Your hearing is on {gov_uk(hearing)} at 10am." in which["text"]
                assert len(rows(store)) == 3
                [gone] = await say(http, base, "web-4", "cancel 2")
                assert gone["content_id"] == "meta/reminder-cancelled"
                assert f"your hearing on {gov_uk(hearing)} at 10am" in gone["text"]
                assert sorted(r.kind for r in rows(store)) == ["contact", "core_group"]
                # One left: "cancel" alone cancels it.
                [gone] = await say(http, base, "web-4", "Cancel")
                assert gone["content_id"] == "meta/reminder-cancelled" and "core group meeting" in gone["text"]
                assert [r.kind for r in rows(store)] == ["contact"]
                [none] = await say(http, base, "web-4", "cancel 1")
                assert none["content_id"] == "meta/reminder-none"
                # "cancel" while setting one up: nothing is set, and her number is not kept.
                await say(http, base, "web-4", f"remind me about my meeting on {day_month(core_group)} at 9am")
                await say(http, base, "web-4", TYPED)
                [not_set] = await say(http, base, "web-4", "cancel")
                assert not_set["content_id"] == "meta/reminder-not-set"
                [yes] = await say(http, base, "web-4", "yes")         # a later yes sets nothing
                assert yes["content_id"] != "meta/reminder-set"
                assert [r.kind for r in rows(store)] == ["contact"]
                assert agent.heard == ["yes"]                    # only the yes reached the bot
    asyncio.run(main())


def test_production_without_a_reminder_key_refuses_to_start(env, monkeypatch):
    monkeypatch.setenv("BOT_ENV", "production")
    monkeypatch.delenv("REMINDER_KEY")
    with pytest.raises(KeyMissing):
        ContentRestInput().blueprint(lambda message: None)


def test_the_server_calls_the_same_sending_code_every_minute():
    calls = []

    class Counting:
        async def send_due(self, gateway, now, is_stopped):
            calls.append((gateway, now))

    async def main():
        task = asyncio.get_running_loop().create_task(
            reminder_channel.every_minute(Counting(), "gateway", None, period=0.05))
        await asyncio.sleep(0.18)
        task.cancel()
    asyncio.run(main())
    assert len(calls) >= 3 and all(call == ("gateway", None) for call in calls)
