"""The answer path inside the Rasa server (bot/in_process.py): the steps of a plan are
sent one `utter_answer` at a time, then she is listened to, with her place recorded."""
from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
import yaml
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.resource import Resource
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, ActionExecutionRejected, ActiveLoop, SlotSet, UserUttered
from rasa.shared.core.slots import AnySlot
from rasa.shared.core.trackers import DialogueStateTracker

from bot import in_process
from bot import rasa_files
from bot.rasa_files import NLG_ENDPOINT

ROOT = Path(__file__).resolve().parent.parent
SLOTS = list(yaml.safe_load((ROOT / "domain.yml").read_text())["slots"])
DOMAIN = Domain.from_dict({
    "actions": ["action_weeks_left"],
    "forms": {"deadline_form": {"required_slots": []}},
    "responses": {"utter_answer": [{"text": "placeholder"}], "utter_safety_crisis": [{"text": "crisis words"}]},
})


def tracker_after(intent: str, text: str, answers_sent: int, *events) -> DialogueStateTracker:
    slots = [AnySlot(name, mappings=[{"type": "custom"}], influence_conversation=False) for name in SLOTS]
    return DialogueStateTracker.from_events(f"t-{intent}-{answers_sent}-{len(events)}", [
        *events, ActionExecuted("action_listen"), UserUttered(text, {"name": intent, "confidence": 1.0}),
        *[ActionExecuted("utter_answer") for _ in range(answers_sent)]], slots)


def predicted(tracker: DialogueStateTracker):
    policy = in_process.PlanSteps(in_process.PlanSteps.get_default_config(), None, Resource("plan"),
                                  ExecutionContext(GraphSchema({}), "test"))
    prediction = policy.predict_action_probabilities(tracker, DOMAIN)
    best = max(prediction.probabilities)
    action = DOMAIN.action_names_or_texts[prediction.probabilities.index(best)] if best else None
    return action, {e.key: e.value for e in prediction.events if isinstance(e, SlotSet)}


def test_a_first_stage_is_sent_with_the_not_a_lawyer_line_then_she_is_heard():
    # Her first stage: the stage, then once per conversation the not-a-lawyer line.
    assert predicted(tracker_after("stage_icpc", "what is a conference", 1)) == ("utter_answer", {})
    action, slots = predicted(tracker_after("stage_icpc", "what is a conference", 2))
    assert action == "action_listen"
    assert slots["stage"] == "stage/icpc" and slots["last_item"] == "stage/icpc"
    assert slots["stage_history"] == ["stage/icpc"] and "meta/not-a-lawyer" in slots["told"]


def test_a_plain_answer_is_started_by_the_policy_and_everything_else_left_to_the_rules():
    assert predicted(tracker_after("stage_icpc", "what is a conference", 0)) == ("utter_answer", {})
    # Safety replies, dates, navigation and the fallback have their own rules.
    for intent in ("safety_crisis", "dates_appeal_deadline", "nav_next", "nlu_fallback"):
        assert predicted(tracker_after(intent, "something", 0)) == (None, {}), intent


def test_while_a_form_waits_the_form_hears_her_message_first():
    # The form reads her answer first (a stage's words can answer "final or interim?");
    # only once it has turned the message down does her other question get answered.
    asking = ActiveLoop("deadline_form")
    assert predicted(tracker_after("stage_icpc", "what is a conference", 0, asking)) == (None, {})
    assert predicted(moved_on("stage_icpc", "what is a conference", 0, 0))[0] == "utter_answer"


def test_no_plain_answer_has_a_rule_and_every_other_asked_item_has_one(content):
    rules = {rule["steps"][0]["intent"] for rule in rasa_files.rules(content)["rules"]}
    for item in content.items.values():
        if item.asked:
            assert (item.intent in rules) != rasa_files.plain_answer(item), item.id
    assert "stage_icpc" not in rules and "safety_crisis" in rules and "dates_appeal_deadline" in rules


def moved_on(intent: str, text: str, answers_sent: int, times_before: int) -> DialogueStateTracker:
    """A form asked its question, she said something else `times_before` times (each
    answered, then the form asked again), and now once more: answered so far by
    `answers_sent` steps."""
    earlier = []
    for n in range(times_before):
        earlier += [ActionExecuted("action_listen"), UserUttered("something else", {"name": "rights_complain"}),
                    ActionExecutionRejected("deadline_form"), ActionExecuted("utter_answer"),
                    ActionExecuted("deadline_form")]
    slots = [AnySlot(name, mappings=[{"type": "custom"}], influence_conversation=False) for name in SLOTS]
    return DialogueStateTracker.from_events(f"m-{intent}-{answers_sent}-{times_before}", [
        ActionExecuted("deadline_form"), ActiveLoop("deadline_form"), *earlier,
        ActionExecuted("action_listen"), UserUttered(text, {"name": intent, "confidence": 1.0}),
        ActionExecutionRejected("deadline_form"), *[ActionExecuted("utter_answer") for _ in range(answers_sent)]],
        slots)


def test_while_a_form_waits_her_other_question_is_answered_in_full_then_the_form_asks_again():
    # A first stage is two steps (the stage, then the not-a-lawyer line): both are sent,
    # then the form's question again, with her place kept for the next follow-up.
    assert predicted(moved_on("stage_section_47", "what is a section 47", 1, 0))[0] == "utter_answer"
    action, slots = predicted(moved_on("stage_section_47", "what is a section 47", 2, 0))
    assert action == "deadline_form"
    assert slots["last_item"] == "stage/section-47" and slots["stage"] == "stage/section-47"


def test_the_second_time_she_moves_on_the_question_is_dropped_and_she_is_heard():
    tracker = moved_on("rights_legal_aid", "is it free", 1, 1)
    assert predicted(tracker) == ("action_deactivate_loop", {})
    tracker.update(ActionExecuted("action_deactivate_loop"))
    tracker.update(ActiveLoop(None))
    action, slots = predicted(tracker)
    assert action == "action_listen" and slots["last_item"] == "rights/legal-aid"


def test_the_nlg_renders_each_step_for_her_channel_and_leaves_other_responses_to_rasa():
    nlg = in_process.ContentNLG(domain=DOMAIN)
    first = asyncio.run(nlg.generate("utter_answer", tracker_after("stage_icpc", "conference?", 0), "rest"))
    second = asyncio.run(nlg.generate("utter_answer", tracker_after("stage_icpc", "conference?", 1), "rest"))
    assert (first["metadata"]["content_id"], second["metadata"]["content_id"]) == ("stage/icpc", "meta/not-a-lawyer")
    assert "conference" in first["text"].lower() and first["buttons"]
    crisis = asyncio.run(nlg.generate("utter_safety_crisis", tracker_after("safety_crisis", "x", 0), "rest"))
    assert crisis["text"] == "crisis words"


@pytest.mark.parametrize("name", ["endpoints.yml", "endpoints.cluster.yml"])
def test_every_endpoints_file_renders_answers_from_content(name):
    assert yaml.safe_load((ROOT / name).read_text())["nlg"] == yaml.safe_load(NLG_ENDPOINT)["nlg"]
