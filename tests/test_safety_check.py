"""The pipeline step's decision: phrases win, a sure classifier counts, idioms demote."""
from __future__ import annotations

import yaml

from bot.nlu.safety_check import decide
from tests.conftest import ROOT


def ranking(*pairs):
    return [{"name": n, "confidence": c} for n, c in pairs]


def test_a_phrase_wins_even_when_the_classifier_thinks_otherwise():
    assert decide("when is the irh i just want to die", ranking(("stage_irh", 0.9)), 0.4) == ("safety_crisis", False)


def test_a_sure_classifier_counts_without_a_phrase():
    assert decide("everything is pointless now", ranking(("safety_crisis", 0.7)), 0.4) == ("safety_crisis", False)


def test_an_unsure_classifier_alone_does_not_alarm():
    assert decide("everything is pointless now", ranking(("stage_irh", 0.5), ("safety_crisis", 0.2)), 0.4) == (None, False)


def test_an_idiom_demotes_a_classifier_guess():
    assert decide("this form is murder", ranking(("safety_danger", 0.8), ("stage_icpc", 0.1)), 0.4) == (None, True)


def test_an_unsure_risk_guess_gets_the_check_in_not_the_danger_reply():
    # Below the sure threshold the classifier's guess must not reach the danger rule, but
    # an unsure risk is asked about directly (issue 14's middle tier).
    assert decide("the judge is going to ruin our chances", ranking(("safety_danger", 0.5), ("stage_appeal", 0.3)),
                  0.6) == ("safety_check_in", False)


def test_a_faint_risk_guess_is_dropped():
    assert decide("the judge is going to ruin our chances", ranking(("stage_appeal", 0.6), ("safety_danger", 0.2)),
                  0.4) == (None, False)


def test_a_known_near_miss_drops_a_classifier_guess():
    assert decide("my 2 year old has a plastic knife from the play kitchen", ranking(("safety_danger", 0.9)), 0.4) \
        == (None, True)


def pipeline_after_diet(text: str, *pairs) -> dict:
    """The safety step and then Rasa's own FallbackClassifier, as configured in config.yml."""
    from rasa.nlu.classifiers.fallback_classifier import FallbackClassifier
    from rasa.shared.nlu.training_data.message import Message

    from bot.nlu.safety_check import SafetyCheck

    config = yaml.safe_load((ROOT / "config.yml").read_text())["pipeline"]
    safety_config = next(step for step in config if step["name"].endswith("SafetyCheck"))
    fallback_config = next(step for step in config if step["name"] == "FallbackClassifier")
    message = Message(data={"text": text, "intent": ranking(*pairs)[0], "intent_ranking": ranking(*pairs)})
    SafetyCheck({"classifier_threshold": safety_config["classifier_threshold"]}).process([message])
    FallbackClassifier({**FallbackClassifier.get_default_config(), **fallback_config}).process([message])
    return message.as_dict()


def test_a_crisis_inside_a_clear_question_is_not_swallowed_by_the_fallback():
    # The question part is very clear to the classifier (0.98): the safety reply must still win,
    # and the question stays next in line for action_answer_also.
    parsed = pipeline_after_diet("who sets up letterbox contact, i want to write one last letter before i go",
                                 ("stage_contact", 0.98), ("glossary_letterbox_contact", 0.01))
    assert parsed["intent"]["name"] == "safety_crisis"
    assert [r["name"] for r in parsed["intent_ranking"][:2]] == ["safety_crisis", "stage_contact"]


def test_an_idiom_with_a_question_is_answered_not_alarmed():
    parsed = pipeline_after_diet("this form is murder, when is the icpc",
                                 ("safety_danger", 0.7), ("stage_icpc", 0.25), ("stage_cmh", 0.05))
    assert parsed["intent"]["name"] == "stage_icpc"
    assert parsed["intent"]["confidence"] > 0.8  # the question, as clear as it was without the idiom


def test_her_fear_of_hurting_her_baby_gets_the_harm_thoughts_answer_not_danger():
    # "hurting my baby" is a danger phrase; the classifier hears the fear and is fairly sure.
    assert decide("i keep having thoughts about hurting my baby",
                  ranking(("safety_harm_thoughts", 0.8), ("safety_danger", 0.15)), 0.7) == ("safety_harm_thoughts", False)


def test_harm_already_done_gets_checked_even_when_the_words_are_dangers():
    assert decide("swallowed loads of tablets earlier but im fine now",
                  ranking(("safety_get_checked", 0.75), ("safety_danger", 0.2)), 0.7)[0] == "safety_get_checked"


def test_abuse_happening_to_her_child_now_gets_the_danger_answer():
    assert decide("hes hitting my daughter right now", ranking(("safety_danger", 0.8), ("safety_domestic_abuse", 0.1)),
                  0.7)[0] == "safety_danger"


def test_a_phrase_keeps_its_own_answer_when_the_classifier_is_not_sure_of_another():
    assert decide("i just want to die", ranking(("safety_get_checked", 0.3), ("stage_icpc", 0.3)), 0.7) \
        == ("safety_crisis", False)


def test_an_unsure_sign_of_harm_already_done_gets_checked_rather_than_asked():
    assert decide("had a few of my pills more than i should, im alright",
                  ranking(("safety_get_checked", 0.55), ("stage_icpc", 0.2)), 0.7) == ("safety_get_checked", False)


def test_a_sign_in_one_sentence_counts_though_the_whole_message_is_a_question():
    # "I've sorted who gets my things. What is a conference?": over the whole message the
    # question drowns the sign; in its own sentence it is heard, and she is asked.
    whole = ranking(("stage_icpc", 0.75), ("safety_check_in", 0.08))
    alone = [ranking(("safety_check_in", 0.9), ("stage_icpc", 0.02)), ranking(("stage_icpc", 0.95))]
    text = "ive sorted who gets my things. what is a conference"
    assert decide(text, whole, 0.4) == (None, False)
    assert decide(text, whole, 0.4, alone) == ("safety_check_in", False)
    unsure = [ranking(("safety_crisis", 0.25), ("safety_check_in", 0.25)), ranking(("stage_icpc", 0.95))]
    assert decide(text, whole, 0.6, unsure) == ("safety_check_in", False)
    calm = [ranking(("stage_icpc", 0.9)), ranking(("rights_legal_aid", 0.9))]
    assert decide(text, whole, 0.4, calm) == (None, False)
