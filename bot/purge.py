"""Delete conversations idle longer than RETENTION_DAYS: `make purge` (python -m bot.purge).

Run it once per region: from cron or a systemd timer, or as the Kubernetes CronJob
(deploy/k8s/50-purge.yaml). Without one, the Rasa servers elect one of themselves to
run it (bot/channels/health.py; PURGE_IN_SERVER=off turns that off). It also expires
the SMS channel's records (SMS_STATE_DB), and leaves its outcome where every
server's health report reads it. Exits 1 when the purge failed.
"""
from __future__ import annotations

import argparse
import logging

from bot.privacy.purge_runs import run_purge
from bot.privacy.retention import ROOT, engine_for, tracker_db_url
from bot.privacy.settings import retention_days


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--endpoints", default=str(ROOT / "endpoints.yml"), help="Rasa endpoints file naming the tracker store")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    days = retention_days()
    engine = engine_for(tracker_db_url(args.endpoints))
    parts = []
    try:
        from bot.sms.state import SmsState

        sms = SmsState.existing(engine)
        if sms is not None:
            parts.append(sms.expire_idle)
    except Exception as error:  # the conversations are still purged; the run is recorded as failed below
        logging.getLogger(__name__).error("purge: the SMS records cannot be opened (%s)", type(error).__name__)
        parts.append(_fail(error))
    outcome = run_purge(engine, days, parts=parts, by="make purge")
    if not outcome.ok:
        print(f"purge: FAILED ({outcome.error}); see the log above")
        return 1
    print(f"purge: deleted {outcome.conversations} conversation(s) idle for more than {days} days "
          f"and {outcome.other_records} SMS record(s)")  # counts only, never ids
    return 0


def _fail(error: Exception):
    def part(days: int, now: float) -> int:
        raise error
    return part


if __name__ == "__main__":
    raise SystemExit(main())
