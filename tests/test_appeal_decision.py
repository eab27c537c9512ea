"""The appeal question "final or interim?" in the deadline form (actions/dates.py).

An interim order may have a shorter time limit than 21 days (the 2010 FPR r30.4(3) gave
7 days for interim care orders; the current rule is UNVERIFIED), so after the date the
form asks, and an interim or "not sure" answer never gets the 21-day date as its answer.
Dates are relative to today, so these tests never go stale.
"""
from __future__ import annotations

from datetime import timedelta

import pytest

from actions.dates import (DECISION, DECISION_ITEM, FINAL, FINAL_ITEM, INTERIM, INTERIM_ITEM, NOT_ASKED, NOT_SURE,
                           ActionAskAppealDecision, ActionDeadlineResult, ActionDeadlineStart, ValidateDeadlineForm,
                           read_decision)
from bot.content import intent_for
from bot.dates import format_date, today_in_london
from bot.deadlines import APPEAL, EPO, PROCEEDINGS, compute
from tests.helpers import ids, make_tracker, run_action

TODAY = today_in_london()


def numeric(d):
    return f"{d.day}/{d.month}/{d.year}"


def test_an_appeal_date_is_kept_and_the_form_goes_on_to_ask_final_or_interim():
    decided = TODAY - timedelta(days=3)
    tracker = make_tracker("dates_appeal_deadline", {"deadline_kind": APPEAL},
                           text=f"judge decided on {numeric(decided)} how long to appeal")
    messages, slots = run_action(ValidateDeadlineForm(), tracker)
    assert messages == [] and slots == {"deadline_date": decided.isoformat(), "police_start": "not_asked"}
    # appeal_decision is still empty, so the form asks it next


@pytest.mark.parametrize("kind", [PROCEEDINGS, EPO])
def test_other_deadlines_never_ask_it(kind):
    started = TODAY - timedelta(days=3)
    tracker = make_tracker(intent_for(kind), {"deadline_kind": kind}, text=f"on {numeric(started)}")
    _, slots = run_action(ValidateDeadlineForm(), tracker)
    assert slots["deadline_date"] == started.isoformat() and slots[DECISION] == NOT_ASKED


def test_the_question_has_a_button_for_each_answer_and_for_not_sure(content):
    messages, _ = run_action(ActionAskAppealDecision(), make_tracker("", {"deadline_kind": APPEAL}))
    assert ids(messages) == [DECISION_ITEM]
    assert "final decision, or an interim (short-term) one?" in messages[0]["text"]
    payloads = [b["payload"] for b in messages[0]["buttons"]]
    assert payloads == ["/" + intent_for(FINAL_ITEM), "/" + intent_for(INTERIM_ITEM), "/dont_know"]
    assert content.item(DECISION_ITEM).asked is False


@pytest.mark.parametrize("intent, text, decision", [
    (intent_for(INTERIM_ITEM), "/dates_appeal_interim", INTERIM),
    (intent_for(FINAL_ITEM), "/dates_appeal_final", FINAL),
    ("dont_know", "no idea", NOT_SURE),
    ("nlu_fallback", "erm", NOT_SURE),
    ("stage_interim_care_order", "it was an ico", INTERIM),
    ("stage_final_hearing", "not final there is another hearing", INTERIM),
    ("dates_appeal_interim", "its not interim its the final order", FINAL),
])
def test_her_answer_fills_the_decision(intent, text, decision):
    slots = {"deadline_kind": APPEAL, "deadline_date": TODAY.isoformat(), "requested_slot": DECISION}
    messages, filled = run_action(ValidateDeadlineForm(), make_tracker(intent, slots, text=text))
    assert messages == [] and filled == {DECISION: decision}


@pytest.mark.parametrize("intent", ["safety_crisis", "rights_legal_aid", "dates_epo_end"])
def test_another_message_while_asked_lets_its_own_answer_come(intent):
    slots = {"deadline_kind": APPEAL, "deadline_date": TODAY.isoformat(), "requested_slot": DECISION}
    assert run_action(ValidateDeadlineForm(), make_tracker(intent, slots, text="something else")) == ([], {})


def test_saying_interim_before_the_date_is_kept_and_the_date_is_still_asked():
    slots = {"deadline_kind": APPEAL, "requested_slot": "deadline_date"}
    _, filled = run_action(ValidateDeadlineForm(), make_tracker(intent_for(INTERIM_ITEM), slots, text="interim"))
    assert filled == {DECISION: INTERIM}


def test_a_fresh_question_forgets_the_last_answer():
    _, slots = run_action(ActionDeadlineStart(), make_tracker("dates_appeal_deadline", text="decided yesterday"))
    assert slots[DECISION] is None


def _result(decision, decided):
    slots = {"deadline_kind": APPEAL, "deadline_date": decided.isoformat(), DECISION: decision}
    return run_action(ActionDeadlineResult(), make_tracker("", slots))


def test_a_final_decision_gets_the_21_day_date():
    decided = TODAY - timedelta(days=2)
    messages, slots = _result(FINAL, decided)
    assert ids(messages) == [APPEAL] and messages[0]["metadata"]["part"] == "result"
    assert format_date(compute(APPEAL, decided).due) in messages[0]["text"]
    assert slots[DECISION] is None and slots["last_item"] == APPEAL


def test_an_interim_decision_is_told_the_limit_may_be_shorter_and_gets_no_21_day_date():
    decided = TODAY - timedelta(days=2)
    messages, slots = _result(INTERIM, decided)
    assert ids(messages) == [INTERIM_ITEM] and messages[0]["metadata"]["part"] == "result"
    text = messages[0]["text"]
    assert "may be shorter" in text and "ask your solicitor today" in text.lower()
    assert format_date(compute(APPEAL, decided).due) not in text
    assert slots["last_item"] == INTERIM_ITEM and slots[DECISION] is None


def test_not_sure_is_told_to_act_as_if_it_is_short_and_given_the_final_date_only_as_the_latest():
    decided = TODAY - timedelta(days=2)
    messages, _ = _result(NOT_SURE, decided)
    text = messages[0]["text"]
    assert ids(messages) == [INTERIM_ITEM] and "act as if the time is short" in text
    assert f"If it was a final decision, you usually have until {format_date(compute(APPEAL, decided).due)}" in text


def test_the_interim_answer_points_to_more_about_appealing(content):
    follow_ups = content.item(INTERIM_ITEM).follow_ups
    assert ("stage/appeal-interim" if "stage/appeal-interim" in content.items else "stage/appeal") in follow_ups


@pytest.mark.parametrize("text, decision", [("not the final one", INTERIM), ("just for now", INTERIM),
                                            ("final hearing", FINAL), ("end of the case", FINAL)])
def test_her_own_words_are_read_when_the_classifier_is_unsure(text, decision):
    assert read_decision("nlu_fallback", text) == decision


@pytest.mark.parametrize("said, decision", [("the judge made the final order on {d}, how long to appeal", FINAL),
                                            ("interim care order made {d} can i appeal", INTERIM)])
def test_final_or_interim_in_the_first_message_answers_the_question_too(said, decision):
    decided = TODAY - timedelta(days=4)
    tracker = make_tracker("dates_appeal_deadline", {"deadline_kind": APPEAL}, text=said.format(d=numeric(decided)))
    _, slots = run_action(ValidateDeadlineForm(), tracker)
    assert slots == {"deadline_date": decided.isoformat(), DECISION: decision, "police_start": "not_asked"}
