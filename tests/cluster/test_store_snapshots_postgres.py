"""A long conversation read from its latest snapshots, on the PostgreSQL the servers of a
region share: the tests of tests/test_store_snapshots.py that need no SQLite file, run
again on a real PostgreSQL on loopback (skipped where it is not installed: `make
test-cluster` installs it)."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from bot.channels.private_store import PrivateSQLTrackerStore
# Collected here too, with `store` below: the same behaviour, checked on PostgreSQL.
from tests.cluster.test_reminders_postgres import postgres_url, pytestmark  # noqa: F401
from tests.test_store_snapshots import (  # noqa: F401
    DOMAIN,
    test_a_new_session_starts_from_its_own_first_event,
    test_after_every_turn_she_is_read_back_exactly_where_she_was,
    test_each_turn_is_read_back_the_same_as_a_full_replay,
    test_when_her_session_began_is_known_without_asking_the_database,
)


@pytest.fixture
def store(postgres_url, monkeypatch):
    """An empty tracker store for each test (its tables are made again by the store)."""
    monkeypatch.setenv("KEEP_USER_TEXT", "off")
    engine = sa.create_engine(postgres_url)
    with engine.begin() as connection:
        connection.execute(sa.text("drop table if exists events, usage_daily"))
    engine.dispose()
    url = sa.engine.make_url(postgres_url)
    made = PrivateSQLTrackerStore(domain=DOMAIN, dialect="postgresql", host=url.host, port=url.port,
                                  db=url.database, username=url.username, password=url.password)
    assert made.engine.dialect.name == "postgresql"
    yield made
    made.engine.dispose()
