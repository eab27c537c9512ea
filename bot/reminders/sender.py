"""Send every reminder that is due: `python -m bot.reminders send`, and the server's minute.

One sender at a time, whichever server or command it is: the run takes the lease
lock in the shared store (`ReminderStore.acquire`) and renews it before each text.
A run that cannot take the lock does nothing; the next minute tries again. Each text
is also claimed before it is sent (`ReminderStore.claim`: one UPDATE marks it sent
only if it is not yet), so even two senders that both hold the lock (a lease that
lapsed during a slow send) or a run repeated after a database error never send one
text twice.

Each text goes through `bot.sms.gateway.SmsGateway`, which retries network errors,
429 and 5xx a few times. A text still not accepted is put back (`put_back`), stays
due and is tried again at the next run, every minute, until the event begins: it is
never dropped while it can still help. The one trade-off: a sender killed between
the claim and the send loses that text (it is marked sent), rather than risk sending
it twice. A gateway refusal (4xx: a number that cannot take texts) ends that
reminder, and its number is deleted. So is a reminder whose event has begun.

If both texts are due at once (the server was down), one text goes, with the right
day word ("today" or "tomorrow"). Between 9pm and 7am nothing is sent; late texts
wait for the morning. Logs say how many, never a number, a time or an id.
"""
from __future__ import annotations

import logging
import os
import socket
import time
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Callable, Protocol

from bot import dates
from bot.render import Channel, Renderer
from bot.reminders import schedule
from bot.reminders.secret import NumberBox
from bot.reminders.store import Reminder, ReminderStore
from bot.sms.gateway import GatewayError

logger = logging.getLogger(__name__)

TEXT = "meta/reminder-text"
LEASE_SECONDS = 120.0     # longer than one gateway send with all its retries


class Gateway(Protocol):
    async def send(self, to: str, body: str) -> None: ...


@dataclass
class SendReport:
    sent: int = 0
    retry: int = 0          # not accepted by the gateway this time; tried again next run
    ended: int = 0          # event begun, number refused, or number no longer readable
    waiting: int = 0        # due during the quiet hours: sent from 7am
    stopped: int = 0        # her number sent STOP: cancelled
    locked: bool = False    # another sender was running

    def __str__(self) -> str:
        if self.locked:
            return "reminders: another sender is running; nothing done"
        return (f"reminders: {self.sent} sent, {self.retry} to retry, {self.ended} ended, "
                f"{self.waiting} waiting for the morning, {self.stopped} cancelled by STOP")


def holder_id() -> str:
    return f"{socket.gethostname()[:24]}-{os.getpid()}-{uuid.uuid4().hex[:8]}"


def reminder_text(renderer: Renderer, reminder: Reminder, now: datetime) -> str:
    """The discreet text: the kind in neutral words, "today" or "tomorrow", and the time."""
    today = schedule.days_until(reminder.event_at, now) <= 0
    return renderer.message(TEXT, Channel.SMS, values={
        "kind": reminder.kind, "today": "yes" if today else "",
        "time": dates.format_time(reminder.event_at.astimezone(dates.LONDON)),
    }).text


async def send_due(
    store: ReminderStore, box: NumberBox, gateway: Gateway, renderer: Renderer, now: datetime,
    is_stopped: Callable[[str], bool] | None = None, holder: str | None = None,
    lease: float = LEASE_SECONDS, clock: Callable[[], float] = time.time,
) -> SendReport:
    """Send what is due at `now` (an aware datetime). The lease uses the real clock."""
    report = SendReport()
    holder = holder or holder_id()
    if not store.acquire(holder, lease, clock=clock):
        report.locked = True
        return report
    try:
        store.clean(now)
        due = store.due(now)
        if due and schedule.is_quiet(now):
            report.waiting = len(due)
            return report
        for reminder in due:
            if not store.renew(holder, lease, clock=clock):
                logger.warning("reminders: lost the sender lock; stopping this run")
                break
            await _send_one(store, box, gateway, renderer, reminder, now, is_stopped, report)
    finally:
        store.release(holder)
    if report.sent or report.retry or report.ended:
        logger.info("%s", report)
    return report


async def _send_one(store: ReminderStore, box: NumberBox, gateway: Gateway, renderer: Renderer,
                    reminder: Reminder, now: datetime, is_stopped, report: SendReport) -> None:
    which = reminder.due(now)
    if not which:
        return
    if reminder.event_at is None or reminder.event_at <= now:
        store.give_up(reminder.id, which)
        report.ended += 1
        return
    if is_stopped is not None and reminder.sender and is_stopped(reminder.sender):
        store.cancel(reminder.id)
        report.stopped += 1
        return
    number = box.unlock(reminder.number) if reminder.number else None
    if number is None:
        logger.error("reminders: a number cannot be unlocked with REMINDER_KEY (was the key changed?)")
        store.give_up(reminder.id, which)
        report.ended += 1
        return
    body = reminder_text(renderer, reminder, now)
    # Claim before sending: only the run whose claim changed the row sends it (never twice).
    if not store.claim(reminder.id, which, now):
        return  # another sender (or an earlier try of this one) has it
    try:
        await gateway.send(number, body)
    except GatewayError as error:
        if error.permanent:
            logger.error("reminders: the gateway refused a reminder; it is ended (%s)", error)
            store.give_up(reminder.id, which, claimed=now)
            report.ended += 1
        else:
            logger.warning("reminders: not delivered, will retry next run (%s)", error)
            store.put_back(reminder.id, which, now, reminder.number)
            report.retry += 1
        return
    report.sent += 1
    store.drop_number_if_done(reminder.id)
