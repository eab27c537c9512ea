"""When her reminder texts go, in London time (right across the clock change).

- The evening before: at 5pm, so it is with her by 6pm even if the gateway needs
  its retries. Asked for after that time, there is no evening text.
- The morning of the day, if she asks for it (or if it is too late for the evening
  one): at 7:30am, or 90 minutes before an early start, never before 7am.
- Nothing is sent between 9pm and 7am: a late catch-up waits for the morning, and
  then says "today", not "tomorrow".

Times are computed from the London wall clock on each day (`parse.at_london`), so a
reminder set in January for a Monday after the spring change still goes at 5pm
British Summer Time on the Sunday.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from bot.reminders.parse import LONDON, at_london

EVENING_MINUTE = 17 * 60
MORNING_MINUTE = 7 * 60 + 30
EARLIEST_MINUTE = 7 * 60
MORNING_LEAD = timedelta(minutes=90)
QUIET_FROM_HOUR, QUIET_UNTIL_HOUR = 21, 7


@dataclass(frozen=True)
class Plan:
    evening: datetime | None
    morning: datetime | None

    @property
    def empty(self) -> bool:
        return self.evening is None and self.morning is None

    @property
    def last(self) -> datetime | None:
        return max((t for t in (self.evening, self.morning) if t is not None), default=None)


def evening_before(event: datetime) -> datetime:
    day = event.astimezone(LONDON).date() - timedelta(days=1)
    return at_london(day, EVENING_MINUTE)


def morning_of(event: datetime) -> datetime | None:
    local = event.astimezone(LONDON)
    earliest = at_london(local.date(), EARLIEST_MINUTE)
    when = min(at_london(local.date(), MORNING_MINUTE), local - MORNING_LEAD)
    return when if when >= earliest else None


def plan(event: datetime, now: datetime, morning: bool = False) -> Plan:
    """The texts still possible for an event, from now. The morning one is added when
    asked for, or when it is the only one left."""
    evening = evening_before(event)
    evening = evening if evening > now else None
    early = morning_of(event)
    early = early if early is not None and early > now and (morning or evening is None) else None
    return Plan(evening, early)


def morning_possible(event: datetime, now: datetime) -> bool:
    early = morning_of(event)
    return early is not None and early > now


def is_quiet(now: datetime) -> bool:
    hour = now.astimezone(LONDON).hour
    return hour >= QUIET_FROM_HOUR or hour < QUIET_UNTIL_HOUR


def days_until(event: datetime, now: datetime) -> int:
    """0 on the day, 1 the day before (London dates)."""
    return (event.astimezone(LONDON).date() - now.astimezone(LONDON).date()).days


def london_day(moment: datetime) -> date:
    return moment.astimezone(LONDON).date()
