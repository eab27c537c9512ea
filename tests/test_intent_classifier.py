"""The intent step: a button's payload skips the sentence model, typed words do not."""
from __future__ import annotations

import pytest
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.intent_classifier import MeaningIntentClassifier
from bot.nlu.intent_model import IntentModel

EXAMPLES = {
    "stage_icpc": ["what is a child protection conference", "whats an icpc", "conference about my kids"],
    "rights_legal_aid": ["do i have to pay for a solicitor", "is legal aid free", "can i get legal aid"],
}


@pytest.fixture(scope="module")
def classifier():
    texts = [t for ts in EXAMPLES.values() for t in ts]
    intents = [i for i, ts in EXAMPLES.items() for _ in ts]
    return MeaningIntentClassifier(MeaningIntentClassifier.get_default_config(), None, None,
                                   IntentModel.fit(texts, intents))


def parsed(classifier, text):
    [message] = classifier.process([Message({"text": text})])
    return message.get("intent"), message.get("intent_ranking")


def test_a_payload_of_a_known_intent_is_taken_as_it_is_without_the_model(classifier, monkeypatch):
    monkeypatch.setattr(classifier.model, "rank", lambda *a, **k: pytest.fail("the model ran on a payload"))
    intent, ranking = parsed(classifier, "/rights_legal_aid")
    assert intent == {"name": "rights_legal_aid", "confidence": 1.0} and ranking == [intent]
    assert parsed(classifier, '/stage_icpc{"stage": "x"}')[0]["name"] == "stage_icpc"


def test_typed_words_and_unknown_payloads_are_ranked_by_the_model(classifier):
    intent, ranking = parsed(classifier, "how much is a solicitor, is legal aid free")
    assert intent["name"] == "rights_legal_aid" and len(ranking) == 2
    intent, ranking = parsed(classifier, "/no_such_button")
    assert len(ranking) == 2 and intent["confidence"] < 1.0


def test_the_ranking_is_sklearns_own_probabilities_before_and_after_saving(tmp_path):
    examples = {**EXAMPLES, "help_advocacy": ["can someone come with me", "i need an advocate", "who can help me"]}
    texts = [t for ts in examples.values() for t in ts]
    model = IntentModel.fit(texts, [i for i, ts in examples.items() for _ in ts])
    for text in ("is a solicitor free", "what happens at the conference", "help", "", "🙂 <b>{{x}}</b>"):
        expected = model.classifier.predict_proba(model._features([text]))[0]
        ranked = dict(model.rank(text))
        assert set(ranked) == set(model.classifier.classes_)
        for intent, probability in zip(model.classifier.classes_, expected):
            assert ranked[intent] == pytest.approx(probability, abs=1e-9)
    model.save(tmp_path / "m.pkl")
    assert IntentModel.load(tmp_path / "m.pkl").rank("is legal aid free") == model.rank("is legal aid free")
