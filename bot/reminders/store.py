"""Where reminders wait: one table, and a lease lock so one sender runs at a time.

A row keeps ONLY: an id, the keyed hash of her number (`sender`, as the SMS channel
uses), the keyed hash of the conversation that asked (`chat`, so "delete my chat"
on the web page finds it), her number locked with Fernet (`number`), the kind of
event, its day and time, when each text is due and whether it was sent, and the
step of the conversation while she is still setting it up. Nothing she typed.

- Her locked number is set to NULL as soon as the last text is sent (or can no
  longer be sent); the row itself goes 12 hours after the event.
- A reminder she has not confirmed is deleted after an hour, number and all.
- STOP, cancel and "delete my chat" delete rows at once.

The table lives in the tracker store's database (`endpoints.yml`; PostgreSQL in the
cluster, so every server sees the same rows and the same lock), or where
REMINDER_DB_URL points (any SQLAlchemy URL). The running server uses its tracker
store's own engine; `python -m bot.reminders send` reads the endpoints file the
servers here use (endpoints.cluster.yml when POSTGRES_HOST is set) and, in a cluster,
refuses a SQLite store (`check_shared`).

The lock is a row in `reminder_locks` taken with one conditional UPDATE (atomic in
SQLite and PostgreSQL alike) and held for a lease that its holder renews before
every text, so a sender that dies frees it within the lease.
"""
from __future__ import annotations

import logging
import os
import time
from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Callable, Iterable

import sqlalchemy as sa

from bot.reminders.parse import LONDON
from bot.tables import create_tables

logger = logging.getLogger(__name__)

ENV_URL = "REMINDER_DB_URL"
# Set wherever several servers share PostgreSQL: endpoints.cluster.yml reads it for its
# tracker store, and scripts/cluster and the deploy/k8s ConfigMap both set it.
ENV_CLUSTER = "POSTGRES_HOST"
ROOT = Path(__file__).resolve().parents[2]
ENDPOINTS, CLUSTER_ENDPOINTS = ROOT / "endpoints.yml", ROOT / "endpoints.cluster.yml"
DEFAULT_SQLITE = ROOT / "var" / "reminders.db"
PENDING_SECONDS = 3600           # an unconfirmed reminder (and a number typed for it) lives an hour
KEEP_AFTER_EVENT_SECONDS = 12 * 3600
SENDER_LOCK = "sender"

# Steps while she sets one up; SET is a reminder that will be sent.
ASK_DATE, ASK_TIME, ASK_NUMBER, ASK_YES, SET = "date", "time", "number", "yes", "set"

METADATA = sa.MetaData()
REMINDERS = sa.Table(
    "reminders", METADATA,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("sender", sa.String(64), index=True),
    sa.Column("chat", sa.String(64), nullable=False, index=True),
    sa.Column("number", sa.Text),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("event_day", sa.Date),
    sa.Column("event_minute", sa.Integer),
    sa.Column("event_at", sa.BigInteger),
    sa.Column("evening_due", sa.BigInteger),
    sa.Column("evening_sent", sa.BigInteger),
    sa.Column("morning_due", sa.BigInteger),
    sa.Column("morning_sent", sa.BigInteger),
    sa.Column("step", sa.String(8), nullable=False),
    sa.Column("created", sa.BigInteger, nullable=False),
)
LOCKS = sa.Table(
    "reminder_locks", METADATA,
    sa.Column("name", sa.String(40), primary_key=True),
    sa.Column("holder", sa.String(64), nullable=False),
    sa.Column("until", sa.Float, nullable=False),
)
EVENING, MORNING = "evening", "morning"


def epoch(moment: datetime | None) -> int | None:
    return None if moment is None else int(moment.timestamp())


def moment(seconds: int | None) -> datetime | None:
    return None if seconds is None else datetime.fromtimestamp(seconds, timezone.utc).astimezone(LONDON)


@dataclass(frozen=True)
class Reminder:
    id: int
    sender: str | None
    chat: str
    number: str | None          # the Fernet token, never the number
    kind: str
    event_day: date | None
    event_minute: int | None
    event_at: datetime | None
    evening_due: datetime | None
    evening_sent: datetime | None
    morning_due: datetime | None
    morning_sent: datetime | None
    step: str
    created: int

    @classmethod
    def from_row(cls, row) -> "Reminder":
        data = dict(row._mapping)
        for name in ("event_at", "evening_due", "evening_sent", "morning_due", "morning_sent"):
            data[name] = moment(data[name])
        return cls(**data)

    def due(self, now: datetime) -> list[str]:
        """Which of its texts are due and not yet sent."""
        return [which for which, due, sent in ((EVENING, self.evening_due, self.evening_sent),
                                               (MORNING, self.morning_due, self.morning_sent))
                if due is not None and sent is None and due <= now]

    @property
    def last_sent(self) -> datetime | None:
        return max((t for t in (self.evening_sent, self.morning_sent) if t is not None), default=None)


