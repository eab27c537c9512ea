"""The SMS state file: STOP flags, repeated deliveries, pending choices, the outbox."""
from __future__ import annotations

import sqlite3

from bot.sms import state as state_module
from bot.sms.render import Choice
from bot.sms.state import Pending, SmsState

SENDER = "f" * 64


class Clock:
    def __init__(self):
        self.now = 1_000_000.0

    def __call__(self):
        return self.now


def test_stop_is_remembered_across_restarts_and_confirmed_once(tmp_path):
    state = SmsState(tmp_path / "sms.db")
    assert state.stop(SENDER) is True
    assert state.stop(SENDER) is False
    state.close()
    again = SmsState(tmp_path / "sms.db")
    assert again.is_stopped(SENDER)
    again.start(SENDER)
    assert not again.is_stopped(SENDER)


def test_a_repeated_message_id_is_seen_once_and_old_ids_expire(tmp_path):
    clock = Clock()
    state = SmsState(tmp_path / "sms.db", clock=clock)
    assert state.first_delivery("SM1") and not state.first_delivery("SM1")
    clock.now += state_module.SEEN_FOR_SECONDS + 1
    assert state.first_delivery("SM2")  # cleans up as it goes
    assert state.first_delivery("SM1")


def test_the_list_of_seen_ids_is_bounded(tmp_path, monkeypatch):
    monkeypatch.setattr(state_module, "MAX_SEEN", 5)
    clock = Clock()
    state = SmsState(tmp_path / "sms.db", clock=clock)
    for n in range(20):
        clock.now += 1
        state.first_delivery(f"SM{n}")
    with sqlite3.connect(tmp_path / "sms.db") as db:
        assert db.execute("select count(*) from seen").fetchone()[0] == 5


def test_pending_choices_and_the_rest_for_more(tmp_path):
    clock = Clock()
    state = SmsState(tmp_path / "sms.db", clock=clock)
    assert state.pending(SENDER) == Pending([])
    state.set_pending(SENDER, Pending([Choice("Go back", "/nav_back")], "the rest"))
    assert state.pending(SENDER) == Pending([Choice("Go back", "/nav_back")], "the rest")
    clock.now += state_module.PENDING_FOR_SECONDS + 1
    assert state.pending(SENDER) == Pending([])


def test_the_outbox_keeps_order_and_forget_empties_it_but_keeps_stop(tmp_path):
    state = SmsState(tmp_path / "sms.db")
    state.queue(SENDER, "first")
    state.queue(SENDER, "second")
    assert [o.body for o in state.outbox(SENDER)] == ["first", "second"]
    state.sent(state.outbox(SENDER)[0].id)
    assert [o.body for o in state.outbox(SENDER)] == ["second"]
    state.set_pending(SENDER, Pending([Choice("Go back", "/nav_back")]))
    state.stop(SENDER)
    state.forget(SENDER)
    assert state.outbox(SENDER) == [] and state.pending(SENDER) == Pending([]) and state.is_stopped(SENDER)


def test_the_path_comes_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("SMS_STATE_DB", str(tmp_path / "elsewhere" / "state.db"))
    SmsState().stop(SENDER)
    assert (tmp_path / "elsewhere" / "state.db").exists()
