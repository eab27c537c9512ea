"""Deadlines the bot can work out from a date she gives (content ids under dates/).

legal_limit=True: set by law or court rules. False: a target in guidance
(Working Together and local procedures), which councils sometimes miss; the
wording should then say "should" or "usually", not "must".
Every result is "about": the content around it says so (facts brief, section 26).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone

from dateutil.relativedelta import relativedelta

from bot.dates import LONDON, add_working_days, format_date, format_datetime, today_in_london

PROCEEDINGS = "dates/proceedings-deadline"
APPEAL = "dates/appeal-deadline"
ICPC = "dates/icpc-deadline"
CORE_GROUP = "dates/core-group-deadline"
REVIEW = "dates/review-deadline"
EPO = "dates/epo-end"
POLICE = "dates/police-protection-end"
ASSESSMENT = "dates/assessment-deadline"
KINDS = (PROCEEDINGS, APPEAL, ICPC, CORE_GROUP, REVIEW, EPO, POLICE, ASSESSMENT)


@dataclass(frozen=True)
class Deadline:
    kind: str
    start: date | datetime
    due: date | datetime
    legal_limit: bool
    extra: dict = field(default_factory=dict)


def _day(start: date | datetime) -> date:
    # Day-counted limits need the London date, whatever form the start came in.
    return today_in_london(start) if isinstance(start, datetime) else start


def _police(start: date | datetime) -> Deadline:
    if not isinstance(start, datetime):
        # Without the hour we can only say "about": 3 days from that date.
        return Deadline(POLICE, start, start + timedelta(days=3), True, {"approximate": True})
    start = start.replace(tzinfo=LONDON) if start.tzinfo is None else start.astimezone(LONDON)
    # 72 real hours: add them in UTC. Adding to a London datetime would add wall-clock
    # hours and be an hour out across the October and March clock changes.
    due = (start.astimezone(timezone.utc) + timedelta(hours=72)).astimezone(LONDON)
    return Deadline(POLICE, start, due, True, {})


def compute(kind: str, start: date | datetime) -> Deadline:
    """The deadline of kind (a dates/ content id) counted from start."""
    if kind == POLICE:
        return _police(start)
    d = _day(start)
    if kind == PROCEEDINGS:
        # s32(1)(a)(ii) Children Act 1989; each extension is up to 8 weeks (s32(5)-(8)).
        due = d + timedelta(weeks=26)
        return Deadline(kind, d, due, True,
                        {"extension_weeks": 8, "after_one_extension": due + timedelta(weeks=8)})
    if kind == APPEAL:
        # FPR 30.4: 21 days unless the court directs another period.
        return Deadline(kind, d, d + timedelta(days=21), True, {"court_can_change": True})
    if kind == ICPC:
        return Deadline(kind, d, add_working_days(d, 15), False, {"working_days": 15})
    if kind == CORE_GROUP:
        return Deadline(kind, d, add_working_days(d, 10), False, {"working_days": 10})
    if kind == ASSESSMENT:
        return Deadline(kind, d, add_working_days(d, 45), False, {"working_days": 45})
    if kind == REVIEW:
        # Calendar months (relativedelta keeps 30 November + 3 months on 28 February);
        # each later review is at most 6 months after the one before.
        first = d + relativedelta(months=3)
        second = first + relativedelta(months=6)
        return Deadline(kind, d, first, False, {"later": (second, second + relativedelta(months=6))})
    if kind == EPO:
        # Up to 8 days from the order, plus one extension of up to 7 (15 at most).
        return Deadline(kind, d, d + timedelta(days=8), True,
                        {"with_extension": d + timedelta(days=15)})
    raise ValueError(f"unknown deadline kind {kind!r}; expected one of {', '.join(KINDS)}")


def direction_problem(kind: str, start: date | datetime, today: date) -> str | None:
    """"future" if the event this deadline counts from has not happened yet.

    Every kind counts from something that already happened (a decision, an order,
    a conference), so a start after today is a misunderstanding; today is fine.
    """
    if kind not in KINDS:
        raise ValueError(f"unknown deadline kind {kind!r}")
    return "future" if _day(start) > today else None


def values(deadline: Deadline) -> dict[str, str]:
    """The worked-out dates as GOV.UK-style text, for the item's `result` template."""
    def show(d: date | datetime) -> str:
        return format_datetime(d) if isinstance(d, datetime) else format_date(d)

    # "approximate": a police protection start given without the hour.
    out = {"start": show(deadline.start), "due": show(deadline.due),
           "approximate": "yes" if deadline.extra.get("approximate") else ""}
    if "with_extension" in deadline.extra:
        out["with_extension"] = show(deadline.extra["with_extension"])
    if "later" in deadline.extra:
        out["next_review"] = show(deadline.extra["later"][0])
    return out


# Sample values so the linter and tests can render every `result` template.
SAMPLE_VALUES = {"start": "Tuesday 3 March 2026", "due": "Tuesday 1 September 2026", "approximate": "",
                 "with_extension": "Wednesday 18 March 2026", "next_review": "Thursday 3 December 2026"}
