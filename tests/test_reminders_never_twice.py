"""Never twice, never lost to a gateway error: each text is claimed in the store before
it is sent (bot/reminders/sender.py, ReminderStore.claim), and put back when the gateway
turns it away for now. The store is the real one on a SQLite file; the gateway is a
stand-in that can be slow, fail for now, refuse, or die after sending."""
from __future__ import annotations

import asyncio
from datetime import datetime

import pytest
import sqlalchemy as sa

from bot.dates import LONDON
from bot.reminders.secret import NumberBox
from bot.reminders.sender import _send_one, SendReport, send_due
from bot.reminders.store import ASK_YES, REMINDERS, ReminderStore, make_engine
from bot.sms.gateway import GatewayError

KEY = "pvV6cCnm2Wg0wqWlGuxXFqsYFxw2qhxVdoTL3Zp8xPI="   # a test-only Fernet key
NUMBER = "+447700900123"
# The reminder text in meta/reminder-text for a meeting at 10am tomorrow.
TEXT = "Just a reminder: your meeting is tomorrow at 10am. Reply INFO for the details."


def london(*args) -> datetime:
    return datetime(*args, tzinfo=LONDON)


EVENT = london(2027, 1, 14, 10, 0)
EVENING = london(2027, 1, 13, 17, 0)


class Gateway:
    """Records what it sends. `fail`: how many sends to turn away first; `hold`: an
    event the send waits for (a slow gateway); `die_after_send`: the process dies just
    after the gateway took the text (before anything else is written)."""

    def __init__(self, fail: int = 0, permanent: bool = False, hold: asyncio.Event | None = None,
                 die_after_send: bool = False):
        self.sent: list[tuple[str, str]] = []
        self.fail, self.permanent, self.hold, self.die_after_send = fail, permanent, hold, die_after_send
        self.started = asyncio.Event()

    async def send(self, to: str, body: str) -> None:
        self.started.set()
        await asyncio.sleep(0)      # let another sender run here, as a real send would
        if self.hold is not None:
            await self.hold.wait()
        if self.fail:
            self.fail -= 1
            raise GatewayError("503 Service Unavailable", permanent=self.permanent)
        self.sent.append((to, body))
        if self.die_after_send:
            raise SystemExit("killed")


@pytest.fixture
def db(tmp_path):
    return f"sqlite:///{tmp_path / 'reminders.db'}"


@pytest.fixture
def box():
    return NumberBox([KEY])


def store_for(db: str) -> ReminderStore:
    return ReminderStore(make_engine(db), lambda conversation: "chat:" + conversation)


def set_one(store: ReminderStore, box: NumberBox) -> int:
    """A confirmed reminder for a meeting at 10am on 14 January, texted at 5pm the day before."""
    reminder_id = store.start("chat-1", "conference", ASK_YES, london(2026, 12, 10, 12, 0))
    assert store.confirm(reminder_id, EVENT, EVENING, None, "her-hash", box.lock(NUMBER))
    return reminder_id


def row(store: ReminderStore, reminder_id: int):
    with store.engine.connect() as connection:
        return connection.execute(sa.select(REMINDERS).where(REMINDERS.c.id == reminder_id)).first()


def test_two_senders_with_the_same_due_reminder_send_it_once(db, box, renderer):
    store = store_for(db)
    reminder_id = set_one(store, box)
    [loaded] = store.due(EVENING)
    gateway = Gateway()

    async def main():
        reports = SendReport(), SendReport()
        # Both read the row before either sent: the claim decides which one sends.
        await asyncio.gather(*(_send_one(s, box, gateway, renderer, loaded, EVENING, None, report)
                               for s, report in zip((store, store_for(db)), reports)))
        return reports
    first, second = asyncio.run(main())
    assert gateway.sent == [(NUMBER, TEXT)]
    assert first.sent + second.sent == 1
    assert row(store, reminder_id).evening_sent is not None and row(store, reminder_id).number is None


