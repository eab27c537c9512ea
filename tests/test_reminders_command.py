"""`python -m bot.reminders send` uses the store the servers use: in a cluster (POSTGRES_HOST
set, as scripts/cluster and the deploy/k8s ConfigMap set it) the tracker store in
endpoints.cluster.yml, the only endpoints file the Docker image holds, and never a SQLite
file that only this machine sees; on one machine, endpoints.yml's."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa

from bot.reminders import __main__ as command

ROOT = Path(__file__).resolve().parent.parent
CLUSTER = {"POSTGRES_HOST": "postgres", "POSTGRES_PORT": "5432", "POSTGRES_DB": "carebot",
           "POSTGRES_USER": "carebot", "POSTGRES_PASSWORD": "not-a-secret"}


class Opened(Exception):
    """Stops the command where it would open the store (no database needed)."""


@pytest.fixture
def opened(monkeypatch):
    urls = []

    def record(url):
        urls.append(sa.engine.make_url(url))
        raise Opened

    monkeypatch.setattr(command, "make_engine", record)
    monkeypatch.delenv("REMINDER_DB_URL", raising=False)
    return urls


def cluster_env(monkeypatch):
    for name, value in CLUSTER.items():
        monkeypatch.setenv(name, value)


def test_in_the_cluster_the_command_opens_the_servers_postgresql_without_being_told(monkeypatch, opened):
    cluster_env(monkeypatch)
    with pytest.raises(Opened):
        command.main(["send", "--now", "2027-01-13T17:00"])
    [url] = opened
    assert url.get_backend_name() == "postgresql"
    assert (url.host, url.port, url.database, url.username) == ("postgres", 5432, "carebot", "carebot")


def test_on_one_machine_the_command_opens_the_tracker_file_of_endpoints_yml(monkeypatch, opened):
    monkeypatch.delenv("POSTGRES_HOST", raising=False)
    with pytest.raises(Opened):
        command.main(["send"])
    [url] = opened
    assert url.get_backend_name() == "sqlite" and Path(url.database) == ROOT / "var" / "tracker.db"


@pytest.mark.parametrize("endpoints", ["endpoints.yml", "no-such-endpoints.yml"])
def test_in_the_cluster_the_command_refuses_a_sqlite_store(monkeypatch, opened, capsys, endpoints):
    # endpoints.yml names SQLite; a missing file would fall back to var/reminders.db.
    cluster_env(monkeypatch)
    assert command.main(["send", "--endpoints", str(ROOT / endpoints)]) == 1
    assert opened == []
    assert "SQLite" in capsys.readouterr().err


def test_the_command_in_a_cluster_refuses_a_sqlite_reminder_db_url_and_writes_nothing(tmp_path):
    target = tmp_path / "reminders.db"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("POSTGRES_", "REMINDER_"))}
    env.update(CLUSTER, REMINDER_DB_URL=f"sqlite:///{target}", PYTHONPATH=str(ROOT))
    run = subprocess.run([sys.executable, "-m", "bot.reminders", "send", "--now", "2027-01-13T17:00"],
                         cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert run.returncode == 1, run.stderr
    assert "SQLite" in run.stderr and "not-a-secret" not in run.stdout + run.stderr
    assert not target.exists()
