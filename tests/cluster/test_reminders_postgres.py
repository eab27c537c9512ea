"""Never twice on the store several servers share: the reminder tests of
tests/test_reminders_never_twice.py (two senders with the same due text, a lease that
lapses mid-send, a send turned away for now) run again here on a real PostgreSQL on
loopback, started with the cluster's own code (skipped where PostgreSQL is not
installed: `make test-cluster` installs it). Each sender has its own engine, as two
servers would."""
from __future__ import annotations

import shutil
import socket
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts" / "cluster"))

from cluster import Cluster, Ports  # noqa: E402  (scripts/cluster/cluster.py)

from bot.reminders.store import METADATA  # noqa: E402
# Collected here too, with `db` below: the same behaviour, checked on PostgreSQL.
from tests.test_reminders_never_twice import (  # noqa: E402,F401
    box,
    test_a_sender_whose_lease_lapsed_mid_send_and_the_next_sender_send_it_once,
    test_a_text_the_gateway_turns_away_for_now_is_sent_next_minute_once,
    test_two_senders_with_the_same_due_reminder_send_it_once,
)

pytestmark = pytest.mark.skipif(not list(Path("/usr/lib/postgresql").glob("*/bin/postgres"))
                                or shutil.which("runuser") is None, reason="PostgreSQL is not installed")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def postgres_url():
    cluster = Cluster(base=ROOT / "var" / "test-postgres", ports=Ports(postgres=free_port()), say=lambda _: None)
    cluster.start_stores(("postgres",))
    try:
        yield cluster.postgres_url
    finally:
        cluster.stop_service("postgres")


@pytest.fixture
def db(postgres_url):
    """An empty reminders store for each test: the tables are made again by the store."""
    engine = sa.create_engine(postgres_url)
    METADATA.drop_all(engine)
    engine.dispose()
    return postgres_url


def test_the_store_under_test_is_postgresql(db):
    assert sa.engine.make_url(db).get_backend_name() == "postgresql"
    with sa.create_engine(db).connect() as connection:
        assert connection.execute(sa.text("select version()")).scalar().startswith("PostgreSQL")
