"""Deadlines the bot can work out from a date she gives (content ids under dates/).

legal_limit=True: set by law or court rules. False: a target in guidance
(Working Together and local procedures), which councils sometimes miss; the
wording should then say "should" or "usually", not "must".
Every result is "about": the content around it says so (facts brief, section 26).

How each one counts (legal review of December 2026, section 2; facts brief corrections):
- Proceedings: 26 weeks "beginning with the day on which the application was issued"
  (Children Act 1989 s32(1)(a)(ii)): the issue day is day 1, so the last day is +181.
- Appeal: 21 days after the decision (FPR 30.4), clear days, so the decision day is not
  counted (+21). If the court office is closed on that day (a weekend or an England and
  Wales bank holiday), it is in time on the next day it is open (FPR 2.9).
- EPO: 8 days including the day the order is made (+7); one extension of up to 7 more
  days (+14 at most). If the police took the child first, the 8 days begin with the
  first day of police protection (s45(3)). If the last day is a Sunday, Christmas Day,
  Good Friday or a bank holiday, the order may run to noon on the next day that is not
  one (s45(2)). The order itself says when it ends: the date here is only a check.
- Review conference: the first within 3 months of the initial conference; each later
  one within 6 months of the review before it, so only the first can be worked out
  from the initial conference.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone

from dateutil.relativedelta import relativedelta

from bot.dates import (LONDON, add_working_days, format_date, format_datetime, is_bank_holiday, is_working_day,
                       today_in_london)

PROCEEDINGS = "dates/proceedings-deadline"
APPEAL = "dates/appeal-deadline"
ICPC = "dates/icpc-deadline"
CORE_GROUP = "dates/core-group-deadline"
REVIEW = "dates/review-deadline"
EPO = "dates/epo-end"
POLICE = "dates/police-protection-end"
ASSESSMENT = "dates/assessment-deadline"
KINDS = (PROCEEDINGS, APPEAL, ICPC, CORE_GROUP, REVIEW, EPO, POLICE, ASSESSMENT)

PROCEEDINGS_DAYS = 26 * 7 - 1      # "26 weeks beginning with" the issue day: it is day 1
EXTENSION_WEEKS = 8                # each extension of the 26 weeks, at most (s32(5)-(8))
APPEAL_DAYS = 21                   # FPR 30.4(2), unless the court directs another period
EPO_DAYS = 8 - 1                   # 8 days including the day the order is made
EPO_EXTENSION_DAYS = 7             # one extension only, of up to 7 days (s45(4)-(6))
FIRST_REVIEW_MONTHS, LATER_REVIEW_MONTHS = 3, 6


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


def next_open_day(d: date) -> date:
    """d, or the next day the court office is open: not a weekend or a bank holiday."""
    while not is_working_day(d):
        d += timedelta(days=1)
    return d


def _public_holiday(d: date) -> bool:
    # s45(2): "Christmas Day, Good Friday, a bank holiday or a Sunday" (Saturday is not one).
    return d.weekday() == 6 or is_bank_holiday(d)


def epo_holiday_noon(last_day: date) -> datetime | None:
    """Noon on the first later day that is not a public holiday, if last_day is one (s45(2))."""
    if not _public_holiday(last_day):
        return None
    d = last_day + timedelta(days=1)
    while _public_holiday(d):
        d += timedelta(days=1)
    return datetime.combine(d, time(12, 0), tzinfo=LONDON)


def next_review_after(review: date) -> date:
    """A later review conference: within 6 months of the review before it."""
    return review + relativedelta(months=LATER_REVIEW_MONTHS)


def _police(start: date | datetime) -> Deadline:
    if not isinstance(start, datetime):
        # Without the hour we can only say "about": 3 days from that date.
        return Deadline(POLICE, start, start + timedelta(days=3), True, {"approximate": True})
    start = start.replace(tzinfo=LONDON) if start.tzinfo is None else start.astimezone(LONDON)
    # 72 real hours: add them in UTC. Adding to a London datetime would add wall-clock
    # hours and be an hour out across the October and March clock changes.
    due = (start.astimezone(timezone.utc) + timedelta(hours=72)).astimezone(LONDON)
    return Deadline(POLICE, start, due, True, {})


def _epo(d: date, police_start: date | datetime | None) -> Deadline:
    # With police protection first, the 8 days begin on its first day (s45(3)); that can
    # only make the end earlier, never later than counting from the order.
    counted_from = min(_day(police_start), d) if police_start is not None else d
    due = counted_from + timedelta(days=EPO_DAYS)
    extra = {"with_extension": due + timedelta(days=EPO_EXTENSION_DAYS)}
    if counted_from != d:
        extra["police_start"] = counted_from
    noon = epo_holiday_noon(due)
    if noon is not None:
        extra["holiday_noon"] = noon
    return Deadline(EPO, d, due, True, extra)


def compute(kind: str, start: date | datetime, *, police_start: date | datetime | None = None,
            after_review: bool = False) -> Deadline:
    """The deadline of kind (a dates/ content id) counted from start.

    police_start: for an EPO, the first day of police protection, if the police took the
    child before the order. after_review: for a review conference, start is the date of
    the previous review (not of the initial conference).
    """
    if kind == POLICE:
        return _police(start)
    d = _day(start)
    if kind == PROCEEDINGS:
        due = d + timedelta(days=PROCEEDINGS_DAYS)
        return Deadline(kind, d, due, True, {"extension_weeks": EXTENSION_WEEKS,
                                             "after_one_extension": due + timedelta(weeks=EXTENSION_WEEKS)})
    if kind == APPEAL:
        last = d + timedelta(days=APPEAL_DAYS)
        due = next_open_day(last)
        extra = {"court_can_change": True}
        if due != last:
            extra["closed_day"] = last
        return Deadline(kind, d, due, True, extra)
    if kind == ICPC:
        return Deadline(kind, d, add_working_days(d, 15), False, {"working_days": 15})
    if kind == CORE_GROUP:
        return Deadline(kind, d, add_working_days(d, 10), False, {"working_days": 10})
    if kind == ASSESSMENT:
        return Deadline(kind, d, add_working_days(d, 45), False, {"working_days": 45})
    if kind == REVIEW:
        # Calendar months (relativedelta keeps 30 November + 3 months on 28 February).
        if after_review:
            return Deadline(kind, d, next_review_after(d), False, {"after_review": True})
        return Deadline(kind, d, d + relativedelta(months=FIRST_REVIEW_MONTHS), False, {})
    if kind == EPO:
        return _epo(d, police_start)
    raise ValueError(f"unknown deadline kind {kind!r}; expected one of {', '.join(KINDS)}")


# Deadlines counted from a meeting she may know the date of before it happens: "if
# the conference is on Friday 4 December, the first core group should meet by ...".
PLANNED_OK = {CORE_GROUP, REVIEW}


def direction_problem(kind: str, start: date | datetime, today: date) -> str | None:
    """"future" if the event this deadline counts from has not happened yet.

    Most kinds count from something that already happened (a decision, an order, a
    referral), so a start after today is a misunderstanding; today is fine. A planned
    conference (PLANNED_OK) may be in the future.
    """
    if kind not in KINDS:
        raise ValueError(f"unknown deadline kind {kind!r}")
    return "future" if _day(start) > today and kind not in PLANNED_OK else None


def values(deadline: Deadline, today: date | None = None) -> dict[str, str]:
    """The worked-out dates as GOV.UK-style text, for the item's `result` template.

    Every key is always present ("" when it does not apply), so a template can test it
    with {% if ... %}. With `today`: "planned" when the start is still to come, "passed"
    when the last day is over, and "weeks_left" (whole weeks from today) otherwise.
    """
    def show(d: date | datetime) -> str:
        return format_datetime(d) if isinstance(d, datetime) else format_date(d)

    extra = deadline.extra
    # "approximate": a police protection start given without the hour.
    out = {"start": show(deadline.start), "due": show(deadline.due),
           "approximate": "yes" if extra.get("approximate") else ""}
    for key in ("with_extension", "closed_day", "police_start", "holiday_noon"):
        out[key] = show(extra[key]) if key in extra else ""
    out["planned"] = out["passed"] = out["weeks_left"] = ""
    if today is not None:
        due = _day(deadline.due)
        out["planned"] = "yes" if _day(deadline.start) > today else ""
        out["passed"] = "yes" if due < today else ""
        if today <= due:
            out["weeks_left"] = str((due - today).days // 7)
    return out


# Sample values so the linter and tests can render every `result` template.
SAMPLE_VALUES = {"start": "Tuesday 3 March 2026", "due": "Monday 31 August 2026", "approximate": "",
                 "with_extension": "Tuesday 17 March 2026", "closed_day": "Friday 25 December 2026",
                 "police_start": "", "holiday_noon": "Monday 28 December 2026 at midday",
                 "not_sure": "", "planned": "", "passed": "", "weeks_left": "20"}   # not_sure: set by actions/dates.py for dates/appeal-interim
