"""The EPO question "did the police take your child first?" in the deadline form.

Where an emergency protection order follows police protection, the 8 days count from the
first day of police protection (Children Act 1989 s45(3); legal review finding 3), so the
end can be earlier than counting from the order. After the order's date the form asks,
and her answer changes the date she is given. Dates are relative to today.
"""
from __future__ import annotations

from datetime import timedelta

import pytest

from actions.dates import (DECISION, NO_POLICE, NOT_ASKED, NOT_SURE, POLICE, POLICE_ITEM, ActionAskPoliceStart,
                           ActionDeadlineResult, ActionDeadlineStart, ValidateDeadlineForm)
from bot.content import intent_for
from bot.dates import format_date, today_in_london
from bot.deadlines import APPEAL, EPO, PROCEEDINGS
from tests.helpers import ids, make_tracker, run_action

TODAY = today_in_london()
ORDER = TODAY - timedelta(days=2)


def numeric(d):
    return f"{d.day}/{d.month}/{d.year}"


def asked(intent, text, **slots):
    state = {"deadline_kind": EPO, "deadline_date": ORDER.isoformat(), DECISION: NOT_ASKED,
             "requested_slot": POLICE, **slots}
    return run_action(ValidateDeadlineForm(), make_tracker(intent, state, text=text))


def test_after_the_order_date_the_police_question_is_still_to_ask():
    tracker = make_tracker(intent_for(EPO), {"deadline_kind": EPO}, text=f"epo made {numeric(ORDER)}")
    _, slots = run_action(ValidateDeadlineForm(), tracker)
    assert slots == {"deadline_date": ORDER.isoformat(), DECISION: NOT_ASKED}   # police_start left to ask


@pytest.mark.parametrize("kind", [PROCEEDINGS, APPEAL])
def test_other_deadlines_never_ask_it(kind):
    tracker = make_tracker(intent_for(kind), {"deadline_kind": kind}, text=f"on {numeric(ORDER)}")
    _, slots = run_action(ValidateDeadlineForm(), tracker)
    assert slots[POLICE] == NOT_ASKED


def test_the_question_offers_no_and_not_sure(content):
    messages, _ = run_action(ActionAskPoliceStart(), make_tracker("", {"deadline_kind": EPO}))
    assert ids(messages) == [POLICE_ITEM]
    assert "Did the police take your child before the court made the order?" in messages[0]["text"]
    assert [b["title"] for b in messages[0]["buttons"]] == ["No, they did not", "I'm not sure"]
    assert content.item(POLICE_ITEM).asked is False


@pytest.mark.parametrize("intent, text, answer", [
    ("keep_going", "/keep_going", NO_POLICE),                    # the "No, they did not" button
    ("keep_going", "no they didnt", NO_POLICE),
    ("nlu_fallback", "nah", NO_POLICE),
    ("dont_know", "/dont_know", NOT_SURE),
    ("nlu_fallback", "no idea tbh", NOT_SURE),
    ("stage_police_protection", "i cant remember", NOT_SURE),
])
def test_her_answer_without_a_day(intent, text, answer):
    messages, slots = asked(intent, text)
    assert messages == [] and slots == {POLICE: answer}


def test_a_day_just_before_the_order_is_kept():
    first = ORDER - timedelta(days=1)
    _, slots = asked("stage_police_protection", f"yes they took him on {numeric(first)}")
    assert slots == {POLICE: first.isoformat()}


@pytest.mark.parametrize("days_before", [6, -1])
def test_a_day_that_cannot_be_police_protection_before_this_order_is_not_counted_from(days_before):
    # Police protection lasts 72 hours at most, and it comes before the order, not after.
    _, slots = asked("stage_police_protection", f"on {numeric(ORDER - timedelta(days=days_before))}")
    assert slots == {POLICE: NOT_SURE}


def test_yes_without_a_day_is_asked_for_the_day():
    messages, slots = asked("keep_going", "yes they did")
    assert ids(messages) == ["dates/date-missing"] and POLICE not in slots


@pytest.mark.parametrize("intent", ["safety_crisis", "rights_legal_aid"])
def test_another_message_while_asked_lets_its_own_answer_come(intent):
    assert asked(intent, "something else") == ([], {})


def _result(police):
    slots = {"deadline_kind": EPO, "deadline_date": ORDER.isoformat(), DECISION: NOT_ASKED, POLICE: police}
    return run_action(ActionDeadlineResult(), make_tracker("", slots))


def test_with_police_first_the_end_counts_from_the_day_they_took_the_child():
    first = ORDER - timedelta(days=2)
    messages, slots = _result(first.isoformat())
    text = messages[0]["text"]
    assert ids(messages) == [EPO] and messages[0]["metadata"]["part"] == "result"
    assert f"the police took your child first, on {format_date(first)}" in text
    # 8 days counting the first day of police protection: its 8th day is the last.
    assert f"until {format_date(first + timedelta(days=7))} at the most" in text
    assert slots[POLICE] is None


@pytest.mark.parametrize("police", [NO_POLICE, NOT_SURE])
def test_without_police_first_the_end_counts_from_the_order(police):
    text = _result(police)[0][0]["text"]
    assert f"until {format_date(ORDER + timedelta(days=7))} at the most" in text
    assert "If the police took your child first" in text


def test_a_fresh_question_forgets_the_last_answer():
    _, slots = run_action(ActionDeadlineStart(), make_tracker(intent_for(EPO), text="epo made yesterday"))
    assert slots[POLICE] is None