def test_a_sender_whose_lease_lapsed_mid_send_and_the_next_sender_send_it_once(db, box, renderer):
    store_a, store_b = store_for(db), store_for(db)
    set_one(store_a, box)

    async def main():
        hold = asyncio.Event()
        slow, other = Gateway(hold=hold), Gateway()
        a = asyncio.create_task(send_due(store_a, box, slow, renderer, EVENING, holder="a", lease=120,
                                         clock=lambda: 1000.0))
        await slow.started.wait()
        # 200 s later a's lease has lapsed: b takes the lock while a's send is still on its way.
        b = await send_due(store_b, box, other, renderer, EVENING, holder="b", lease=120, clock=lambda: 1200.0)
        hold.set()
        return await a, b, slow, other
    a, b, slow, other = asyncio.run(main())
    assert not b.locked                      # b really ran
    assert slow.sent + other.sent == [(NUMBER, TEXT)]
    assert (a.sent, b.sent) == (1, 0)


def test_a_text_the_gateway_turns_away_for_now_is_sent_next_minute_once(db, box, renderer):
    store = store_for(db)
    reminder_id = set_one(store, box)
    gateway = Gateway(fail=1)

    async def run(*when):
        return await send_due(store, box, gateway, renderer, london(*when))
    first = asyncio.run(run(2027, 1, 13, 17, 0))
    assert first.retry == 1 and first.sent == 0 and gateway.sent == []
    put_back = row(store, reminder_id)
    assert put_back.evening_sent is None and put_back.number is not None   # due again, number kept
    assert asyncio.run(run(2027, 1, 13, 17, 1)).sent == 1
    assert gateway.sent == [(NUMBER, TEXT)]
    assert asyncio.run(run(2027, 1, 13, 17, 2)).sent == 0
    assert gateway.sent == [(NUMBER, TEXT)]


def test_a_text_put_back_gets_its_number_back_even_if_a_clean_ran_meanwhile(db, box, renderer):
    store = store_for(db)
    reminder_id = set_one(store, box)
    token = row(store, reminder_id).number
    assert store.claim(reminder_id, ["evening"], EVENING)
    store.clean(EVENING)                       # another run: a claimed row looks finished
    assert row(store, reminder_id).number is None
    store.put_back(reminder_id, ["evening"], EVENING, token)
    gateway = Gateway()
    assert asyncio.run(send_due(store, box, gateway, renderer, london(2027, 1, 13, 17, 1))).sent == 1
    assert gateway.sent == [(NUMBER, TEXT)]


def test_a_claim_is_not_repeated(db, box):
    store = store_for(db)
    reminder_id = set_one(store, box)
    assert store.claim(reminder_id, ["evening"], EVENING)
    assert not store.claim(reminder_id, ["evening"], EVENING)
    assert not store_for(db).claim(reminder_id, ["evening"], london(2027, 1, 13, 17, 1))
    assert store.due(london(2027, 1, 13, 17, 1)) == []


def test_a_sender_killed_just_after_the_gateway_took_the_text_never_sends_it_again(db, box, renderer):
    store = store_for(db)
    set_one(store, box)
    gateway = Gateway(die_after_send=True)
    with pytest.raises(SystemExit):
        asyncio.run(send_due(store, box, gateway, renderer, EVENING, clock=lambda: 1000.0))
    gateway.die_after_send = False
    # The next run (its lock lapsed) finds nothing to send: the text went once.
    again = asyncio.run(send_due(store_for(db), box, gateway, renderer, london(2027, 1, 13, 17, 5),
                                 clock=lambda: 2000.0))
    assert again.sent == 0 and gateway.sent == [(NUMBER, TEXT)]


def test_a_sender_killed_between_claim_and_send_loses_that_text(db, box, renderer):
    """The trade-off docs/reminders.md names: a lost text, never a second one."""
    store = store_for(db)
    reminder_id = set_one(store, box)
    assert store.claim(reminder_id, ["evening"], EVENING)    # ... and the process dies here
    gateway = Gateway()
    assert asyncio.run(send_due(store, box, gateway, renderer, london(2027, 1, 13, 17, 1))).sent == 0
    assert gateway.sent == []


def test_a_text_the_gateway_refuses_ends_and_is_not_shown_as_sent(db, box, renderer):
    store = store_for(db)
    reminder_id = set_one(store, box)
    gateway = Gateway(fail=1, permanent=True)
    report = asyncio.run(send_due(store, box, gateway, renderer, EVENING))
    assert report.ended == 1 and gateway.sent == []
    ended = row(store, reminder_id)
    assert ended.evening_sent is None and ended.evening_due is None and ended.number is None
    assert asyncio.run(send_due(store, box, gateway, renderer, london(2027, 1, 13, 17, 1))).sent == 0
