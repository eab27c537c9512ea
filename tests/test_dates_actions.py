"""The deadline conversation, action by action: one reply when the date is in her
message; otherwise a question, a kind re-ask for a date that cannot be used, and the
result in GOV.UK style. Dates are relative to today, so the tests never go stale."""
from __future__ import annotations

from datetime import timedelta

import pytest

from actions.dates import (ActionAskDeadlineDate, ActionDeadlineResult, ActionDeadlineStart,
                           ValidateDeadlineForm)
from bot.dates import format_date, today_in_london
from bot.deadlines import APPEAL, PROCEEDINGS
from tests.helpers import ids, make_tracker, run_action

TODAY = today_in_london()


def numeric(d):
    return f"{d.day}/{d.month}/{d.year}"


def answering(text, intent="nlu_fallback", kind=APPEAL, tries=0):
    slots = {"deadline_kind": kind, "requested_slot": "deadline_date", "deadline_tries": tries}
    return make_tracker(intent, slots, text=text)


def test_a_date_in_the_first_message_fills_the_form_at_once():
    decided = TODAY - timedelta(days=3)
    tracker = make_tracker("dates_appeal_deadline", {"deadline_kind": APPEAL},
                           text=f"the judge decided on {numeric(decided)} how long to appeal")
    messages, slots = run_action(ValidateDeadlineForm(), tracker)
    assert messages == [] and slots["deadline_date"] == decided.isoformat()


def test_without_a_date_the_start_explains_and_the_form_asks():
    messages, slots = run_action(ActionDeadlineStart(), make_tracker("dates_appeal_deadline", text="how long to appeal"))
    assert ids(messages) == [APPEAL] and slots["deadline_kind"] == APPEAL
    messages, _ = run_action(ActionAskDeadlineDate(), make_tracker("", {"deadline_kind": APPEAL}))
    assert ids(messages) == [APPEAL] and messages[0]["metadata"]["part"] == "ask"
    assert [b["payload"] for b in messages[0]["buttons"]] == ["/dont_know"]


def test_with_a_date_the_start_says_nothing_so_the_answer_is_one_reply():
    messages, _ = run_action(ActionDeadlineStart(), make_tracker("dates_appeal_deadline", text="decided yesterday"))
    assert messages == []


def test_the_result_confirms_the_date_and_says_the_deadline_with_the_weekday():
    issued = TODAY - timedelta(days=10)
    tracker = make_tracker("", {"deadline_kind": PROCEEDINGS, "deadline_date": issued.isoformat()})
    messages, slots = run_action(ActionDeadlineResult(), tracker)
    # 26 weeks counting the issue day (facts brief, corrections): the day before 26 weeks on.
    due = issued + timedelta(weeks=26) - timedelta(days=1)
    assert ids(messages) == [PROCEEDINGS] and messages[0]["metadata"]["part"] == "result"
    text = messages[0]["text"]
    assert f"issued on {format_date(issued)}" in text and format_date(due) in text
    assert "legal time limit" in text and "solicitor" in text
    assert slots["deadline_due"] == due.isoformat() and slots["deadline_date"] is None


def test_the_result_on_sms_is_the_same_short_answer():
    issued = TODAY - timedelta(days=10)
    tracker = make_tracker("", {"deadline_kind": PROCEEDINGS, "deadline_date": issued.isoformat()}, channel="sms")
    messages, _ = run_action(ActionDeadlineResult(), tracker)
    assert format_date(issued + timedelta(weeks=26) - timedelta(days=1)) in messages[0]["text"]


@pytest.mark.parametrize("text, item", [
    ("31/02", "dates/date-impossible"),
    ("next year sometime", "dates/date-unclear"),
    ("1/1/2035", "dates/date-far"),
    ("asdfgh", "dates/date-missing"),
])
def test_a_date_that_cannot_be_used_gets_a_kind_re_ask(text, item):
    messages, slots = run_action(ValidateDeadlineForm(), answering(text))
    assert ids(messages) == [item]
    assert slots["deadline_date"] is None and slots["deadline_tries"] == 1


def test_a_decision_still_to_come_is_the_wrong_direction_for_an_appeal():
    messages, slots = run_action(ValidateDeadlineForm(), answering(numeric(TODAY + timedelta(days=7))))
    assert ids(messages) == ["dates/date-future"] and slots["deadline_date"] is None


def test_after_three_tries_or_not_knowing_the_bot_stops_asking_kindly():
    _, slots = run_action(ValidateDeadlineForm(), answering("asdf", tries=2))
    assert slots["deadline_date"] == "none"
    _, slots = run_action(ValidateDeadlineForm(), answering("no idea", intent="dont_know"))
    assert slots["deadline_date"] == "none"
    messages, _ = run_action(ActionDeadlineResult(), make_tracker("", {"deadline_kind": APPEAL, "deadline_date": "none"}))
    assert ids(messages) == ["dates/no-date"]


@pytest.mark.parametrize("intent", ["safety_crisis", "stage_icpc", "dates_proceedings_deadline"])
def test_another_question_while_asked_for_a_date_is_answered_as_usual(intent):
    # Nothing filled: the form steps aside and that intent's own rule answers.
    messages, slots = run_action(ValidateDeadlineForm(), answering("what is a conference", intent=intent))
    assert messages == [] and slots == {}


def test_a_safety_message_with_a_date_in_it_still_steps_aside():
    messages, slots = run_action(ValidateDeadlineForm(), answering("i want to die it was 3/3/26", "safety_crisis"))
    assert messages == [] and slots == {}
