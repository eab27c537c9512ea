"""What the SMS channel remembers between texts, in a database every server can share.

Everything about a texter is keyed ONLY by the keyed hash of her number
(`bot.sms.sender_id`); the number itself is never written here. Stored:
- STOP flags (until START; a deletion keeps them, so she is never texted again);
- message ids already answered, so a gateway's retry is answered once
  (kept for a couple of days, and never more than a bounded number);
- the numbered choices she was last offered and the rest of a long reply (MORE),
  for as long as a conversation is kept (RETENTION_DAYS);
- the outbox: replies not yet delivered because the gateway failed. They are sent
  as soon as the gateway works again, or when she next texts (for a day at most).
  A server takes a reply out before sending it (`claim`), so no reply goes twice; a
  server killed between taking and sending loses that one reply (the in-flight case).

Where, from `SMS_STATE_DB`:
- a file path (default `var/sms.db`): SQLite, for one server (`make run`);
- `tracker`: the tracker store's own database, so that on several servers (the
  cluster, Kubernetes) every server sees the same STOP flags, ids, choices and
  outbox, and a replaced server forgets nothing;
- a SQLAlchemy URL (`postgresql://...`): that database.
The retention purge expires the choices and the outbox (`expire_idle`).
"""
from __future__ import annotations

import json
import logging
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Optional, TypeVar

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import DBAPIError, OperationalError

from bot.privacy import settings
from bot.sms.render import Choice
from bot.tables import create_tables

logger = logging.getLogger(__name__)

ENV_PATH = "SMS_STATE_DB"
DEFAULT_PATH = "var/sms.db"
TRACKER = "tracker"                   # SMS_STATE_DB=tracker: share the tracker store's database
SEEN_FOR_SECONDS = 2 * 24 * 3600      # gateways retry within hours, not days
MAX_SEEN = 100_000
OUTBOX_FOR_SECONDS = 24 * 3600        # an answer older than a day would confuse more than help
MAX_OUTBOX_PER_SENDER = 20
RETRY_SECONDS = 5.0                   # a database restart: wait this long before giving up
T = TypeVar("T")

metadata = sa.MetaData()
stopped = sa.Table("sms_stopped", metadata,
                   sa.Column("sender", sa.String(128), primary_key=True),
                   sa.Column("since", sa.Float, nullable=False))
seen = sa.Table("sms_seen", metadata,
                sa.Column("message_sid", sa.String(128), primary_key=True),
                sa.Column("at", sa.Float, nullable=False, index=True))
pending_table = sa.Table("sms_pending", metadata,
                         sa.Column("sender", sa.String(128), primary_key=True),
                         sa.Column("choices", sa.Text, nullable=False),
                         sa.Column("rest", sa.Text, nullable=False),
                         sa.Column("at", sa.Float, nullable=False, index=True))
outbox_table = sa.Table("sms_outbox", metadata,
                        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
                        sa.Column("sender", sa.String(128), nullable=False),
                        sa.Column("body", sa.Text, nullable=False),
                        sa.Column("at", sa.Float, nullable=False),
                        sa.Index("sms_outbox_sender", "sender", "id"))
TABLES = [stopped, seen, pending_table, outbox_table]
# The tables of the one-file version, moved over once when found.
LEGACY = {"stopped": ("sms_stopped", "sender, since"), "seen": ("sms_seen", "message_sid, at"),
          "pending": ("sms_pending", "sender, choices, rest, at"), "outbox": ("sms_outbox", "sender, body, at")}


def pending_for_seconds() -> float:
    """Choices are kept as long as the conversation they belong to."""
    return settings.retention_days() * 86400.0


def engine_for(where: str | Path) -> sa.engine.Engine:
    where = str(where)
    if "://" in where:
        return sa.create_engine(where, pool_pre_ping=True)
    path = Path(where)
    path.parent.mkdir(parents=True, exist_ok=True)
    return sa.create_engine(f"sqlite:///{path}", connect_args={"timeout": 10})


def configured(env=os.environ) -> str:
    return env.get(ENV_PATH) or DEFAULT_PATH


@dataclass(frozen=True)
class Pending:
    choices: list[Choice]
    rest: str = ""


@dataclass(frozen=True)
class Outgoing:
    id: int
    sender: str
    body: str
    at: float


