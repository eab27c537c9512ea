"""Create the project's own tables once, even when several servers start at once.

Two servers starting together against one PostgreSQL both see a table missing and both
create it; the second fails (a duplicate type or relation) although the table is now
there. That server must still start: after such a failure the tables are checked again
and only what is still missing is created.
"""
from __future__ import annotations

import logging
from typing import Iterable, Optional

import sqlalchemy as sa

logger = logging.getLogger(__name__)
# What PostgreSQL raises when another server created the same table a moment before.
RACE = (sa.exc.IntegrityError, sa.exc.ProgrammingError)


def create_tables(engine: sa.engine.Engine, metadata: sa.MetaData,
                  tables: Optional[Iterable[sa.Table]] = None) -> None:
    tables = list(tables) if tables is not None else None
    try:
        metadata.create_all(engine, tables=tables, checkfirst=True)
    except RACE as error:
        logger.info("tables: another server created them first (%s); checking again", type(error).__name__)
        metadata.create_all(engine, tables=tables, checkfirst=True)
