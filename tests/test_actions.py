"""Actions send the right items (by content id) and keep her place in the process."""
from __future__ import annotations

import pytest

from actions.privacy import ActionForgetMe
from bot.sms.segments import segments
from tests.helpers import answer_turn, ids, make_tracker, run_action


def test_a_stage_question_answers_with_that_stage_and_remembers_it():
    messages, slots = answer_turn(make_tracker("stage_icpc"))
    # The stage, then (once per conversation) the not-a-lawyer line.
    assert ids(messages) == ["stage/icpc", "meta/not-a-lawyer"]
    assert slots["stage"] == "stage/icpc"
    assert slots["stage_history"] == ["stage/icpc"]
    assert slots["last_item"] == "stage/icpc"


def test_every_asked_item_can_be_answered(content):
    for item in content.items.values():
        if not item.asked:
            continue
        messages, _ = answer_turn(make_tracker(item.intent))
        # The item first; then, for a feeling, the help that fits, and once, after the
        # first stage, the not-a-lawyer line.
        assert ids(messages)[0] == item.id, item.id
        assert set(ids(messages)[1:]) <= {item.then, "meta/not-a-lawyer"}, item.id


def test_a_non_stage_answer_keeps_her_stage():
    messages, slots = answer_turn(make_tracker("rights_legal_aid", {"stage": "stage/icpc"}))
    assert ids(messages) == ["rights/legal-aid"]
    assert "stage" not in slots and slots["last_item"] == "rights/legal-aid"


def test_sms_gets_the_short_form():
    by_sms, _ = answer_turn(make_tracker("stage_icpc", channel="sms"))
    on_web, _ = answer_turn(make_tracker("stage_icpc"))
    text = by_sms[0]["text"]
    assert ids(by_sms)[0] == "stage/icpc" and "conference" in text.lower()
    assert segments(text) <= 3 and text != on_web[0]["text"]   # its own short form, fits her texts
    assert "<" not in text and "**" not in text and "{{" not in text


def test_what_happens_next_follows_the_stage(content):
    expected = content.item("stage/icpc").next[0]
    messages, slots = answer_turn(make_tracker("nav_next", {"stage": "stage/icpc", "stage_history": ["stage/icpc"]}))
    assert ids(messages) == [expected]
    assert slots["stage"] == expected and slots["stage_history"] == ["stage/icpc", expected]


def test_what_happens_next_without_a_stage_offers_the_menu():
    messages, _ = answer_turn(make_tracker("nav_next"))
    assert ids(messages) == ["meta/what-can-you-do"]


def test_go_back_returns_to_where_she_was():
    history = ["stage/section-47", "stage/icpc", "stage/cp-plan"]
    messages, slots = answer_turn(make_tracker("nav_back", {"stage": "stage/cp-plan", "stage_history": history}))
    assert ids(messages) == ["stage/icpc"]
    assert slots["stage"] == "stage/icpc" and slots["stage_history"] == history[:2]


def test_go_back_from_a_first_visit_goes_to_the_stage_before(content):
    messages, slots = answer_turn(make_tracker("nav_back", {"stage": "stage/cp-plan", "stage_history": ["stage/cp-plan"]}))
    assert ids(messages) == ["stage/icpc"]   # the conference that made the plan


def test_go_back_with_nowhere_to_go_offers_the_menu():
    messages, _ = answer_turn(make_tracker("nav_back"))
    assert ids(messages) == ["meta/what-can-you-do"]


def test_rights_here_gives_the_rights_part_of_her_stage():
    messages, _ = answer_turn(make_tracker("nav_rights_here", {"stage": "stage/section-20"}))
    assert ids(messages) == ["stage/section-20"]
    assert messages[0]["metadata"]["part"] == "rights"


def test_rights_here_without_a_stage_gives_the_overview():
    messages, _ = answer_turn(make_tracker("nav_rights_here"))
    assert ids(messages) == ["rights/overview"]


def test_tell_me_more_gives_the_detail_of_the_last_item():
    messages, _ = answer_turn(make_tracker("nav_more", {"last_item": "stage/icpc"}))
    assert ids(messages) == ["stage/icpc"] and messages[0]["metadata"]["part"] == "more"


def test_forget_me_confirms_and_clears_slots():
    tracker = make_tracker("meta_forget_me", {"stage": "stage/icpc"})
    dispatcher_messages, _ = run_action(ActionForgetMe(), tracker)
    assert ids(dispatcher_messages) == ["meta/forget-me"]


def test_an_answer_that_breaks_still_says_something_kind(monkeypatch):
    """The answer path inside the Rasa server: a broken plan gets the kind error item."""
    import asyncio

    from bot import in_process
    from rasa.shared.core.events import ActionExecuted, UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker

    def broken(*args, **kwargs):
        raise RuntimeError("simulated failure")

    monkeypatch.setattr(in_process.answering, "answer", broken)
    tracker = DialogueStateTracker.from_events("broken", [
        ActionExecuted("action_listen"), UserUttered("conference?", {"name": "stage_icpc", "confidence": 1.0})])
    message = asyncio.run(in_process.ContentNLG().generate("utter_answer", tracker, "rest"))
    assert message["metadata"]["content_id"] == "meta/error"


def test_unknown_intent_gets_the_fallback():
    messages, _ = answer_turn(make_tracker("no_such_intent"))
    assert ids(messages) == ["meta/fallback"]
