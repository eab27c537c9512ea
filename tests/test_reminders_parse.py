"""Reading a reminder request, when its texts go (across the clock change), and the key."""
from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from bot.dates import LONDON, format_datetime
from bot.reminders import parse, schedule
from bot.reminders.dialogue import uk_mobile
from bot.reminders.secret import DEV_ONLY_KEY, KeyMissing, NumberBox, new_key

NOW = datetime(2026, 12, 10, 12, 0, tzinfo=LONDON)   # a Thursday


@pytest.mark.parametrize("text, kind, when", [
    ("remind me about my conference on 14 January at 10am", "conference", "Thursday 14 January 2027 at 10am"),
    ("core group meeting tuesday at 2", "core_group", "Tuesday 15 December 2026 at 2pm"),
    ("remind me, hearing 3/2/27 at 14:00", "hearing", "Wednesday 3 February 2027 at 2pm"),
    ("contact 2moro at half 3", "contact", "Friday 11 December 2026 at 3:30pm"),
    ("family group conference on the 20th at 11 in the morning", "meeting", "Sunday 20 December 2026 at 11am"),
    ("my meeting is next monday 9.30am", "meeting", "Monday 14 December 2026 at 9:30am"),
    ("appt with solicitor 15 dec at noon", "appointment", "Tuesday 15 December 2026 at midday"),
    ("remind me on 18th December at 3 o'clock", None, "Friday 18 December 2026 at 3pm"),
    ("cp conf 14.01.2027 10:30", "conference", "Thursday 14 January 2027 at 10:30am"),
])
def test_a_request_gives_the_kind_and_the_london_time(text, kind, when):
    found = parse.read(text, NOW)
    assert found.problem is None, found
    assert found.kind == kind and format_datetime(found.when) == when


@pytest.mark.parametrize("text, problem", [
    ("remind me about my conference on 14 January", parse.NO_TIME),
    ("remind me about my conference at 10am", parse.NO_DATE),
    ("remind me about my meeting on 31 February at 10am", parse.BAD_DATE),
    ("remind me about my meeting on 14 January at 25:00", parse.BAD_TIME),
    ("remind me about my meeting on 14 January at 13pm", parse.BAD_TIME),
    ("remind me about my meeting on 5 December at 10am", parse.PAST),      # five days ago, not next year
    ("remind me about court on 14 January 2025 at 10am", parse.PAST),
    ("remind me about my meeting today at 9am", parse.PAST),              # earlier today
    ("remind me about my meeting on 14 January 2030 at 10am", parse.TOO_FAR),
])
def test_bad_input_is_named_so_it_can_be_asked_again_kindly(text, problem):
    assert parse.read(text, NOW).problem == problem


def test_a_bare_number_is_never_a_time_and_questions_are_not_requests():
    assert parse.find_time("my conference on 14 January") == (None, parse.NO_TIME)
    assert parse.find_time("it's in 3 weeks") == (None, parse.NO_TIME)
    assert not parse.is_request("can you remind me what a core group is")
    assert parse.is_request("can u text me the day before my hearing")
    assert parse.is_request("set a reminder for contact")


def test_texts_go_at_5pm_the_evening_before_and_optionally_on_the_morning():
    event = parse.at_london(date(2027, 1, 14), 10 * 60)
    plan = schedule.plan(event, NOW, morning=True)
    assert format_datetime(plan.evening) == "Wednesday 13 January 2027 at 5pm"
    assert format_datetime(plan.morning) == "Thursday 14 January 2027 at 7:30am"
    assert schedule.plan(event, NOW).morning is None                # only when asked for
    early = parse.at_london(date(2027, 1, 14), 8 * 60 + 30)
    assert format_datetime(schedule.morning_of(early)) == "Thursday 14 January 2027 at 7am"
    assert schedule.morning_of(parse.at_london(date(2027, 1, 14), 8 * 60)) is None
    late_evening = datetime(2027, 1, 13, 19, 0, tzinfo=LONDON)       # asked for after 5pm the day before
    plan = schedule.plan(event, late_evening)
    assert plan.evening is None and plan.morning is not None          # the morning one instead


def test_times_are_london_across_the_spring_clock_change():
    # Asked for in January (GMT); the meeting is after the clocks go forward on 28 March 2027.
    event = parse.at_london(date(2027, 3, 29), 9 * 60)
    assert event.astimezone(timezone.utc) == datetime(2027, 3, 29, 8, 0, tzinfo=timezone.utc)
    evening = schedule.evening_before(event)
    assert evening.astimezone(timezone.utc) == datetime(2027, 3, 28, 16, 0, tzinfo=timezone.utc)  # 5pm BST
    assert format_datetime(evening) == "Sunday 28 March 2027 at 5pm"
    # The hour the clocks skip is moved on, as the clocks are.
    assert parse.at_london(date(2027, 3, 28), 90).astimezone(timezone.utc).hour == 1


def test_times_are_london_across_the_autumn_clock_change():
    event = parse.at_london(date(2027, 11, 1), 10 * 60)                  # the day after the clocks go back
    assert event.astimezone(timezone.utc).hour == 10
    evening = schedule.evening_before(event)
    assert evening.astimezone(timezone.utc) == datetime(2027, 10, 31, 17, 0, tzinfo=timezone.utc)  # 5pm GMT
    sunday = parse.at_london(date(2027, 10, 31), 9 * 60)                  # on the day of the change
    assert schedule.evening_before(sunday).astimezone(timezone.utc) == datetime(2027, 10, 30, 16, 0, tzinfo=timezone.utc)


def test_quiet_hours_are_london_hours():
    assert schedule.is_quiet(datetime(2027, 6, 1, 20, 30, tzinfo=timezone.utc))    # 9:30pm BST
    assert not schedule.is_quiet(datetime(2027, 6, 1, 6, 30, tzinfo=timezone.utc))  # 7:30am BST
    assert schedule.is_quiet(datetime(2027, 1, 5, 6, 30, tzinfo=timezone.utc))      # 6:30am GMT


@pytest.mark.parametrize("typed, number", [
    ("07700 900123", "+447700900123"), ("+44 (0)7700-900123", "+447700900123"),
    ("447700900123", "+447700900123"), ("0044 7700 900123", "+447700900123"),
    ("020 7946 0000", None), ("0770090012", None), ("my number is 07700900123", None),
])
def test_only_uk_mobile_numbers_are_taken(typed, number):
    assert uk_mobile(typed) == number


def test_the_number_is_locked_and_production_refuses_to_start_without_a_key():
    key = new_key()
    box = NumberBox([key])
    token = box.lock("+447700900123")
    assert "7700900123" not in token and box.unlock(token) == "+447700900123"
    assert NumberBox([new_key(), key]).unlock(token) == "+447700900123"   # keys can be changed
    assert NumberBox([new_key()]).unlock(token) is None
    with pytest.raises(KeyMissing):
        NumberBox.from_env({"BOT_ENV": "production"})
    assert NumberBox.from_env({"BOT_ENV": "production", "REMINDER_KEY": key}).unlock(token)
    assert NumberBox.from_env({}).unlock(NumberBox([DEV_ONLY_KEY]).lock("x")) == "x"   # development only
    with pytest.raises(ValueError, match="Fernet"):
        NumberBox.from_env({"REMINDER_KEY": "not-a-key"})