class SmsState:
    def __init__(self, path: str | Path | None = None, clock=time.time,
                 engine: Optional[sa.engine.Engine] = None):
        if engine is None:
            where = str(path) if path is not None else configured()
            if where == TRACKER:
                raise ValueError(f"{ENV_PATH}=tracker needs the tracker store's engine (SmsState.from_env)")
            engine = engine_for(where)
        self.engine = engine
        self._clock = clock
        create_tables(engine, metadata, TABLES)
        self._move_legacy_tables()

    @classmethod
    def from_env(cls, tracker_engine: Optional[sa.engine.Engine] = None, clock=time.time) -> "SmsState":
        where = configured()
        if where == TRACKER:
            if tracker_engine is None:
                raise ValueError(f"{ENV_PATH}=tracker, but the tracker store is not an SQL database")
            return cls(engine=tracker_engine, clock=clock)
        return cls(where, clock=clock)

    @classmethod
    def existing(cls, tracker_engine: Optional[sa.engine.Engine] = None) -> Optional["SmsState"]:
        """The configured state if there is any to purge (a file that was never
        written is not created)."""
        where = configured()
        if where != TRACKER and "://" not in where and not Path(where).exists():
            return None
        return cls.from_env(tracker_engine)

    def close(self) -> None:
        """Nothing to close: connections are pooled by the engine (shared with the
        tracker store when SMS_STATE_DB=tracker)."""

    # -- plumbing -------------------------------------------------------------
    def _do(self, work: Callable[[sa.engine.Connection], T]) -> T:
        """Run one transaction; while the database restarts (seconds), try again."""
        deadline = time.monotonic() + RETRY_SECONDS
        pause = 0.05
        while True:
            try:
                with self.engine.begin() as connection:
                    return work(connection)
            except (OperationalError, DBAPIError) as error:
                lost = isinstance(error, OperationalError) or bool(error.connection_invalidated)
                if not lost or time.monotonic() + pause > deadline:
                    raise
                logger.warning("sms state: the database did not answer (%s); trying again", type(error).__name__)
                time.sleep(pause)
                pause = min(pause * 2, 1.0)

    def _insert(self, connection, table):
        dialects = {"sqlite": sqlite, "postgresql": postgresql}
        return dialects[connection.dialect.name].insert(table)

    def _move_legacy_tables(self) -> None:
        if self.engine.dialect.name != "sqlite":
            return
        names = set(sa.inspect(self.engine).get_table_names())
        if "stopped" not in names:
            return
        with self.engine.begin() as connection:
            for old, (new, columns) in LEGACY.items():
                if old in names:
                    connection.exec_driver_sql(f"insert or ignore into {new} ({columns}) select {columns} from {old}")
                    connection.exec_driver_sql(f"drop table {old}")
        logger.info("sms state: moved the earlier tables into the sms_* tables")

    # -- STOP / START -------------------------------------------------------
    def is_stopped(self, sender: str) -> bool:
        return self._do(lambda c: c.execute(
            sa.select(stopped.c.sender).where(stopped.c.sender == sender)).first() is not None)

    def stop(self, sender: str) -> bool:
        """Mark her as stopped. Returns False if she already was (confirm only once)."""
        def work(connection):
            statement = self._insert(connection, stopped).values(sender=sender, since=self._clock())
            return connection.execute(statement.on_conflict_do_nothing(index_elements=["sender"])).rowcount == 1
        return self._do(work)

    def start(self, sender: str) -> None:
        self._do(lambda c: c.execute(stopped.delete().where(stopped.c.sender == sender)))

    # -- duplicates -----------------------------------------------------------
    def first_delivery(self, message_sid: str) -> bool:
        """Record a message id; False if it was already seen (a gateway retry)."""
        now = self._clock()

        def work(connection):
            connection.execute(seen.delete().where(seen.c.at < now - SEEN_FOR_SECONDS))
            statement = self._insert(connection, seen).values(message_sid=message_sid, at=now)
            first = connection.execute(statement.on_conflict_do_nothing(index_elements=["message_sid"])).rowcount == 1
            oldest = sa.select(seen.c.message_sid).order_by(seen.c.at.desc()).offset(MAX_SEEN)
            connection.execute(seen.delete().where(seen.c.message_sid.in_(oldest.scalar_subquery())))
            return first
        return self._do(work)

    # -- numbered choices and MORE -------------------------------------------
    def pending(self, sender: str) -> Pending:
        row = self._do(lambda c: c.execute(
            sa.select(pending_table.c.choices, pending_table.c.rest, pending_table.c.at)
            .where(pending_table.c.sender == sender)).first())
        if row is None or row[2] < self._clock() - pending_for_seconds():
            return Pending([])
        choices = [Choice(title, payload) for title, payload in json.loads(row[0])]
        return Pending(choices, row[1])

    def set_pending(self, sender: str, pending: Pending) -> None:
        choices = json.dumps([[c.title, c.payload] for c in pending.choices])
        now = self._clock()

        def work(connection):
            statement = self._insert(connection, pending_table).values(
                sender=sender, choices=choices, rest=pending.rest, at=now)
            connection.execute(statement.on_conflict_do_update(
                index_elements=["sender"], set_={"choices": choices, "rest": pending.rest, "at": now}))
        self._do(work)

    # -- outbox ---------------------------------------------------------------
    def queue(self, sender: str, body: str) -> None:
        now = self._clock()

        def work(connection):
            connection.execute(outbox_table.insert().values(sender=sender, body=body, at=now))
            keep = (sa.select(outbox_table.c.id).where(outbox_table.c.sender == sender)
                    .order_by(outbox_table.c.id.desc()).limit(MAX_OUTBOX_PER_SENDER))
            connection.execute(outbox_table.delete().where(
                outbox_table.c.sender == sender, outbox_table.c.id.not_in(keep.scalar_subquery())))
        self._do(work)

    def outbox(self, sender: str) -> list[Outgoing]:
        def work(connection):
            connection.execute(outbox_table.delete().where(outbox_table.c.at < self._clock() - OUTBOX_FOR_SECONDS))
            rows = connection.execute(sa.select(outbox_table.c.id, outbox_table.c.body, outbox_table.c.at)
                                      .where(outbox_table.c.sender == sender).order_by(outbox_table.c.id))
            return [Outgoing(row_id, sender, body, at) for row_id, body, at in rows]
        return self._do(work)

    def claim(self, outgoing: Outgoing) -> bool:
        """Take a reply out of the outbox before sending it. False when another server
        (or an earlier retry) took it first: two servers can flush one texter's outbox
        at once while nginx moves her back to a restarted server, and only the one whose
        delete removed the row may send it. Taking it before the send, not after, means
        a database that fails after the gateway accepted the text cannot cause a resend."""
        return self._do(lambda c: c.execute(outbox_table.delete().where(outbox_table.c.id == outgoing.id)).rowcount == 1)

    def put_back(self, outgoing: Outgoing) -> None:
        """The gateway failed: the reply goes back in its place, to be tried again."""
        self._do(lambda c: c.execute(outbox_table.insert().values(
            id=outgoing.id, sender=outgoing.sender, body=outgoing.body, at=outgoing.at)))

    def clear_outbox(self, sender: str) -> None:
        self._do(lambda c: c.execute(outbox_table.delete().where(outbox_table.c.sender == sender)))

    # -- DELETE and retention ---------------------------------------------------
    def forget(self, sender: str) -> None:
        """Remove what is kept about her, except a STOP: that must outlive a deletion."""
        def work(connection):
            connection.execute(pending_table.delete().where(pending_table.c.sender == sender))
            connection.execute(outbox_table.delete().where(outbox_table.c.sender == sender))
        self._do(work)

    def expire_idle(self, days: int, now: Optional[float] = None) -> int:
        """The retention purge's part: choices and replies older than `days` (and ids
        and undelivered replies past their own, shorter limits). Returns how many."""
        now = self._clock() if now is None else now

        def work(connection):
            cutoff = now - days * 86400
            removed = connection.execute(pending_table.delete().where(pending_table.c.at < cutoff)).rowcount
            removed += connection.execute(outbox_table.delete().where(
                outbox_table.c.at < max(cutoff, now - OUTBOX_FOR_SECONDS))).rowcount
            removed += connection.execute(seen.delete().where(seen.c.at < now - SEEN_FOR_SECONDS)).rowcount
            return removed
        return self._do(work)
