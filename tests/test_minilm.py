"""The numpy MiniLM gives meaning: paraphrases sit close, other topics far apart."""
from __future__ import annotations

import numpy as np
import pytest

from bot.nlu.minilm import default_model


@pytest.fixture(scope="module")
def model():
    return default_model()


def similarity(model, a: str, b: str) -> float:
    return float(model.encode(a).sentence @ model.encode(b).sentence)


def test_paraphrases_are_closer_than_other_topics(model):
    appeal = "how long do i have to appeal"
    assert similarity(model, appeal, "whats the time limit for appealing the judges decision") > 0.6
    assert similarity(model, appeal, "can i bring a friend to the meeting") < 0.3


def test_sentence_vectors_are_unit_length_and_repeatable(model):
    first, again = model.encode("what is a care order"), model.encode("what is a care order")
    assert np.isclose(np.linalg.norm(first.sentence), 1.0, atol=1e-5)
    assert np.allclose(first.sentence, again.sentence)


@pytest.mark.parametrize("text", ["", "😭😭😭", "{{ 7*7 }}", "x" * 20_000])
def test_odd_input_still_gives_a_vector(model, text):
    assert model.encode(text).sentence.shape == (384,)


def test_the_intent_model_knows_a_paraphrase_and_a_misspelling(tmp_path):
    from bot.nlu.intent_model import IntentModel

    examples = {
        "appeal": ["how long do i have to appeal", "can i appeal the judge", "appeal time limit"],
        "conference": ["what is a child protection conference", "who comes to the conference", "cp conference"],
        "legal_aid": ["is a solicitor free", "can i get legal aid", "do i pay for a lawyer"],
    }
    texts = [t for ts in examples.values() for t in ts]
    intents = [i for i, ts in examples.items() for _ in ts]
    model = IntentModel.fit(texts, intents)
    assert model.rank("whats the deadline for challenging the court decision")[0][0] == "appeal"
    assert model.rank("wot is a confrence")[0][0] == "conference"
    ranking = model.rank("will the lawyer cost me money")
    assert ranking[0][0] == "legal_aid" and abs(sum(c for _, c in ranking) - 1) < 1e-6
    model.save(tmp_path / "m.pkl")
    assert IntentModel.load(tmp_path / "m.pkl").rank("can i appeal")[0][0] == "appeal"


def test_other_weights_or_tokenizer_are_refused(tmp_path):
    # A changed tokenizer (or weights) would give other meanings with no error at all.
    from bot.nlu.minilm import MiniLM, model_dir
    real = model_dir()
    (tmp_path / "model.safetensors").symlink_to(real / "model.safetensors")
    (tmp_path / "tokenizer.json").write_bytes((real / "tokenizer.json").read_bytes() + b" ")
    with pytest.raises(RuntimeError, match="tokenizer.json"):
        MiniLM(tmp_path)
    (tmp_path / "tokenizer.json").write_bytes((real / "tokenizer.json").read_bytes())
    assert MiniLM(tmp_path).encode("what is a care order").sentence.shape == (384,)
