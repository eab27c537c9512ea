"""What the SMS channel remembers between texts, in one SQLite file.

Everything about a texter is keyed ONLY by the keyed hash of her number
(`bot.sms.sender_id`); the number itself is never written here. Stored:
- STOP flags (until START);
- message ids already answered, so a gateway's retry is answered once
  (kept for a couple of days, and never more than a bounded number);
- the numbered choices she was last offered and the rest of a long reply (MORE);
- the outbox: replies not yet delivered because the gateway failed. They are sent
  as soon as the gateway works again, or when she next texts.

The path comes from `SMS_STATE_DB` (default `var/sms.db`).
"""
from __future__ import annotations

import json
import os
import sqlite3
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from bot.sms.render import Choice

ENV_PATH = "SMS_STATE_DB"
DEFAULT_PATH = "var/sms.db"
SEEN_FOR_SECONDS = 2 * 24 * 3600      # gateways retry within hours, not days
MAX_SEEN = 100_000
PENDING_FOR_SECONDS = 30 * 24 * 3600  # the same idle limit as the conversations
OUTBOX_FOR_SECONDS = 24 * 3600        # an answer older than a day would confuse more than help
MAX_OUTBOX_PER_SENDER = 20

SCHEMA = """
create table if not exists stopped (sender text primary key, since real not null);
create table if not exists seen (message_sid text primary key, at real not null);
create index if not exists seen_at on seen (at);
create table if not exists pending (
  sender text primary key, choices text not null, rest text not null, at real not null);
create table if not exists outbox (
  id integer primary key autoincrement, sender text not null, body text not null, at real not null);
create index if not exists outbox_sender on outbox (sender, id);
"""


@dataclass(frozen=True)
class Pending:
    choices: list[Choice]
    rest: str = ""


@dataclass(frozen=True)
class Outgoing:
    id: int
    body: str


class SmsState:
    def __init__(self, path: str | Path | None = None, clock=time.time):
        self.path = Path(path or os.environ.get(ENV_PATH) or DEFAULT_PATH)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._clock = clock
        self._lock = threading.Lock()
        self._db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None, timeout=10)
        with self._lock:
            self._db.executescript(SCHEMA)

    def close(self) -> None:
        self._db.close()

    def _run(self, sql: str, args: tuple = ()) -> list[tuple]:
        with self._lock:
            return self._db.execute(sql, args).fetchall()

    # -- STOP / START -------------------------------------------------------
    def is_stopped(self, sender: str) -> bool:
        return bool(self._run("select 1 from stopped where sender = ?", (sender,)))

    def stop(self, sender: str) -> bool:
        """Mark her as stopped. Returns False if she already was (confirm only once)."""
        with self._lock:
            cursor = self._db.execute(
                "insert or ignore into stopped (sender, since) values (?, ?)", (sender, self._clock()))
            return cursor.rowcount == 1

    def start(self, sender: str) -> None:
        self._run("delete from stopped where sender = ?", (sender,))

    # -- duplicates -----------------------------------------------------------
    def first_delivery(self, message_sid: str) -> bool:
        """Record a message id; False if it was already seen (a gateway retry)."""
        now = self._clock()
        with self._lock:
            self._db.execute("delete from seen where at < ?", (now - SEEN_FOR_SECONDS,))
            cursor = self._db.execute(
                "insert or ignore into seen (message_sid, at) values (?, ?)", (message_sid, now))
            self._db.execute(
                "delete from seen where message_sid in "
                "(select message_sid from seen order by at desc limit -1 offset ?)", (MAX_SEEN,))
            return cursor.rowcount == 1

    # -- numbered choices and MORE -------------------------------------------
    def pending(self, sender: str) -> Pending:
        rows = self._run("select choices, rest, at from pending where sender = ?", (sender,))
        if not rows or rows[0][2] < self._clock() - PENDING_FOR_SECONDS:
            return Pending([])
        choices = [Choice(title, payload) for title, payload in json.loads(rows[0][0])]
        return Pending(choices, rows[0][1])

    def set_pending(self, sender: str, pending: Pending) -> None:
        choices = json.dumps([[c.title, c.payload] for c in pending.choices])
        now = self._clock()
        with self._lock:
            self._db.execute("delete from pending where at < ?", (now - PENDING_FOR_SECONDS,))
            self._db.execute(
                "insert or replace into pending (sender, choices, rest, at) values (?, ?, ?, ?)",
                (sender, choices, pending.rest, now))

    # -- outbox ---------------------------------------------------------------
    def queue(self, sender: str, body: str) -> None:
        now = self._clock()
        with self._lock:
            self._db.execute("insert into outbox (sender, body, at) values (?, ?, ?)", (sender, body, now))
            self._db.execute(
                "delete from outbox where sender = ? and id not in "
                "(select id from outbox where sender = ? order by id desc limit ?)",
                (sender, sender, MAX_OUTBOX_PER_SENDER))

    def outbox(self, sender: str) -> list[Outgoing]:
        self._run("delete from outbox where at < ?", (self._clock() - OUTBOX_FOR_SECONDS,))
        rows = self._run("select id, body from outbox where sender = ? order by id", (sender,))
        return [Outgoing(row_id, body) for row_id, body in rows]

    def sent(self, outgoing_id: int) -> None:
        self._run("delete from outbox where id = ?", (outgoing_id,))

    def clear_outbox(self, sender: str) -> None:
        self._run("delete from outbox where sender = ?", (sender,))

    # -- DELETE ---------------------------------------------------------------
    def forget(self, sender: str) -> None:
        """Remove what is kept about her, except a STOP: that must outlive a deletion."""
        with self._lock:
            self._db.execute("delete from pending where sender = ?", (sender,))
            self._db.execute("delete from outbox where sender = ?", (sender,))
