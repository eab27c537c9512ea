"""A pipeline step that runs on every message, in every channel, before routing.

It combines the reviewed phrase list (bot/safety.py) with the classifier:
- a phrase found in the message always wins, whatever the classifier thought;
- a safety intent the classifier is fairly sure of counts too, even with no phrase,
  unless the message is an everyday idiom ("this form is murder");
- the safety intent becomes the top intent with full confidence, so the fallback
  never swallows it, and the rest of the ranking is kept so the question she also
  asked can be answered after the safety reply (action_answer_also).
"""
from __future__ import annotations

from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.nlu.training_data.message import Message

from bot.safety import check

INTENT_FOR = {"danger": "safety_danger", "crisis": "safety_crisis", "abuse": "safety_domestic_abuse"}
SAFETY_INTENTS = set(INTENT_FOR.values())


def decide(text: str, ranking: list[dict], threshold: float) -> tuple[str | None, bool]:
    """(safety intent or None, whether to demote a safety guess as an idiom)."""
    finding = check(text)
    if finding.kind:
        return INTENT_FOR[finding.kind], False
    for entry in ranking:
        if entry.get("name") in SAFETY_INTENTS and entry.get("confidence", 0) >= threshold:
            return (None, True) if finding.idiom else (entry["name"], False)
    return None, finding.idiom


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
            safety, demote = decide(message.get("text") or "", ranking, self.threshold)
            if safety:
                top = {"name": safety, "confidence": 1.0}
                rest = [entry for entry in ranking if entry.get("name") != safety]
                message.set("intent", top, add_to_output=True)
                message.set("intent_ranking", [top] + rest, add_to_output=True)
            elif demote:
                ordinary = [entry for entry in ranking if entry.get("name") not in SAFETY_INTENTS]
                if ordinary and (message.get("intent") or {}).get("name") in SAFETY_INTENTS:
                    message.set("intent", ordinary[0], add_to_output=True)
                    message.set("intent_ranking", ordinary, add_to_output=True)
        return messages
