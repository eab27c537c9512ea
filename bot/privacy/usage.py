"""Counts, not content: how the service is used, per day, with no sender and no text.

One table, `usage_daily`, in the same database as the tracker store:

  day (YYYY-MM-DD, UTC) | kind | item | count

kinds:
  conversation  a conversation (Rasa session) started; item is ""
  sent          a content item was sent; item is its content id
  safety        a safety item was sent (also counted under `sent`)
  ended_at      conversations whose latest item is this one; as a conversation
                moves on, its count moves from the old item to the new one, so on
                any day the counts say where conversations stopped (or are now)

Counts are worked out from the events a save adds to a conversation, so they need
no sender id and never the whole conversation; the day of `ended_at` is the day the
conversation started. The tracker store hands each save's new events to
`UsageCounter.add`, in the same transaction.
"""
from __future__ import annotations

from collections import Counter
from datetime import datetime, timezone
from typing import Callable, Iterable

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from bot.privacy.stored_events import content_id_of
from bot.tables import create_tables

metadata = sa.MetaData()
usage_daily = sa.Table(
    "usage_daily",
    metadata,
    sa.Column("day", sa.String(10), primary_key=True),
    sa.Column("kind", sa.String(32), primary_key=True),
    sa.Column("item", sa.String(255), primary_key=True),
    sa.Column("count", sa.Integer, nullable=False, default=0),
)

Key = tuple[str, str, str]


def create_table(engine: sa.engine.Engine) -> None:
    create_tables(engine, metadata, [usage_daily])


def day_of(timestamp: float | None) -> str:
    moment = datetime.fromtimestamp(timestamp, timezone.utc) if timestamp else datetime.now(timezone.utc)
    return moment.strftime("%Y-%m-%d")


def _current_session(events: list[dict]) -> list[dict]:
    starts = [i for i, e in enumerate(events) if e.get("event") == "session_started"]
    return events[starts[-1]:] if starts else events


def _last_item(events: Iterable[dict]) -> str | None:
    last = None
    for event in events:
        if event.get("event") == "bot":
            last = content_id_of(event) or last
    return last


def counts_for_new(new: list[dict], before: str | None,
                   started_at: float | None | Callable[[], float | None] = None) -> Counter[Key]:
    """What a save adds to the counts, from the events it adds (as dicts) alone.

    `before` is the item this session last sent in earlier saves (None if none), and
    `started_at` when the stored session began (a value, or a function asked only when
    an `ended_at` count moves). A session that starts within `new` ignores both."""
    counts: Counter[Key] = Counter()
    for event in new:
        if event.get("event") == "session_started":
            counts[(day_of(event.get("timestamp")), "conversation", "")] += 1
        elif event.get("event") == "bot" and (item := content_id_of(event)):
            day = day_of(event.get("timestamp"))
            counts[(day, "sent", item)] += 1
            if item.startswith("safety/"):
                counts[(day, "safety", item)] += 1
    starts = [i for i, e in enumerate(new) if e.get("event") == "session_started"]
    if starts:
        session, before = new[starts[-1]:], None
        started = session[0].get("timestamp")
    else:
        session, started = new, started_at
    after = _last_item(session) or before
    if after and before != after:
        if callable(started):
            started = started()
        if started is None and session:
            started = session[0].get("timestamp")
        day = day_of(started)
        if before:
            counts[(day, "ended_at", before)] -= 1
        counts[(day, "ended_at", after)] += 1
    return Counter({key: delta for key, delta in counts.items() if delta})


def counts_for_save(stored: list[dict], new: list[dict]) -> Counter[Key]:
    """The same, from this session's events already stored and the new ones (both as
    dicts): for callers that have the whole session at hand."""
    session = _current_session(stored + new)
    already = session[: max(len(session) - len(new), 0)]
    started = session[0].get("timestamp") if session else None
    return counts_for_new(new, _last_item(already), started)


class UsageCounter:
    """Keeps the day's counts in `usage_daily`, from what each save adds."""

    def __init__(self, engine: sa.engine.Engine):
        create_table(engine)

    def add(self, connection: sa.engine.Connection, new: list[dict], before: str | None,
            started_at: float | None | Callable[[], float | None] = None) -> None:
        """Count one save's new events, in the save's own transaction."""
        add(connection, counts_for_new(new, before, started_at))


def add(connection: sa.engine.Connection, counts: Counter[Key]) -> None:
    """Add counts in the caller's transaction, as one upsert per row.

    An upsert, not update-then-insert: two Rasa servers saving on the same day would
    otherwise both insert the new row and one save would fail.
    """
    dialects = {"sqlite": sqlite, "postgresql": postgresql}
    upsert = dialects[connection.dialect.name].insert  # KeyError: a store this project does not support
    for (day, kind, item), delta in counts.items():
        if not delta:
            continue
        statement = upsert(usage_daily).values(day=day, kind=kind, item=item, count=delta)
        connection.execute(statement.on_conflict_do_update(
            index_elements=["day", "kind", "item"], set_={"count": usage_daily.c.count + delta}))


def read(engine: sa.engine.Engine) -> list[dict]:
    """Every count, oldest day first."""
    create_table(engine)
    with engine.connect() as connection:
        rows = connection.execute(
            sa.select(usage_daily).order_by(usage_daily.c.day, usage_daily.c.kind, usage_daily.c.item)
        )
        return [dict(row._mapping) for row in rows]
