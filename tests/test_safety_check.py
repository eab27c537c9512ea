"""The pipeline step's decision: phrases win, a sure classifier counts, idioms demote."""
from __future__ import annotations

from bot.nlu.safety_check import decide


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
