"""Reminders by text, end to end: through the SMS conversation and a fake gateway on
loopback, with an injected clock, the real store on a SQLite file and the real sender
(also as `python -m bot.reminders send --now ...`, two at once)."""
from __future__ import annotations

import asyncio
import logging
import os
import re
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest
import sqlalchemy as sa

from bot.dates import LONDON
from bot.reminders.secret import NumberBox
from bot.reminders.service import Reminders
from bot.reminders.sender import send_due
from bot.reminders.store import REMINDERS, ReminderStore, make_engine
from bot.sms.conversation import Inbound, SmsConversations
from bot.sms.gateway import GatewayConfig, SmsGateway
from bot.sms.sender_id import SenderHasher
from bot.sms.state import SmsState
from tests.fake_sms_gateway import ACCOUNT_SID, AUTH_TOKEN, FROM_NUMBER, FakeGateway

ROOT = Path(__file__).resolve().parent.parent
NUMBER = "+447700900123"
OTHER = "+447700900456"
KEY = "pvV6cCnm2Wg0wqWlGuxXFqsYFxw2qhxVdoTL3Zp8xPI="   # a test-only Fernet key
HASH_KEY = "test key"
NOT_ON_HER_LOCK_SCREEN = ("child protection", "court", "social services", "social worker", "conference",
                          "hearing", "core group", "contact", "solicitor")
CONFERENCE = "remind me about my conference on 14 January at 10am"


def london(*args) -> datetime:
    return datetime(*args, tzinfo=LONDON)


class Clock:
    def __init__(self, now: datetime):
        self.now = now

    def __call__(self) -> datetime:
        return self.now


class StandInBot:
    def __init__(self, renderer):
        self.renderer, self.heard = renderer, []

    async def __call__(self, sender: str, text: str) -> list[dict]:
        self.heard.append(text)
        message = self.renderer.message("meta/fallback").as_dict()
        return [{"text": message["text"], "content_id": "meta/fallback"}]


class SlowGateway:
    """The real gateway, a little slow, so two senders really overlap."""

    def __init__(self, gateway, pause: float = 0.2):
        self.gateway, self.pause = gateway, pause

    async def send(self, to: str, body: str) -> None:
        await asyncio.sleep(self.pause)
        await self.gateway.send(to, body)


class Harness:
    def __init__(self, tmp_path: Path, renderer, fake: FakeGateway, now: datetime):
        self.tmp, self.fake, self.clock = tmp_path, fake, Clock(now)
        self.db_url = f"sqlite:///{tmp_path / 'reminders.db'}"
        self.hasher = SenderHasher(HASH_KEY)
        self.reminders = Reminders.build(make_engine(self.db_url), NumberBox([KEY]), self.hasher, renderer, self.clock)
        self.state = SmsState(tmp_path / "sms.db")
        self.gateway = SmsGateway(GatewayConfig(fake.url, ACCOUNT_SID, AUTH_TOKEN, FROM_NUMBER),
                                  attempts=2, first_pause=0.05, timeout=2)
        self.bot = StandInBot(renderer)
        self.sms = SmsConversations(self.state, self.gateway, self.hasher, self.bot, self._forget, renderer,
                                    retry_delays=(0.2,), reminders=self.reminders.dialogue)
        self._sid = 0

    def _forget(self, sender: str) -> bool:
        self.reminders.forget(sender)   # what the on_forget hook does in the server
        return True

    async def text(self, body: str, number: str = NUMBER) -> str:
        before = len(self.fake.to(number))
        self._sid += 1
        self.sms.receive(Inbound(f"SM{self._sid}", number, body))
        await self.sms.drain()
        replies = self.fake.to(number)[before:]
        return "\n".join(replies)

    async def send(self, *when) -> list[str]:
        """Run the sender at that London time; the texts it sent."""
        before = len(self.fake.sent)
        self.report = await self.reminders.send_due(self.gateway, london(*when), self.state.is_stopped)
        return [s.body for s in self.fake.sent[before:]]

    def rows(self) -> list:
        return self.reminders.store._rows(sa.select(REMINDERS))


