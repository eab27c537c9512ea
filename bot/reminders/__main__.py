"""`python -m bot.reminders send [--now ISO-TIME]`: send every reminder due at that time.

    python -m bot.reminders send                              # due now
    python -m bot.reminders send --now 2027-01-13T17:00       # London wall-clock time
    python -m bot.reminders send --now 2027-03-28T16:00:00Z   # or any offset
    python -m bot.reminders key                               # a new REMINDER_KEY

`--now` is for tests and for catching up after an outage; the running Rasa server
calls the same code every minute (bot/channels/reminders.py). Uses the same
environment as the server: REMINDER_KEY, SENDER_HASH_KEY, REMINDER_DB_URL (or the
tracker store in --endpoints), SMS_GATEWAY_URL and the other SMS_* settings.
Without --endpoints it reads the file the servers here run with: endpoints.cluster.yml
when POSTGRES_HOST is set (scripts/cluster, deploy/k8s), else endpoints.yml. In a
cluster it refuses to run against a SQLite file, which no other server sees.
Prints counts only. Exit status 0 when the run finished (texts to retry included), 2 when
another sender held the lock, 1 on a setting error.
"""
from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from datetime import datetime

from bot.reminders.parse import LONDON
from bot.reminders.secret import KeyMissing, new_key
from bot.reminders.store import NotShared, check_shared, make_engine, store_url


def parse_now(value: str) -> datetime:
    """ISO 8601; a time with no offset is London's wall clock."""
    text = value.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    moment = datetime.fromisoformat(text)
    return moment.replace(tzinfo=LONDON) if moment.tzinfo is None else moment


def _stop_flags(engine):
    """The SMS channel's STOP flags, so a number that sent STOP is never texted."""
    try:
        from bot.sms.state import SmsState
        state = SmsState.from_env(tracker_engine=engine) if hasattr(SmsState, "from_env") else SmsState()
        return state.is_stopped
    except Exception as error:  # no SMS state here: the gateway refuses opted-out numbers anyway
        logging.getLogger(__name__).warning("reminders: STOP flags not readable (%s)", type(error).__name__)
        return None


async def _send(args) -> int:
    from bot.reminders.service import Reminders
    from bot.sms.gateway import GatewayConfig, SmsGateway

    url = store_url(args.endpoints)
    check_shared(url)   # in a cluster, never a file only this machine sees
    reminders = Reminders.from_env(engine=make_engine(url))
    gateway = SmsGateway(GatewayConfig.from_env())
    try:
        report = await reminders.send_due(gateway, args.now, _stop_flags(reminders.store.engine))
    finally:
        await gateway.close()
        reminders.store.close()
    print(report)
    return 2 if report.locked else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.reminders", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    send = commands.add_parser("send", help="send every reminder due at --now (default: now)")
    send.add_argument("--now", type=parse_now, default=None, help="ISO time; no offset means London time")
    send.add_argument("--endpoints", default=None,
                      help="Rasa endpoints file naming the tracker store (when REMINDER_DB_URL is not set); "
                           "default: endpoints.cluster.yml when POSTGRES_HOST is set, else endpoints.yml")
    commands.add_parser("key", help="print a new key for REMINDER_KEY")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    if args.command == "key":
        print(new_key())
        return 0
    try:
        return asyncio.run(_send(args))
    except (KeyMissing, NotShared) as error:
        print(f"reminders: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
