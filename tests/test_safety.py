"""The safety phrase list: each phrase catches its examples; idioms do not alarm."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot.safety import PHRASES_FILE, PhraseList, check, normalise
from tests.conftest import ROOT

PHRASES = yaml.safe_load(PHRASES_FILE.read_text())
SAFETY_SET = ROOT / "tests" / "safety" / "safety_set.yml"
KINDS = ("danger", "crisis", "abuse")


def examples(kind):
    return [(entry["phrase"], text) for entry in PHRASES[kind] for text in entry["examples"]]


def test_every_phrase_has_an_example():
    for kind in KINDS + ("idiom",):
        for entry in PHRASES[kind]:
            assert entry.get("examples"), f"content/safety/phrases.yml: give `{entry['phrase']}` an example"


@pytest.mark.parametrize("kind", KINDS)
def test_each_phrase_catches_its_examples(kind):
    for phrase, text in examples(kind):
        finding = check(text)
        assert finding.kind == kind, f"{text!r} should get {kind} (phrase {phrase!r}), got {finding}"


@pytest.mark.parametrize("phrase, text", examples("idiom"))
def test_idioms_are_not_danger(phrase, text):
    finding = check(text)
    assert finding.kind is None and finding.idiom


def test_text_speak_is_spelled_out():
    assert normalise("Wanna KMS!!! cos im done") == "want to kill myself because i am done".split()
    assert normalise("He’s outside") == ["he", "is", "outside"]


@pytest.mark.parametrize(
    "text, kind",
    [
        ("when is the final hearing, not that it matters, i wont be here for it", "crisis"),
        ("can i bring someone to conference, my partner wont let me go anywhere alone", "abuse"),
        ("hes got a knife and i want to die", "danger"),  # most urgent first
        ("wat happens at the IRH tbh i just wanna end it all", "crisis"),
        ("SUCIDAL", "crisis"),
        ("im fine just asking about the PLO meeting", None),
        ("what is a section 47", None),
    ],
)
def test_buried_misspelt_and_ordinary_messages(text, kind):
    assert check(text).kind == kind


@pytest.mark.parametrize("text", ["", "   ", "😭" * 1000, "<b>x</b>", "{{ 7*7 }}", "a " * 100_000])
def test_bad_input_never_crashes(text):
    assert check(text).kind is None


def test_a_new_phrase_file_is_read_without_code_changes(tmp_path):
    path = tmp_path / "phrases.yml"
    path.write_text(yaml.safe_dump({"crisis": [{"phrase": "cannot see a way * out", "examples": ["x"]}]}))
    assert PhraseList.load(path).check("i cannot see a way out of this").kind == "crisis"


def load_set():
    return yaml.safe_load(SAFETY_SET.read_text())["messages"]


def test_the_safety_set_is_big_enough_and_varied():
    messages = load_set()
    counts = {kind: sum(m["class"] == kind for m in messages) for kind in KINDS + ("none",)}
    assert counts["crisis"] + counts["danger"] + counts["abuse"] >= 150 and counts["none"] >= 100, counts
    assert len({m["text"] for m in messages}) == len(messages)


def test_the_phrase_list_alone_catches_every_crisis_and_danger_message():
    # The classifier can only add to this: crisis and danger never depend on it.
    missed = [(m["class"], m["text"]) for m in load_set()
              if m["class"] in ("crisis", "danger") and check(m["text"]).kind not in ("crisis", "danger")]
    assert missed == []


def test_the_phrase_list_alone_rarely_alarms_on_ordinary_messages():
    ordinary = [m for m in load_set() if m["class"] == "none"]
    alarms = [m["text"] for m in ordinary if check(m["text"]).kind in ("crisis", "danger")]
    assert len(alarms) <= 0.02 * len(ordinary), alarms
