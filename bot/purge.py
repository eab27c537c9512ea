"""Delete conversations idle longer than RETENTION_DAYS: `make purge` (python -m bot.purge).

The running Rasa server does the same once a day (bot/channels/private_store.py);
this command is for cron, for a server that is stopped, and for tests.
"""
from __future__ import annotations

import argparse

from bot.privacy.retention import ROOT, engine_for, purge_idle, tracker_db_url
from bot.privacy.settings import retention_days


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--endpoints", default=str(ROOT / "endpoints.yml"), help="Rasa endpoints file naming the tracker store")
    args = parser.parse_args(argv)
    days = retention_days()
    deleted = purge_idle(engine_for(tracker_db_url(args.endpoints)), days)
    print(f"purge: deleted {deleted} conversation(s) idle for more than {days} days")  # counts only, never ids
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
