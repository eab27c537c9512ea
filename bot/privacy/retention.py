"""Find the tracker database and delete conversations left idle too long.

Rasa-free, so `make purge` starts in a second rather than loading Rasa. The table
and columns are Rasa's SQL tracker store (`events`: sender_id, timestamp, ...).
"""
from __future__ import annotations

import os
import re
import time
from pathlib import Path

import sqlalchemy as sa
import yaml

ROOT = Path(__file__).resolve().parents[2]
EVENTS = sa.table("events", sa.column("sender_id"), sa.column("timestamp"))
_ENV_VAR = re.compile(r"\$\{([^}]+)\}")


def _expand(value):
    # endpoints.yml may name environment variables as ${NAME}, as Rasa allows.
    if isinstance(value, str):
        return _ENV_VAR.sub(lambda m: os.environ.get(m.group(1), ""), value)
    return value


def tracker_db_url(endpoints: Path | str = ROOT / "endpoints.yml") -> sa.engine.URL | str:
    """The database URL of the tracker store configured in endpoints.yml (SQL only)."""
    config = yaml.safe_load(Path(endpoints).read_text(encoding="utf-8")) or {}
    store = {key: _expand(value) for key, value in (config.get("tracker_store") or {}).items()}
    if not store:
        raise ValueError(f"{endpoints} has no tracker_store: nothing to purge")
    host = store.get("url")
    if host and "://" in host:
        return host
    db = store.get("db") or "rasa.db"
    dialect = store.get("dialect") or "sqlite"
    if dialect == "sqlite" and not Path(db).is_absolute():
        db = str(ROOT / db)  # Rasa runs from the project folder; so do its relative paths
    port = store.get("port")
    return sa.engine.URL.create(
        dialect, store.get("username"), store.get("password"), host,
        int(port) if port else None, db, store.get("query") or {},
    )


def engine_for(url) -> sa.engine.Engine:
    url = sa.engine.make_url(url)
    if url.get_backend_name() == "sqlite" and url.database:
        Path(url.database).parent.mkdir(parents=True, exist_ok=True)  # a fresh checkout has no var/
    return sa.create_engine(url)


def idle_conversations(cutoff: float) -> sa.sql.Select:
    return (
        sa.select(EVENTS.c.sender_id)
        .group_by(EVENTS.c.sender_id)
        .having(sa.func.max(EVENTS.c.timestamp) < cutoff)
    )


def purge_idle(engine: sa.engine.Engine, days: int, now: float | None = None) -> int:
    """Delete every conversation whose last event is older than `days`. Returns how many."""
    cutoff = (now if now is not None else time.time()) - days * 86400
    if not sa.inspect(engine).has_table("events"):
        return 0
    with engine.begin() as connection:
        idle = idle_conversations(cutoff).subquery()
        count = connection.execute(sa.select(sa.func.count()).select_from(idle)).scalar_one()
        if count:
            connection.execute(
                EVENTS.delete().where(EVENTS.c.sender_id.in_(idle_conversations(cutoff)))
            )
    return int(count)