class NotShared(RuntimeError):
    """A cluster's sender pointed at a SQLite file, which only this machine can see."""


def clustered(env=os.environ) -> bool:
    return bool((env.get(ENV_CLUSTER) or "").strip())


def default_endpoints(env=os.environ) -> Path:
    """The endpoints file the servers here run with: endpoints.cluster.yml in a cluster
    (the only one the Docker image has), else endpoints.yml."""
    return CLUSTER_ENDPOINTS if clustered(env) else ENDPOINTS


def check_shared(url, env=os.environ) -> None:
    """In a cluster the servers keep reminders in PostgreSQL; a sender reading a SQLite
    file (a wrong --endpoints or REMINDER_DB_URL, or a missing endpoints file) would find
    none of them, or send from a copy no server sees. Raises NotShared."""
    if clustered(env) and sa.engine.make_url(url).get_backend_name() == "sqlite":
        raise NotShared(f"{ENV_CLUSTER} is set, so this is a cluster whose servers share PostgreSQL, "
                        f"but the reminder store found is SQLite; give --endpoints endpoints.cluster.yml "
                        f"or a PostgreSQL {ENV_URL}")


def store_url(endpoints: Path | str | None = None):
    """REMINDER_DB_URL, else the tracker store's database (in `endpoints`, by default
    the file this machine's servers use), else SQLite in var/."""
    if os.environ.get(ENV_URL):
        return os.environ[ENV_URL]
    try:
        from bot.privacy.retention import tracker_db_url
        return tracker_db_url(endpoints or default_endpoints())
    except Exception as error:  # no SQL tracker store configured
        logger.info("reminders: no tracker database (%s); using %s", type(error).__name__, DEFAULT_SQLITE)
        return f"sqlite:///{DEFAULT_SQLITE}"


def make_engine(url) -> sa.engine.Engine:
    url = sa.engine.make_url(url)
    if url.get_backend_name() == "sqlite":
        if url.database:
            Path(url.database).parent.mkdir(parents=True, exist_ok=True)
        return sa.create_engine(url, connect_args={"timeout": 30})
    return sa.create_engine(url, pool_pre_ping=True)


