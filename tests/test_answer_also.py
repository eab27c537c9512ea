"""A safety reply comes first; then the question she also asked is answered."""
from __future__ import annotations

from rasa_sdk import Tracker

from actions.answer import ActionAnswerAlso
from bot import rasa_files
from tests.helpers import ids, run_action


def tracker_with_ranking(*ranking: tuple[str, float]) -> Tracker:
    entries = [{"name": name, "confidence": confidence} for name, confidence in ranking]
    latest = {"intent": entries[0], "intent_ranking": entries, "entities": [], "text": ""}
    events = [{"event": "user", "text": "", "parse_data": latest, "input_channel": "rest"}]
    return Tracker("answer-also", {}, latest, events, False, None, {}, "action_listen")


def test_the_rule_sends_the_safety_reply_then_the_other_answer(content):
    rules = {r["rule"]: r["steps"] for r in rasa_files.rules(content)["rules"]}
    for content_id in ("safety/crisis", "safety/danger", "safety/domestic-abuse"):
        steps = [step.get("action") for step in rules[f"answer {content_id}"] if "action" in step]
        # The safety reply, then any question the bot was waiting on is dropped, then hers.
        assert steps == [rasa_files.response_name(content_id), "action_deactivate_loop", "action_answer_also"], steps


def test_a_question_about_a_hearing_is_answered_after_the_crisis_reply():
    messages, _ = run_action(ActionAnswerAlso(), tracker_with_ranking(
        ("safety_crisis", 1.0), ("stage_irh", 0.62), ("meta_greet", 0.2)))
    assert ids(messages) == ["stage/irh"]


def test_nothing_more_is_said_when_she_asked_nothing_else():
    messages, _ = run_action(ActionAnswerAlso(), tracker_with_ranking(
        ("safety_crisis", 1.0), ("stage_irh", 0.1), ("meta_greet", 0.6)))
    assert messages == []