@pytest.fixture
def fake():
    gateway = FakeGateway().start()
    yield gateway
    gateway.stop()


@pytest.fixture
def run(tmp_path, renderer, fake):
    def runner(scenario, now=london(2026, 12, 10, 12, 0)):
        harness = Harness(tmp_path, renderer, fake, now)

        async def main():
            try:
                await scenario(harness)
            finally:
                await harness.gateway.close()
        asyncio.run(main())
        return harness
    return runner


def assert_discreet(text: str) -> None:
    lowered = text.lower()
    for word in NOT_ON_HER_LOCK_SCREEN:
        assert word not in lowered, f"the reminder text says {word!r}: {text}"


def test_opt_in_confirm_and_exactly_one_discreet_text_the_evening_before(run):
    async def scenario(h):
        reply = await h.text(CONFERENCE)
        assert "Your conference is on Thursday 14 January 2027 at 10am" in reply
        assert "Wednesday 13 January 2027 at 5pm" in reply and "Reply YES" in reply
        assert h.rows()[0].number is None           # nothing locked before she says YES
        reply = await h.text("YES")
        assert reply.startswith("Done.") and "Wednesday 13 January 2027 at 5pm" in reply
        assert h.bot.heard == []                     # the bot never saw the request
        assert await h.send(2027, 1, 13, 16, 59) == []
        [text] = await h.send(2027, 1, 13, 17, 0)
        assert text == "Just a reminder: your meeting is tomorrow at 10am. Reply INFO for the details."
        assert_discreet(text)
        assert h.fake.sent[-1].to == NUMBER
        for later in ((2027, 1, 13, 17, 1), (2027, 1, 13, 18, 0), (2027, 1, 14, 7, 30), (2027, 1, 14, 9, 0)):
            assert await h.send(*later) == []        # exactly once
        [row] = h.rows()
        assert row.number is None and row.evening_sent is not None   # the number went with the last text
        h.clock.now = london(2027, 1, 13, 19, 0)
        info = await h.text("INFO")
        assert "Your conference is on Thursday 14 January 2027 at 10am" in info and "letters" in info
        assert "interpreter" in info and "fares" in info
    run(scenario)


def test_the_morning_text_too_says_today_and_the_number_goes_after_it(run):
    async def scenario(h):
        assert "YES MORNING" in await h.text("remind me about the hearing on 14 January at 2pm")
        assert "And again on Thursday 14 January 2027 at 7:30am" in await h.text("yes morning")
        [row] = h.rows()
        assert row.evening_due is not None and row.morning_due is not None
        [evening] = await h.send(2027, 1, 13, 17, 0)
        assert evening == "Just a reminder: your appointment is tomorrow at 2pm. Reply INFO for the details."
        assert h.rows()[0].number is not None        # one text still to go
        [morning] = await h.send(2027, 1, 14, 7, 30)
        assert morning == "Just a reminder: your appointment is today at 2pm. Reply INFO for the details."
        assert h.rows()[0].number is None
    run(scenario)


def test_stop_cancels_every_reminder_and_nothing_is_sent(run):
    async def scenario(h):
        await h.text(CONFERENCE)
        await h.text("YES")
        await h.text("remind me about contact on 20 December at 3pm")
        await h.text("yes")
        assert len(h.reminders.store.upcoming(h.clock.now, sender=h.hasher(NUMBER))) == 2
        assert "You will not get any more texts" in await h.text("STOP")
        assert h.rows() == []
        assert await h.send(2026, 12, 19, 17, 0) == [] and await h.send(2027, 1, 13, 17, 0) == []
    run(scenario)


