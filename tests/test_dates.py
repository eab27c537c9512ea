"""Dates as mothers write them, working days, and the deadlines worked out from them.

Expected dates are worked out by hand from the calendar (weekdays and England and
Wales bank holidays), not by the code under test.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot import deadlines as dl
from bot.dates import (AMBIGUOUS, IMPOSSIBLE, LONDON, MISSING, TOO_FAR, add_working_days, find_date,
                       format_date, format_datetime, is_working_day, working_days_between)

TODAY = date(2026, 11, 26)  # a Thursday


@pytest.mark.parametrize("text, expected", [
    ("03/04/2026", date(2026, 4, 3)),                # day first: 3 April
    ("it was issued on 3/4/26", date(2026, 4, 3)),
    ("3rd March", date(2026, 3, 3)),                 # no year: this year
    ("3 march 26", date(2026, 3, 3)),
    ("the 14th of last month", date(2026, 10, 14)),
    ("march 3rd 2026", date(2026, 3, 3)),
    ("2026-03-03", date(2026, 3, 3)),
    ("12.02.26", date(2026, 2, 12)),
    ("monday", date(2026, 11, 23)),                  # the most recent Monday
    ("on monday", date(2026, 11, 23)),
    ("last friday", date(2026, 11, 20)),
    ("next tuesday", date(2026, 12, 1)),
    ("thursday", TODAY),                             # today is a Thursday
    ("tomorrow", date(2026, 11, 27)),
    ("2moro", date(2026, 11, 27)),
    ("yesterday", date(2026, 11, 25)),
    ("yday", date(2026, 11, 25)),
    ("in 2 weeks", date(2026, 12, 10)),
    ("two weeks ago", date(2026, 11, 12)),
    ("3 days ago", date(2026, 11, 23)),
    ("ＩＴ　ＷＡＳ　３/４/２６", date(2026, 4, 3)),       # full-width characters from some phones
])
def test_dates_written_the_way_people_in_england_write_them(text, expected):
    result = find_date(text, TODAY)
    assert (result.date, result.problem) == (expected, None)


@pytest.mark.parametrize("text, problem", [
    ("31/02/2026", IMPOSSIBLE),
    ("31/02", IMPOSSIBLE),
    ("5/13/2026", IMPOSSIBLE),        # never read in the US order
    ("30th february", IMPOSSIBLE),
    ("next year sometime", AMBIGUOUS),
    ("in march", AMBIGUOUS),
    ("a few weeks ago", AMBIGUOUS),
    ("1/1/2035", TOO_FAR),
    ("in 9999 years", TOO_FAR),
    ("", MISSING),
    ("when do i have to appeal", MISSING),
    ("26 weeks", MISSING),            # a length of time is not a date
    ("{{ 7*7 }}", MISSING),
    ("😭😭", MISSING),
    ("x" * 100_000, MISSING),
])
def test_dates_that_cannot_be_used_say_why(text, problem):
    assert find_date(text, TODAY).problem == problem


def test_gov_uk_date_style_has_the_weekday_and_no_ordinals_or_leading_zeros():
    assert format_date(date(2026, 9, 1)) == "Tuesday 1 September 2026"
    assert format_datetime(datetime(2026, 3, 31, 11, 0, tzinfo=LONDON)) == "Tuesday 31 March 2026 at 11am"
    assert format_datetime(datetime(2026, 3, 31, 12, 0, tzinfo=LONDON)) == "Tuesday 31 March 2026 at midday"


@pytest.mark.parametrize("day, working", [
    (date(2026, 12, 25), False),  # Christmas Day
    (date(2026, 12, 28), False),  # Boxing Day falls on a Saturday: Monday is the holiday
    (date(2026, 12, 29), True),
    (date(2027, 1, 1), False),    # New Year's Day
    (date(2026, 4, 3), False),    # Good Friday
    (date(2026, 4, 6), False),    # Easter Monday
    (date(2026, 5, 4), False),    # early May
    (date(2026, 5, 25), False),   # late May
    (date(2026, 8, 31), False),   # August (England, not Scotland)
    (date(2026, 8, 3), True),     # Scotland's August holiday is not England's
    (date(2026, 11, 28), False),  # a Saturday
    (date(2026, 11, 30), True),   # St Andrew's Day is not a holiday in England
])
def test_working_days_are_weekdays_that_are_not_england_bank_holidays(day, working):
    assert is_working_day(day) is working


@pytest.mark.parametrize("kind, start, due", [
    # 26 weeks beginning with the issue day (s32(1)(a)(ii)): the issue day is day 1.
    (dl.PROCEEDINGS, date(2026, 3, 3), date(2026, 8, 31)),
    # 21 days, across the end of February in a leap year and in an ordinary one; both
    # 21st days fall at a weekend, when the court office is closed, so Monday (FPR 2.9).
    (dl.APPEAL, date(2028, 2, 20), date(2028, 3, 13)),
    (dl.APPEAL, date(2027, 2, 20), date(2027, 3, 15)),
    # 15 working days across Christmas, Boxing Day (substitute) and New Year.
    (dl.ICPC, date(2026, 12, 18), date(2027, 1, 13)),
    # 10 working days across Good Friday and Easter Monday.
    (dl.CORE_GROUP, date(2026, 3, 26), date(2026, 4, 13)),
    # 10 working days across the late May and the August bank holidays.
    (dl.CORE_GROUP, date(2026, 5, 22), date(2026, 6, 8)),
    (dl.CORE_GROUP, date(2026, 8, 28), date(2026, 9, 14)),
    # 3 calendar months: the end of November lands on the last day of February.
    (dl.REVIEW, date(2026, 11, 30), date(2027, 2, 28)),
    (dl.REVIEW, date(2027, 11, 30), date(2028, 2, 29)),
    # Up to 8 days, including the day the order is made.
    (dl.EPO, date(2026, 3, 3), date(2026, 3, 10)),
    # 45 working days from 1 December 2026: 20 in the rest of December (22 weekdays
    # less the 25th and 28th), 20 in January 2027 (21 less the 1st), so the 45th is
    # the 5th working day of February.
    (dl.ASSESSMENT, date(2026, 12, 1), date(2027, 2, 5)),
])
def test_deadlines_across_holidays_and_leap_years(kind, start, due):
    assert dl.compute(kind, start).due == due


def test_police_protection_is_72_real_hours_across_the_clock_changes():
    spring = dl.compute(dl.POLICE, datetime(2026, 3, 28, 10, 0, tzinfo=LONDON))  # clocks go forward 29 March
    assert spring.due == datetime(2026, 3, 31, 11, 0, tzinfo=LONDON)
    autumn = dl.compute(dl.POLICE, datetime(2026, 10, 24, 10, 0, tzinfo=LONDON))  # clocks go back 25 October
    assert autumn.due == datetime(2026, 10, 27, 9, 0, tzinfo=LONDON)


def test_what_each_result_says_beyond_the_due_date():
    epo = dl.values(dl.compute(dl.EPO, date(2026, 3, 3)))
    assert epo["with_extension"] == "Tuesday 17 March 2026"
    review = dl.values(dl.compute(dl.REVIEW, date(2026, 3, 3)))
    assert review["due"] == "Wednesday 3 June 2026" and "next_review" not in review
    police = dl.values(dl.compute(dl.POLICE, date(2026, 3, 3)))
    assert police["approximate"] and police["due"] == "Friday 6 March 2026"


def test_an_event_still_to_come_is_the_wrong_direction():
    assert dl.direction_problem(dl.APPEAL, TODAY + timedelta(days=7), TODAY) == "future"
    assert dl.direction_problem(dl.APPEAL, TODAY, TODAY) is None


@settings(max_examples=300, deadline=None)
@given(start=st.dates(min_value=date(2020, 1, 1), max_value=date(2035, 12, 31)), n=st.integers(0, 80))
def test_adding_working_days_then_counting_back_gives_the_start(start, n):
    end = add_working_days(start, n)
    assert working_days_between(start, end) == n
    assert working_days_between(end, start) == -n
    if n:
        assert is_working_day(end)  # never a weekend or a bank holiday


@pytest.mark.parametrize("kind", dl.KINDS)
def test_every_deadline_item_asks_for_its_date_and_renders_its_result(content, renderer, kind):
    from bot.render import Channel

    item = content.item(kind)
    assert item.ask.endswith("?") or "?" in item.ask, f"{kind}: `ask` should be a question"
    for channel in Channel:
        text = renderer.field(item, "result", channel, dl.SAMPLE_VALUES)
        assert dl.SAMPLE_VALUES["start"] in text and dl.SAMPLE_VALUES["due"] in text, (kind, channel)
        assert "{{" not in text and "{%" not in text
