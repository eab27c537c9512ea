"""The near-copy test both evaluation scripts use to leave training look-alikes out."""
from __future__ import annotations

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("near_copies", ROOT / "scripts" / "near_copies.py")
near_copies = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(near_copies)

TRAINING = [near_copies.normalise(line) for line in (
    "im pregnant and social services want to do a [pre-birth](stage) assessment",
    "explain residential assessment",
    "what happens at a family group conference",
)]


def test_normalising_drops_case_punctuation_and_entity_markup():
    assert near_copies.normalise("What’s a [Pre-Birth](stage) assessment?!") == "what's a pre birth assessment"


def test_a_line_identical_to_training_is_a_near_copy():
    assert near_copies.near_copy("explain residential assessment", TRAINING)
    assert near_copies.best_similarity("Explain residential assessment.", TRAINING) == 1.0


def test_spelling_and_hyphen_variants_are_near_copies():
    assert near_copies.near_copy("im pregnant and social services want to do a pre birth assessment", TRAINING)
    assert near_copies.near_copy("explain residential assesment", TRAINING)


def test_new_wording_is_not_a_near_copy():
    assert not near_copies.near_copy("can they take my baby at the hospital", TRAINING)
    assert near_copies.best_similarity("can they take my baby at the hospital", TRAINING) < near_copies.NEAR_COPY