def test_my_reminders_lists_them_and_cancel_removes_one(run):
    async def scenario(h):
        for request in (CONFERENCE, "remind me about my core group on tuesday at 2"):
            await h.text(request)
            await h.text("YES")
        listed = await h.text("my reminders")
        assert "1. Your core group meeting is on Tuesday 15 December 2026 at 2pm." in listed
        assert "2. Your conference is on Thursday 14 January 2027 at 10am." in listed
        assert "CANCEL 1" in listed
        cancelled = await h.text("cancel 2")
        assert "cancelled the reminder for your conference" in cancelled
        assert "1. Your core group" in await h.text("MY REMINDERS")
        assert "conference" not in await h.text("my reminders")
        assert "cancelled" in await h.text("cancel my core group reminder")
        assert "no reminders" in await h.text("my reminders")
        assert await h.send(2026, 12, 14, 17, 0) == [] and await h.send(2027, 1, 13, 17, 0) == []
        assert h.bot.heard == []
    run(scenario)


def test_bad_input_gets_a_kind_re_ask_and_her_next_text_fills_the_gap(run):
    async def scenario(h):
        assert "What time does it start?" in await h.text("remind me about my conference on 14 January")
        assert "Reply YES" in await h.text("10am")
        assert "Which day is it" in await h.text("remind me about my meeting")
        assert "What time" in await h.text("monday")
        assert "could not read that time" in await h.text("at 25:00")
        assert "Reply YES" in await h.text("9.30am")
        assert "could not find that date" in await h.text("remind me about my hearing on 31 February at 10am")
        assert "Wednesday 10 March 2027 at 10am" in await h.text("10 March")
        assert "already gone" in await h.text("remind me about my meeting on 5 December at 10am")
        assert "already gone" in await h.text("remind me about my meeting today at 9am")
        assert "more than a year away" in await h.text("remind me about my meeting on 1 June 2029 at 10am")
        assert "no time left" in await h.text("remind me about my meeting today at 1pm")
        # She moved on: a later "yes" to something else does not set a reminder.
        await h.text("remind me about my meeting on 14 January at 10am")
        await h.text("what happens at a conference")
        await h.text("yes")
        assert h.reminders.store.upcoming(h.clock.now, sender=h.hasher(NUMBER)) == []
        assert h.bot.heard == ["what happens at a conference", "yes"]
    run(scenario)


def test_a_question_with_remind_me_and_help_still_go_where_they_went(run):
    async def scenario(h):
        await h.text("can you remind me what a core group is")
        assert "This number is a guide" in await h.text("INFO")      # no reminder: INFO is HELP
        assert h.bot.heard == ["can you remind me what a core group is"]
    run(scenario)


def test_a_failed_send_is_retried_next_minute_and_never_lost(run):
    async def scenario(h):
        await h.text(CONFERENCE)
        await h.text("YES")
        h.fake.down = True
        assert await h.send(2027, 1, 13, 17, 0) == [] and h.report.retry == 1
        assert await h.send(2027, 1, 13, 17, 1) == [] and h.report.retry == 1
        h.fake.down = False
        assert len(await h.send(2027, 1, 13, 17, 2)) == 1
        assert await h.send(2027, 1, 13, 17, 3) == []
    run(scenario)


def test_a_late_catch_up_waits_for_the_morning_and_says_today(run):
    async def scenario(h):
        await h.text(CONFERENCE)
        await h.text("YES MORNING")
        assert await h.send(2027, 1, 13, 22, 0) == [] and h.report.waiting == 1   # 10pm: quiet
        [text] = await h.send(2027, 1, 14, 7, 45)                                # one text, not two
        assert "is today at 10am" in text
        assert await h.send(2027, 1, 14, 8, 0) == []
        assert h.rows()[0].number is None
    run(scenario)


def test_once_the_event_has_begun_nothing_is_sent_and_the_number_is_gone(run):
    async def scenario(h):
        await h.text(CONFERENCE)
        await h.text("YES")
        assert await h.send(2027, 1, 14, 10, 30) == [] and h.report.ended == 1
        assert h.rows()[0].number is None
        assert await h.send(2027, 1, 14, 23, 0) == [] and h.rows() == []          # the row goes too
    run(scenario)


