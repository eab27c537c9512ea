"""The retention purge, run once per region and watched.

Rasa-free. Who runs it:
- `make purge` / `python -m bot.purge`: on a timer, or as the Kubernetes CronJob
  (deploy/k8s/50-purge.yaml);
- or the Rasa servers themselves (bot/channels/health.py): each one checks every few
  minutes, and the first to claim the period's run (one UPDATE on the shared
  `purge_runs` row) runs it; the others see the claim and wait for the next period.

Every run, whoever ran it, leaves its outcome in `purge_runs` (when, how many, and the
kind of error, never an id), so any server's health report can say that the purge
is failing or has not run for too long.
"""
from __future__ import annotations

import asyncio
import logging
import os
import socket
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Callable, Iterable, Optional

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from bot.privacy import settings
from bot.privacy.retention import purge_idle
from bot.tables import create_tables

logger = logging.getLogger(__name__)

RUN = "retention"
DEFAULT_EVERY_HOURS = 24.0
RETRY_FAILED_AFTER = 900.0   # a failed run is tried again after 15 minutes, not a day
CHECK_EVERY = 300.0          # how often a server looks whether the period's run is due
OVERDUE_PERIODS = 2          # no success for this many periods is reported as a failure

metadata = sa.MetaData()
purge_runs = sa.Table(
    "purge_runs",
    metadata,
    sa.Column("name", sa.String(32), primary_key=True),
    sa.Column("created_at", sa.Float, nullable=False),
    sa.Column("claimed_at", sa.Float),
    sa.Column("claimed_by", sa.String(128)),
    sa.Column("finished_at", sa.Float),
    sa.Column("ok", sa.Boolean),
    sa.Column("deleted", sa.Integer),
    sa.Column("error", sa.String(200)),
    sa.Column("last_ok_at", sa.Float),
)

# A part that also expires what it keeps: called with (days, now), returns a count.
Part = Callable[[int, float], int]
_parts: list[Part] = []


def on_purge(part: Part) -> Part:
    """Register something else the retention purge must expire (the SMS records)."""
    if part not in _parts:
        _parts.append(part)
    return part


def remove_part(part: Part) -> None:
    if part in _parts:
        _parts.remove(part)


def every_hours() -> float:
    value = os.environ.get("PURGE_EVERY_HOURS", "").strip()
    try:
        hours = float(value) if value else DEFAULT_EVERY_HOURS
    except ValueError:
        raise settings.SettingError(f"PURGE_EVERY_HOURS must be a number of hours, not {value!r}") from None
    if not 0 < hours <= 24 * 7:
        raise settings.SettingError(f"PURGE_EVERY_HOURS must be above 0 and at most a week, not {hours}")
    return hours


def create_table(engine: sa.engine.Engine) -> None:
    create_tables(engine, metadata, [purge_runs])


def _insert(connection):
    dialects = {"sqlite": sqlite, "postgresql": postgresql}
    return dialects[connection.dialect.name].insert(purge_runs)


def _ensure_row(connection, now: float) -> None:
    connection.execute(_insert(connection).values(name=RUN, created_at=now).on_conflict_do_nothing(
        index_elements=["name"]))


def claim(engine: sa.engine.Engine, holder: str, every_seconds: float, now: Optional[float] = None) -> bool:
    """Take this period's run. True for exactly one caller per period, on any number
    of servers sharing the database (one conditional UPDATE of one row)."""
    now = time.time() if now is None else now
    create_table(engine)
    with engine.begin() as connection:
        _ensure_row(connection, now)
        taken = connection.execute(
            purge_runs.update()
            .where(purge_runs.c.name == RUN)
            .where(sa.or_(purge_runs.c.claimed_at.is_(None), purge_runs.c.claimed_at <= now - every_seconds))
            .values(claimed_at=now, claimed_by=holder[:128])
        )
        return taken.rowcount == 1


def record(engine: sa.engine.Engine, ok: bool, deleted: int, error: Optional[str], every_seconds: float,
           by: str, now: Optional[float] = None) -> None:
    """Write a run's outcome. A failed run leaves the period open again soon."""
    now = time.time() if now is None else now
    create_table(engine)
    values = {"finished_at": now, "ok": ok, "deleted": deleted, "error": (error or None) and error[:200],
              "claimed_by": by[:128]}
    if ok:
        values.update(last_ok_at=now, claimed_at=now)
    else:
        values.update(claimed_at=now - every_seconds + RETRY_FAILED_AFTER)
    with engine.begin() as connection:
        _ensure_row(connection, now)
        connection.execute(purge_runs.update().where(purge_runs.c.name == RUN).values(**values))


