"""Dates in context (issue 15): a planned meeting, a deadline already passed, weeks left
from today. Expected dates are counted by hand from the rule, never from the code."""
from __future__ import annotations

from datetime import date

from bot.deadlines import CORE_GROUP, PROCEEDINGS, REVIEW, APPEAL, compute, direction_problem, values
from bot.render import Channel


def test_a_planned_conference_is_counted_forward_not_refused():
    today = date(2026, 12, 1)
    friday = date(2026, 12, 4)
    assert direction_problem(CORE_GROUP, friday, today) is None
    assert direction_problem(REVIEW, friday, today) is None
    assert direction_problem(APPEAL, friday, today) == "future"   # a decision still to come is a slip
    # 10 working days from Friday 4 December 2026: Mon 7 ... Fri 18 December.
    assert compute(CORE_GROUP, friday).due == date(2026, 12, 18)


def test_the_planned_wording_says_if_and_the_past_wording_says_was(renderer):
    today = date(2026, 12, 1)
    planned = renderer.message(CORE_GROUP, Channel.WEB, "result", values(compute(CORE_GROUP, date(2026, 12, 4)), today))
    assert planned.text.startswith("If the conference is on Friday 4 December 2026")
    assert "Friday 18 December 2026" in planned.text
    past = renderer.message(CORE_GROUP, Channel.WEB, "result", values(compute(CORE_GROUP, date(2026, 11, 2)), today))
    assert past.text.startswith("So the first conference was on Monday 2 November 2026")


def test_a_deadline_that_has_passed_is_said_to_have_passed(renderer):
    today = date(2026, 12, 1)
    # Decision Monday 10 August 2026: 21 days later is Monday 31 August 2026 (a bank holiday),
    # so the last day is Tuesday 1 September 2026, long gone by December.
    old = values(compute(APPEAL, date(2026, 8, 10)), today)
    assert old["passed"] == "yes"
    assert "passed" in renderer.message(APPEAL, Channel.WEB, "result", old).text
    fresh = values(compute(APPEAL, date(2026, 11, 27)), today)
    assert fresh["passed"] == "" and "passed" not in renderer.message(APPEAL, Channel.WEB, "result", fresh).text


def test_weeks_left_count_from_today():
    # Issued Tuesday 3 March 2026: the 26 weeks end Monday 31 August 2026 (issue day counts).
    deadline = compute(PROCEEDINGS, date(2026, 3, 3))
    assert values(deadline, date(2026, 8, 3))["weeks_left"] == "4"      # 28 days before
    assert values(deadline, date(2026, 8, 31))["weeks_left"] == "0"
    assert values(deadline, date(2026, 9, 1))["weeks_left"] == ""


def test_a_planned_conference_offers_a_reminder_the_reminders_dialogue_understands(monkeypatch):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    import actions.dates
    from actions.dates import ActionDeadlineResult
    from bot.reminders import parse
    from tests.helpers import make_tracker, run_action

    monkeypatch.setattr(actions.dates, "today_in_london", lambda: date(2026, 12, 1))
    planned = make_tracker("", {"deadline_kind": CORE_GROUP, "deadline_date": "2026-12-04"})
    messages, _ = run_action(ActionDeadlineResult(), planned)
    reminder = [b for b in messages[0]["buttons"] if b["payload"].startswith("remind me")]
    assert len(reminder) == 1
    found = parse.read(reminder[0]["payload"], datetime(2026, 12, 1, 12, tzinfo=ZoneInfo("Europe/London")))
    assert found.kind == "conference" and found.day == date(2026, 12, 4) and found.problem == parse.NO_TIME
    past = make_tracker("", {"deadline_kind": CORE_GROUP, "deadline_date": "2026-11-02"})
    messages, _ = run_action(ActionDeadlineResult(), past)
    assert not [b for b in messages[0].get("buttons") or [] if b["payload"].startswith("remind me")]