def test_delete_my_chat_deletes_her_reminders(run):
    async def scenario(h):
        await h.text(CONFERENCE)
        await h.text("YES")
        await h.text("DELETE")
        assert h.rows() == []
        assert await h.send(2027, 1, 13, 17, 0) == []
    run(scenario)


def test_across_the_spring_clock_change_the_text_goes_at_5pm_summer_time(run):
    async def scenario(h):
        reply = await h.text("remind me about my meeting on Monday 29 March at 9am")
        assert "Monday 29 March 2027 at 9am" in reply and "Sunday 28 March 2027 at 5pm" in reply
        await h.text("YES")
        assert await h.send(2027, 3, 28, 16, 59) == []   # 15:59 UTC
        [text] = await h.send(2027, 3, 28, 17, 0)        # 16:00 UTC, not 17:00 as in January
        assert text == "Just a reminder: your meeting is tomorrow at 9am. Reply INFO for the details."
    run(scenario, now=london(2027, 1, 10, 12, 0))


def test_across_the_autumn_clock_change_the_text_goes_at_5pm_winter_time(run):
    async def scenario(h):
        await h.text("remind me about my hearing on 1 November at 10am")
        await h.text("YES")
        assert await h.send(2027, 10, 31, 16, 59) == []
        [text] = await h.send(2027, 10, 31, 17, 0)       # 17:00 UTC, the clocks went back that morning
        assert "tomorrow at 10am" in text
    run(scenario, now=london(2027, 9, 1, 12, 0))


def test_two_senders_at_once_send_each_reminder_once(run, tmp_path):
    async def scenario(h):
        for number in (NUMBER, OTHER, "+447700900789"):
            await h.text(CONFERENCE, number)
            await h.text("YES", number)
        other_store = ReminderStore(make_engine(h.db_url), h.reminders.store.chat_key)
        slow = SlowGateway(h.gateway)
        at = london(2027, 1, 13, 17, 0)
        first, second = await asyncio.gather(
            send_due(h.reminders.store, h.reminders.box, slow, h.reminders.renderer, at, holder="server-a"),
            send_due(other_store, h.reminders.box, slow, h.reminders.renderer, at, holder="server-b"))
        assert sorted([first.locked, second.locked]) == [False, True]
        assert first.sent + second.sent == 3
        bodies = [s for s in h.fake.sent if s.body.startswith("Just a reminder")]
        assert sorted(s.to for s in bodies) == sorted([NUMBER, OTHER, "+447700900789"])
        again = await send_due(other_store, h.reminders.box, slow, h.reminders.renderer, at, holder="server-b")
        assert again.sent == 0 and not again.locked
    run(scenario)


def test_a_sender_that_died_holds_the_lock_only_until_its_lease_ends(tmp_path):
    store = ReminderStore(make_engine(f"sqlite:///{tmp_path / 'r.db'}"), lambda x: x)
    assert store.acquire("dead", 120, clock=lambda: 1000.0)
    assert not store.acquire("alive", 120, clock=lambda: 1100.0)
    assert store.acquire("alive", 120, clock=lambda: 1121.0)
    assert not store.renew("dead", 120, clock=lambda: 1122.0)      # it cannot carry on sending


def test_the_number_is_nowhere_on_disk_or_in_the_logs_in_clear(run, tmp_path, caplog):
    log_file = tmp_path / "bot.log"
    handler = logging.FileHandler(log_file)
    logging.getLogger().addHandler(handler)

    async def scenario(h):
        with caplog.at_level(logging.DEBUG):
            await h.text(CONFERENCE)
            await h.text("yes morning")
            await h.text("my reminders")
            h.fake.down = True
            await h.send(2027, 1, 13, 17, 0)
            h.fake.down = False
            await h.send(2027, 1, 13, 17, 1)
            await h.text("INFO")
            await h.text(CONFERENCE.replace("14 January", "20 January"), OTHER)
            await h.text("YES", OTHER)
    try:
        run(scenario)
    finally:
        logging.getLogger().removeHandler(handler)
        handler.close()
    forms = [NUMBER, NUMBER[1:], "0" + NUMBER[3:], NUMBER[3:], "7700 900123", "07700 900123",
             OTHER[3:], "0" + OTHER[3:]]
    files = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert any(p.name == "reminders.db" for p in files) and any(p.name == "sms.db" for p in files)
    for path in files:
        data = path.read_bytes()
        for form in forms:
            assert form.encode() not in data, f"{form} in clear in {path.name}"
    for form in forms:
        assert form not in caplog.text
    assert "conference" not in caplog.text.lower().replace("(conference)", "")


