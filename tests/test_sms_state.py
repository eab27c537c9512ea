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
        assert db.execute("select count(*) from sms_seen").fetchone()[0] == 5


def test_pending_choices_and_the_rest_for_more(tmp_path):
    clock = Clock()
    state = SmsState(tmp_path / "sms.db", clock=clock)
    assert state.pending(SENDER) == Pending([])
    state.set_pending(SENDER, Pending([Choice("Go back", "/nav_back")], "the rest"))
    assert state.pending(SENDER) == Pending([Choice("Go back", "/nav_back")], "the rest")
    clock.now += state_module.pending_for_seconds() + 1
    assert state.pending(SENDER) == Pending([])


def test_the_outbox_keeps_order_and_forget_empties_it_but_keeps_stop(tmp_path):
    state = SmsState(tmp_path / "sms.db")
    state.queue(SENDER, "first")
    state.queue(SENDER, "second")
    assert [o.body for o in state.outbox(SENDER)] == ["first", "second"]
    first = state.outbox(SENDER)[0]
    assert state.claim(first) is True and state.claim(first) is False   # one sender only
    assert [o.body for o in state.outbox(SENDER)] == ["second"]
    state.put_back(first)
    assert [o.body for o in state.outbox(SENDER)] == ["first", "second"]
    state.claim(first)
    state.set_pending(SENDER, Pending([Choice("Go back", "/nav_back")]))
    state.stop(SENDER)
    state.forget(SENDER)
    assert state.outbox(SENDER) == [] and state.pending(SENDER) == Pending([]) and state.is_stopped(SENDER)


def test_the_path_comes_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("SMS_STATE_DB", str(tmp_path / "elsewhere" / "state.db"))
    SmsState().stop(SENDER)
    assert (tmp_path / "elsewhere" / "state.db").exists()


def test_choices_are_kept_as_long_as_the_conversation_retention_days(tmp_path, monkeypatch):
    monkeypatch.setenv("RETENTION_DAYS", "7")
    clock = Clock()
    state = SmsState(tmp_path / "sms.db", clock=clock)
    state.set_pending(SENDER, Pending([Choice("Go back", "/nav_back")]))
    clock.now += 6 * 86400
    assert state.pending(SENDER).choices
    clock.now += 2 * 86400
    assert state.pending(SENDER) == Pending([])


def test_the_retention_purge_expires_choices_and_old_replies_but_keeps_stop(tmp_path):
    clock = Clock()
    state = SmsState(tmp_path / "sms.db", clock=clock)
    state.stop(SENDER)
    state.set_pending(SENDER, Pending([Choice("Go back", "/nav_back")]))
    state.queue(SENDER, "never delivered")
    state.set_pending("recent", Pending([Choice("Go back", "/nav_back")]))
    clock.now += 31 * 86400
    state.set_pending("recent", Pending([Choice("Go back", "/nav_back")]))
    assert state.expire_idle(30) == 2
    with sqlite3.connect(tmp_path / "sms.db") as db:
        assert [row[0] for row in db.execute("select sender from sms_pending")] == ["recent"]
        assert db.execute("select count(*) from sms_outbox").fetchone()[0] == 0
    assert state.is_stopped(SENDER)


def test_two_servers_on_one_database_share_stop_ids_choices_and_the_outbox(tmp_path):
    # SMS_STATE_DB=tracker in a cluster: every server opens the same database.
    url = f"sqlite:///{tmp_path / 'shared.db'}"
    one, two = SmsState(url), SmsState(url)
    assert one.stop(SENDER) and not two.stop(SENDER) and two.is_stopped(SENDER)
    assert one.first_delivery("SM1") and not two.first_delivery("SM1")
    one.set_pending("her", Pending([Choice("Go back", "/nav_back")], "rest"))
    assert two.pending("her") == Pending([Choice("Go back", "/nav_back")], "rest")
    one.queue("her", "undelivered")
    assert [o.body for o in two.outbox("her")] == ["undelivered"]


def test_tracker_means_the_tracker_stores_own_database(tmp_path, monkeypatch):
    import sqlalchemy as sa

    monkeypatch.setenv("SMS_STATE_DB", "tracker")
    tracker_engine = sa.create_engine(f"sqlite:///{tmp_path / 'tracker.db'}")
    SmsState.from_env(tracker_engine).stop(SENDER)
    assert sa.inspect(tracker_engine).has_table("sms_stopped")
    try:
        SmsState.from_env(None)
    except ValueError as error:
        assert "tracker" in str(error)
    else:
        raise AssertionError("SMS_STATE_DB=tracker without an SQL tracker store must not start")


def test_stop_flags_in_the_earlier_one_file_tables_are_kept(tmp_path):
    path = tmp_path / "sms.db"
    with sqlite3.connect(path) as db:  # the layout before the sms_* tables
        db.executescript(
            "create table stopped (sender text primary key, since real not null);"
            "create table seen (message_sid text primary key, at real not null);"
            "create table pending (sender text primary key, choices text not null, rest text not null, at real not null);"
            "create table outbox (id integer primary key autoincrement, sender text not null, body text not null,"
            " at real not null);")
        db.execute("insert into stopped values (?, 1.0)", (SENDER,))
    state = SmsState(path)
    assert state.is_stopped(SENDER)
    with sqlite3.connect(path) as db:
        names = {row[0] for row in db.execute("select name from sqlite_master where type='table'")}
    assert "stopped" not in names and "sms_stopped" in names