@dataclass(frozen=True)
class Outcome:
    ok: bool
    conversations: int = 0
    other_records: int = 0
    error: Optional[str] = None


def run_purge(engine: sa.engine.Engine, days: Optional[int] = None, parts: Optional[Iterable[Part]] = None,
              by: str = "", every_seconds: Optional[float] = None, now: Optional[float] = None) -> Outcome:
    """Delete conversations idle over `days` (RETENTION_DAYS) and expire the registered
    parts' records, then record the outcome. Never raises: a failure is logged (the
    kind of error only) and recorded, and shows on the health report."""
    every_seconds = every_hours() * 3600 if every_seconds is None else every_seconds
    by = by or holder_name()
    try:
        days = settings.retention_days() if days is None else days
        conversations = purge_idle(engine, days, now=now)
        others = 0
        for part in list(_parts if parts is None else parts):
            others += int(part(days, time.time() if now is None else now) or 0)
        outcome = Outcome(True, conversations, others)
        logger.info("purge: deleted %d conversation(s) idle over %d days, and %d other record(s)",
                    conversations, days, others)
    except Exception as error:
        logger.exception("purge: failed; it is tried again soon and shows on the health report")
        outcome = Outcome(False, error=type(error).__name__)
    try:
        record(engine, outcome.ok, outcome.conversations + outcome.other_records, outcome.error,
               every_seconds, by)
    except Exception:
        logger.exception("purge: its outcome could not be recorded")
    return outcome


def _iso(at: Optional[float]) -> Optional[str]:
    return datetime.fromtimestamp(at, timezone.utc).isoformat(timespec="seconds") if at else None


def status(engine: sa.engine.Engine, every_seconds: Optional[float] = None, now: Optional[float] = None) -> dict:
    """The purge's health: `healthy` is False when the latest run failed, or when no
    run has succeeded for OVERDUE_PERIODS periods. Times and counts only."""
    every_seconds = every_hours() * 3600 if every_seconds is None else every_seconds
    now = time.time() if now is None else now
    try:
        if not sa.inspect(engine).has_table("purge_runs"):
            return {"healthy": True, "state": "never-run"}
        with engine.connect() as connection:
            row = connection.execute(sa.select(purge_runs).where(purge_runs.c.name == RUN)).first()
    except Exception as error:
        return {"healthy": False, "state": "unknown", "error": type(error).__name__}
    if row is None:
        return {"healthy": True, "state": "never-run"}
    row = row._mapping
    since = row["last_ok_at"] or row["created_at"]
    overdue = now - since > OVERDUE_PERIODS * every_seconds
    failing = row["ok"] is False
    report = {
        "healthy": not (failing or overdue),
        "state": "failing" if failing else "overdue" if overdue else "ok" if row["ok"] else "running",
        "last_success": _iso(row["last_ok_at"]),
        "last_run": _iso(row["finished_at"]),
        "deleted_last_run": row["deleted"],
        "every_hours": round(every_seconds / 3600, 2),
    }
    if failing:
        report["error"] = row["error"]
    return report


def holder_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


class PurgeSchedule:
    """Inside a server: look every `check_seconds` whether this period's run is due,
    and run it here only if this server claims it. Sync database work runs in a
    thread, so turns are not held up."""

    def __init__(self, engine: sa.engine.Engine, every_seconds: Optional[float] = None,
                 check_seconds: float = CHECK_EVERY, holder: Optional[str] = None):
        self.engine = engine
        self.every_seconds = every_hours() * 3600 if every_seconds is None else every_seconds
        self.check_seconds = check_seconds
        self.holder = holder or holder_name()
        self.runs = 0
        self._task: Optional[asyncio.Task] = None

    def tick(self) -> Optional[Outcome]:
        """One look: the outcome if this server ran the purge, else None."""
        try:
            if not claim(self.engine, self.holder, self.every_seconds):
                return None
        except Exception as error:
            logger.warning("purge: could not check whether a run is due (%s)", type(error).__name__)
            return None
        self.runs += 1
        return run_purge(self.engine, by=self.holder, every_seconds=self.every_seconds)

    async def _loop(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            await loop.run_in_executor(None, self.tick)
            await asyncio.sleep(self.check_seconds)

    def start(self) -> "PurgeSchedule":
        self._task = asyncio.get_running_loop().create_task(self._loop())
        return self

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            try:
                await self._task
            except (asyncio.CancelledError, Exception):
                pass
            self._task = None