def _env(h: Harness, fake: FakeGateway) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SMS_", "REMINDER_", "SENDER_"))}
    env.update(fake.env, REMINDER_KEY=KEY, SENDER_HASH_KEY=HASH_KEY, REMINDER_DB_URL=h.db_url,
               SMS_STATE_DB=str(h.tmp / "sms.db"), PYTHONPATH=str(ROOT))
    return env


def _command(env: dict, now: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "bot.reminders", "send", "--now", now], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_the_command_sends_one_discreet_text_the_evening_before_and_none_after_stop(run, fake):
    async def scenario(h):
        await h.text(CONFERENCE)
        await h.text("YES")
        await h.text(CONFERENCE, OTHER)
        await h.text("YES", OTHER)
        await h.text("STOP", OTHER)
        h.env = _env(h, fake)
    h = run(scenario)
    for now in ("2027-01-13T16:59", "2027-01-13T17:00:00+00:00", "2027-01-13T17:05Z"):
        process = _command(h.env, now)
        out, err = process.communicate(timeout=120)
        assert process.returncode == 0, err
        assert "7700900" not in out + err
    reminders = [s for s in fake.sent if s.body.startswith("Just a reminder")]
    assert [(s.to, s.body) for s in reminders] == [
        (NUMBER, "Just a reminder: your meeting is tomorrow at 10am. Reply INFO for the details.")]


def test_two_commands_at_once_send_once(run, fake):
    async def scenario(h):
        for n in range(4):
            number = f"+4477009002{n:02d}"
            await h.text(CONFERENCE, number)
            await h.text("YES", number)
        h.env = _env(h, fake)
    h = run(scenario)
    processes = [_command(h.env, "2027-01-13T17:00") for _ in range(2)]
    outputs = [p.communicate(timeout=120) for p in processes]
    assert all(p.returncode in (0, 2) for p in processes), outputs
    sent = [s.to for s in fake.sent if s.body.startswith("Just a reminder")]
    assert sorted(sent) == sorted(set(sent)) and len(sent) == 4
    assert sum(int(re.search(r"(\d+) sent", out).group(1)) for out, _ in outputs if " sent" in out) == 4


class DatesBot(StandInBot):
    """Answers as the bot does after working out when a first conference should be: the
    result, with "Remind me about it" among its choices (actions/dates.py remind_me)."""

    async def __call__(self, sender: str, text: str) -> list[dict]:
        self.heard.append(text)
        return [{"text": "The conference should be held by ...", "content_id": "dates/icpc-deadline",
                 "buttons": [{"title": "What happens at a conference", "payload": "/stage_icpc"},
                             {"title": "Remind me about it", "payload": "remind me about my conference"}]}]


def test_choosing_remind_me_by_its_number_starts_a_reminder_not_a_bot_turn(run):
    async def scenario(h):
        h.sms.ask_bot = h.bot = DatesBot(h.reminders.renderer)
        offered = await h.text("when should the first conference be, the strategy discussion was on 8 December")
        assert "2 Remind me about it" in offered
        asked = await h.text("2")
        assert "I can set a reminder for your conference. Which day is it" in asked
        assert h.bot.heard == ["when should the first conference be, the strategy discussion was on 8 December"]
        assert "Your conference is on Thursday 17 December 2026 at 10am" in await h.text("17 December at 10am")
        assert (await h.text("YES")).startswith("Done.")
        assert len(h.reminders.store.upcoming(h.clock.now, sender=h.hasher(NUMBER))) == 1
    run(scenario)
