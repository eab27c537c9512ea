"""A pipeline step that runs on every message, in every channel, before routing.

It combines the reviewed phrase list (bot/safety.py) with the classifier:
- a phrase found in the message always makes it a safety message, whatever the
  classifier thought; which safety answer is refined by the classifier when it is
  fairly sure of a more specific one (REFINED_BY): the phrase "hurting my baby" is
  danger's, but "thoughts about hurting my baby" needs the harm-thoughts answer;
- a safety intent the classifier is fairly sure of counts too, even with no phrase,
  unless the message is an everyday idiom ("this form is murder");
- the safety intent becomes the top intent with full confidence, and the rest of the
  ranking is kept (scaled down, so the FallbackClassifier after this step never finds
  the two "too close" and swallows the safety reply) so the question she also asked
  can be answered after the safety reply (action_answer_also);
- a safety guess of the classifier is dropped, and the best ordinary intent used, when
  the phrase list found an idiom or a known near-miss ("a plastic knife"), or when the
  guess is below the threshold.
"""
from __future__ import annotations

from typing import Any, Sequence

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.nlu.training_data.message import Message

from bot.safety import check

INTENT_FOR = {"danger": "safety_danger", "crisis": "safety_crisis", "abuse": "safety_domestic_abuse",
              "get_checked": "safety_get_checked", "harm_thoughts": "safety_harm_thoughts",
              "cant_talk": "safety_cant_talk", "check_in": "safety_check_in"}
SAFETY_INTENTS = set(INTENT_FOR.values())
CHECK_IN = "safety_check_in"
# Three tiers (issue 14): sure -> the safety answer; unsure -> ask her directly (the
# check-in); not at risk -> normal routing. A risk intent of the classifier between
# CHECK_IN_FROM and the sure threshold is "unsure".
RISK_INTENTS = {"safety_crisis", "safety_danger", "safety_get_checked", "safety_harm_thoughts", CHECK_IN}
CHECK_IN_FROM = 0.45  # 0.35 before 2026-12-07: one ordinary message in 13 got the check-in
# A phrase's answer, and the more specific answers the classifier may refine it to when
# it gives one at least REFINE_FROM: harm already done (an overdose "but I'm fine") needs
# "get checked now"; her fear of hurting her baby needs the harm-thoughts answer; abuse
# happening now (a child hurt by him now, hands round her neck) needs the danger answer.
# Each more specific answer still names 999 where it fits. In the unsure tier, the same
# two specific answers replace the check-in when the classifier gives them REFINE_FROM.
REFINED_BY = {
    "safety_danger": ("safety_get_checked", "safety_harm_thoughts"),
    "safety_crisis": ("safety_get_checked", "safety_harm_thoughts"),
    "safety_get_checked": ("safety_harm_thoughts",),
    "safety_domestic_abuse": ("safety_danger",),
    CHECK_IN: ("safety_get_checked", "safety_harm_thoughts"),
}
REFINE_FROM = 0.5
# Other intents' confidences are scaled by this under a promoted safety intent: at most
# 0.9 against 1.0, well clear of the FallbackClassifier's ambiguity threshold (0.05).
OTHERS_SCALE = 0.9


def refine(safety: str, ranking: list[dict]) -> str:
    """The more specific safety answer the classifier is fairly sure of, else `safety`."""
    confidence = {e.get("name"): e.get("confidence", 0) for e in ranking}
    specific = [(confidence.get(name, 0), name) for name in REFINED_BY.get(safety, ())]
    best, name = max(specific, default=(0, safety))
    return name if best >= REFINE_FROM else safety


def decide(text: str, ranking: list[dict], threshold: float,
           sentences: Sequence[list[dict]] = ()) -> tuple[str | None, bool]:
    """(safety intent or None, whether to drop the classifier's safety guess).
    `sentences`: each sentence's own ranking, for a message of two or more; a sign in
    one sentence counts as if she had said only that."""
    finding = check(text)
    if finding.kind:
        return refine(INTENT_FOR[finding.kind], ranking), False
    for heard in (ranking, *sentences):
        for entry in heard:
            if entry.get("name") in SAFETY_INTENTS and entry.get("confidence", 0) >= threshold:
                return (None, True) if finding.idiom else (entry["name"], False)
    if not finding.idiom:
        for heard in (ranking, *sentences):
            unsure = sum(e.get("confidence", 0) for e in heard if e.get("name") in RISK_INTENTS)
            if unsure >= CHECK_IN_FROM:
                return refine(CHECK_IN, heard), False
    # No phrase and no sure guess: a safety intent on top is only an unsure guess.
    top = ranking[0].get("name") if ranking else None
    return None, finding.idiom or top in SAFETY_INTENTS


def promote(safety: str, ranking: list[dict]) -> list[dict]:
    """The safety intent first with full confidence; the rest kept in order, scaled down."""
    rest = [{**entry, "confidence": entry.get("confidence", 0) * OTHERS_SCALE}
            for entry in ranking if entry.get("name") != safety]
    return [{"name": safety, "confidence": 1.0}] + rest


def without_safety(ranking: list[dict]) -> list[dict]:
    """The ranking without the safety intents, rescaled to what the classifier would
    have said had they not been there (so a clear question is not taken as unclear)."""
    ordinary = [entry for entry in ranking if entry.get("name") not in SAFETY_INTENTS]
    total = sum(entry.get("confidence", 0) for entry in ordinary)
    if total <= 0:
        return ordinary
    return [{**entry, "confidence": entry.get("confidence", 0) / total} for entry in ordinary]


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class SafetyCheck(GraphComponent, IntentClassifier):
    @staticmethod
    def get_default_config() -> dict[str, Any]:
        # A safety intent at or above this confidence counts without a phrase.
        return {"classifier_threshold": 0.4}

    def __init__(self, config: dict[str, Any]) -> None:
        self.threshold = float(config["classifier_threshold"])

    @classmethod
    def create(
        cls, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
        execution_context: ExecutionContext,
    ) -> "SafetyCheck":
        return cls(config)

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            ranking = list(message.get("intent_ranking") or [])
            sentences = [[{"name": n, "confidence": c} for n, c in heard]
                         for heard in message.get("sentence_rankings") or []]
            safety, demote = decide(message.get("text") or "", ranking, self.threshold, sentences)
            if safety:
                promoted = promote(safety, ranking)
                message.set("intent", promoted[0], add_to_output=True)
                message.set("intent_ranking", promoted, add_to_output=True)
            elif demote and (message.get("intent") or {}).get("name") in SAFETY_INTENTS:
                ordinary = without_safety(ranking)
                if ordinary:
                    message.set("intent", ordinary[0], add_to_output=True)
                    message.set("intent_ranking", ordinary, add_to_output=True)
        return messages