class ReminderStore:
    def __init__(self, engine: sa.engine.Engine, chat_key: Callable[[str], str]):
        """`chat_key` turns a conversation id into the keyed hash kept in `chat`."""
        self.engine, self.chat_key = engine, chat_key
        create_tables(engine, METADATA)

    @classmethod
    def from_url(cls, url, chat_key: Callable[[str], str]) -> "ReminderStore":
        return cls(make_engine(url), chat_key)

    def close(self) -> None:
        self.engine.dispose()

    def _rows(self, query) -> list[Reminder]:
        with self.engine.connect() as connection:
            return [Reminder.from_row(row) for row in connection.execute(query)]

    def _change(self, statement) -> int:
        with self.engine.begin() as connection:
            return connection.execute(statement).rowcount

    def get(self, reminder_id: int) -> Reminder | None:
        rows = self._rows(sa.select(REMINDERS).where(REMINDERS.c.id == reminder_id))
        return rows[0] if rows else None

    # -- setting one up ---------------------------------------------------------------
    def start(self, chat: str, kind: str, step: str, now: datetime, sender: str | None = None,
              day: date | None = None, minute: int | None = None) -> int:
        """A new unconfirmed reminder for this conversation (any earlier one is dropped)."""
        with self.engine.begin() as connection:
            connection.execute(REMINDERS.delete().where(REMINDERS.c.chat == chat, REMINDERS.c.step != SET))
            result = connection.execute(REMINDERS.insert().values(
                chat=chat, sender=sender, kind=kind, step=step, event_day=day, event_minute=minute,
                created=epoch(now)))
            return int(result.inserted_primary_key[0])

    def pending(self, chat: str, now: datetime) -> Reminder | None:
        rows = self._rows(sa.select(REMINDERS).where(
            REMINDERS.c.chat == chat, REMINDERS.c.step != SET,
            REMINDERS.c.created > epoch(now) - PENDING_SECONDS).order_by(REMINDERS.c.id.desc()).limit(1))
        return rows[0] if rows else None

    def update(self, reminder_id: int, **values) -> None:
        self._change(REMINDERS.update().where(REMINDERS.c.id == reminder_id, REMINDERS.c.step != SET).values(**values))

    def drop_pending(self, chat: str) -> int:
        return self._change(REMINDERS.delete().where(REMINDERS.c.chat == chat, REMINDERS.c.step != SET))

    def confirm(self, reminder_id: int, event_at: datetime, evening: datetime | None, morning: datetime | None,
                sender: str, number_token: str) -> bool:
        return self._change(REMINDERS.update().where(REMINDERS.c.id == reminder_id, REMINDERS.c.step != SET).values(
            step=SET, sender=sender, number=number_token, event_at=epoch(event_at),
            evening_due=epoch(evening), morning_due=epoch(morning))) == 1

    # -- hers ---------------------------------------------------------------------------
    def upcoming(self, now: datetime, sender: str | None = None, chat: str | None = None) -> list[Reminder]:
        """Her set reminders whose event is still to come, soonest first."""
        owner = []
        if sender:
            owner.append(REMINDERS.c.sender == sender)
        if chat:
            owner.append(REMINDERS.c.chat == chat)
        if not owner:
            return []
        return self._rows(sa.select(REMINDERS).where(
            sa.or_(*owner), REMINDERS.c.step == SET, REMINDERS.c.event_at > epoch(now)).order_by(
            REMINDERS.c.event_at, REMINDERS.c.id))

    def count_waiting(self, sender: str, now: datetime) -> int:
        with self.engine.connect() as connection:
            return connection.execute(sa.select(sa.func.count()).select_from(REMINDERS).where(
                REMINDERS.c.sender == sender, REMINDERS.c.step == SET,
                REMINDERS.c.event_at > epoch(now))).scalar_one()

    def cancel(self, reminder_id: int) -> bool:
        return self._change(REMINDERS.delete().where(REMINDERS.c.id == reminder_id)) == 1

    def cancel_all(self, sender: str) -> int:
        """STOP: every reminder for her number, and anything she was setting up by text."""
        return self._change(REMINDERS.delete().where(sa.or_(
            REMINDERS.c.sender == sender, REMINDERS.c.chat == self.chat_key(sender))))

    def forget(self, conversation_id: str) -> None:
        """"Delete my chat" (an `on_forget` hook): what this conversation set up, and
        for an SMS conversation (whose id is the hash of her number) every reminder
        for that number."""
        deleted = self._change(REMINDERS.delete().where(sa.or_(
            REMINDERS.c.sender == conversation_id, REMINDERS.c.chat == self.chat_key(conversation_id))))
        if deleted:
            logger.info("reminders: deleted %d with a conversation", deleted)

    # -- sending ------------------------------------------------------------------------
    def due(self, now: datetime, limit: int = 500) -> list[Reminder]:
        at = epoch(now)
        evening = sa.and_(REMINDERS.c.evening_due <= at, REMINDERS.c.evening_sent.is_(None))
        morning = sa.and_(REMINDERS.c.morning_due <= at, REMINDERS.c.morning_sent.is_(None))
        return self._rows(sa.select(REMINDERS).where(REMINDERS.c.step == SET, sa.or_(evening, morning))
                          .order_by(REMINDERS.c.event_at, REMINDERS.c.id).limit(limit))

    def _finished(self):
        return sa.and_(sa.or_(REMINDERS.c.evening_due.is_(None), REMINDERS.c.evening_sent.isnot(None)),
                       sa.or_(REMINDERS.c.morning_due.is_(None), REMINDERS.c.morning_sent.isnot(None)))

    def claim(self, reminder_id: int, which: Iterable[str], now: datetime) -> bool:
        """Take the due texts before sending them: one UPDATE marks them sent, only if
        none of them is marked yet, so only the sender whose UPDATE changed the row may
        send (another server, a retry, a run whose lease lapsed mid-send all get False).
        Marking before the send, not after, means a database failing after the gateway
        took the text cannot cause a resend. A sender killed between the claim and the
        send loses that one text instead (docs/reminders.md, "Never twice")."""
        names = list(which)
        if not names:
            return False
        unsent = [REMINDERS.c[f"{name}_sent"].is_(None) for name in names]
        return self._change(REMINDERS.update().where(
            REMINDERS.c.id == reminder_id, REMINDERS.c.step == SET, *unsent).values(
            {REMINDERS.c[f"{name}_sent"]: epoch(now) for name in names})) == 1

    def put_back(self, reminder_id: int, which: Iterable[str], now: datetime, number_token: str) -> None:
        """The gateway did not take a claimed text this time: it is due again, for the
        next run (only the claim made at `now` is undone). The locked number goes back
        too: a claimed row looks finished, so another run's clean() may have dropped it."""
        names = list(which)
        claimed = [REMINDERS.c[f"{name}_sent"] == epoch(now) for name in names]
        self._change(REMINDERS.update().where(REMINDERS.c.id == reminder_id, *claimed).values(
            {**{REMINDERS.c[f"{name}_sent"]: None for name in names}, REMINDERS.c.number: number_token}))

    def drop_number_if_done(self, reminder_id: int) -> None:
        """After a text went: the number goes when nothing is left to send."""
        self._change(REMINDERS.update().where(REMINDERS.c.id == reminder_id, self._finished()).values(number=None))

    def give_up(self, reminder_id: int, which: Iterable[str], claimed: datetime | None = None) -> None:
        """A text that can no longer be useful (its event has begun) or be delivered.
        `claimed`: the time of this sender's claim, undone so the text is not shown as sent."""
        with self.engine.begin() as connection:
            for name in which:
                connection.execute(REMINDERS.update().where(REMINDERS.c.id == reminder_id).values(
                    {REMINDERS.c[f"{name}_due"]: None}))
                if claimed is not None:
                    sent = REMINDERS.c[f"{name}_sent"]
                    connection.execute(REMINDERS.update().where(
                        REMINDERS.c.id == reminder_id, sent == epoch(claimed)).values({sent: None}))
            connection.execute(REMINDERS.update().where(
                REMINDERS.c.id == reminder_id, self._finished()).values(number=None))

    def clean(self, now: datetime) -> int:
        """Delete unconfirmed reminders after an hour and the rest after their event;
        make sure no number outlives its last text."""
        at = epoch(now)
        with self.engine.begin() as connection:
            gone = connection.execute(REMINDERS.delete().where(sa.or_(
                sa.and_(REMINDERS.c.step != SET, REMINDERS.c.created <= at - PENDING_SECONDS),
                sa.and_(REMINDERS.c.step == SET, REMINDERS.c.event_at <= at - KEEP_AFTER_EVENT_SECONDS),
            ))).rowcount
            connection.execute(REMINDERS.update().where(
                REMINDERS.c.step == SET, REMINDERS.c.number.isnot(None), self._finished()).values(number=None))
        return gone

    # -- one sender at a time ---------------------------------------------------------
    def acquire(self, holder: str, lease: float, name: str = SENDER_LOCK, clock=time.time) -> bool:
        """Take (or renew) the lock if it is free, lapsed or already ours."""
        now = clock()
        try:
            with self.engine.begin() as connection:
                taken = connection.execute(LOCKS.update().where(
                    LOCKS.c.name == name, sa.or_(LOCKS.c.until < now, LOCKS.c.holder == holder)).values(
                    holder=holder, until=now + lease)).rowcount
                if taken == 1:
                    return True
                exists = connection.execute(sa.select(LOCKS.c.name).where(LOCKS.c.name == name)).first()
            if exists:
                return False
            with self.engine.begin() as connection:
                connection.execute(LOCKS.insert().values(name=name, holder=holder, until=now + lease))
            return True
        except (sa.exc.IntegrityError, sa.exc.OperationalError) as error:
            # Another sender inserted the row first, or holds the database's write lock.
            logger.info("reminders: the sender lock is busy (%s)", type(error).__name__)
            return False

    def renew(self, holder: str, lease: float, name: str = SENDER_LOCK, clock=time.time) -> bool:
        """Still ours? Extends the lease; False if another sender has taken it."""
        now = clock()
        try:
            return self._change(LOCKS.update().where(
                LOCKS.c.name == name, LOCKS.c.holder == holder, LOCKS.c.until >= now).values(until=now + lease)) == 1
        except sa.exc.OperationalError:
            return False

    def release(self, holder: str, name: str = SENDER_LOCK) -> None:
        try:
            self._change(LOCKS.update().where(LOCKS.c.name == name, LOCKS.c.holder == holder).values(until=0.0))
        except sa.exc.OperationalError as error:
            logger.warning("reminders: could not release the sender lock (%s); it lapses by itself",
                           type(error).__name__)
