"""The pipeline step that trains and runs bot/nlu/intent_model.py inside Rasa."""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.intent_model import IntentModel

FILE = "intent_model.pkl"
# A button's payload ("/stage_icpc"): Rasa's RegexMessageHandler, later in the pipeline,
# replaces whatever is guessed here when it names an intent of the domain, so a payload
# naming an intent this model knows is not worth the sentence model's time.
PAYLOAD = re.compile(r"^/(\w+)(\{.*\})?$", re.DOTALL)
# A long message with several sentences may hold several worries: each sentence is
# ranked too, and the others' intents are kept as `topics` (offered as buttons).
LONG_WORDS = 15
TOPIC_MIN = 0.5
MAX_SENTENCES = 6
SENTENCE_RANKING = 5   # intents kept per sentence: enough for the safety check's sums


def sentences(text: str) -> list[str]:
    parts = re.split(r"(?<=[.!?])\s+|\n+|\s+(?:and also|also|plus|but)\s+", text)
    return [p for p in (p.strip() for p in parts) if len(p.split()) >= 3][:MAX_SENTENCES]


def sentence_rankings(model: IntentModel, text: str) -> list[list[tuple[str, float]]]:
    """Each sentence's own ranking, when the message has two or more: a warning sign said
    beside a question ("I've sorted who gets my things. What is a conference?") is heard
    in its own sentence, where the question does not drown it."""
    parts = sentences(text)
    return [model.rank(part, SENTENCE_RANKING) for part in parts] if len(parts) >= 2 else []


def topics(rankings: list[list[tuple[str, float]]], text: str, top: str) -> list[str]:
    """The intents of a long message's other sentences, most sure first."""
    if len(text.split()) < LONG_WORDS:
        return []
    found: dict[str, float] = {}
    for ranking in rankings:
        name, confidence = ranking[0]
        if confidence >= TOPIC_MIN and name != top:
            found[name] = max(found.get(name, 0.0), confidence)
    return sorted(found, key=found.get, reverse=True)


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
class MeaningIntentClassifier(GraphComponent, IntentClassifier):
    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {"random_seed": 2611, "ranking_length": 10}

    def __init__(self, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
                 model: IntentModel | None = None) -> None:
        self.config = config
        self.model_storage, self.resource = model_storage, resource
        self.model = model

    @classmethod
    def create(cls, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> "MeaningIntentClassifier":
        return cls(config, model_storage, resource)

    @classmethod
    def load(cls, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
             execution_context: ExecutionContext, **kwargs: Any) -> "MeaningIntentClassifier":
        with model_storage.read_from(resource) as directory:
            return cls(config, model_storage, resource, IntentModel.load(Path(directory) / FILE))

    def train(self, training_data: TrainingData) -> Resource:
        examples = [e for e in training_data.intent_examples if e.get(INTENT) and e.get(TEXT)]
        self.model = IntentModel.fit([e.get(TEXT) for e in examples], [e.get(INTENT) for e in examples],
                                     seed=int(self.config["random_seed"]))
        with self.model_storage.write_to(self.resource) as directory:
            self.model.save(Path(directory) / FILE)
        return self.resource

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            if self.model is None or not message.get(TEXT):
                continue
            payload = PAYLOAD.match(message.get(TEXT).strip())
            if payload and payload.group(1) in self.model.classifier.classes_:
                ranking = [{"name": payload.group(1), "confidence": 1.0}]
                message.set(INTENT, ranking[0], add_to_output=True)
                message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)
                continue
            ranking = [{"name": name, "confidence": confidence}
                       for name, confidence in self.model.rank(message.get(TEXT), self.config["ranking_length"])]
            message.set(INTENT, ranking[0], add_to_output=True)
            message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)
            per_sentence = sentence_rankings(self.model, message.get(TEXT))
            message.set("sentence_rankings", per_sentence)  # for the safety check, not the output
            message.set("topics", topics(per_sentence, message.get(TEXT), ranking[0]["name"]), add_to_output=True)
        return messages
