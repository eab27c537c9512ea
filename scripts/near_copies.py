"""Near-copies of training lines: the one definition the evaluation scripts share.

A held-out line is a near-copy when, after `normalise`, its difflib ratio against some
line of data/nlu is at least NEAR_COPY (the method of the engineering review, §3.4).
Scores on near-copies say little about wording the bot has never seen, so
scripts/nlu_eval.py and scripts/conversation_eval.py count them apart.
"""
from __future__ import annotations

import difflib
import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
NEAR_COPY = 0.85
_ENTITY = re.compile(r"\[([^\]]*)\]\((?:[^)]*)\)|\[([^\]]*)\]\{[^}]*\}")
_OTHER = re.compile(r"[^a-z0-9' ]+")


def normalise(text: str) -> str:
    """Lower case, curly apostrophes straight, `[x](entity)` markup to `x`, everything
    outside [a-z0-9' ] a space, spaces collapsed."""
    text = _ENTITY.sub(lambda m: m.group(1) if m.group(1) is not None else m.group(2), text)
    text = text.lower().replace("\u2019", "'").replace("\u2018", "'")
    return " ".join(_OTHER.sub(" ", text).split())


def examples(folder: Path) -> list[tuple[str, str]]:
    """(intent, example as written) for every example in the NLU files under folder."""
    found = []
    for path in sorted(folder.rglob("*.yml")):
        for block in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("nlu", []):
            for line in (block.get("examples") or "").splitlines():
                if line.strip().startswith("- "):
                    found.append((block.get("intent", ""), line.strip()[2:]))
    return found


def training_lines(folder: Path = ROOT / "data" / "nlu") -> list[str]:
    """Every training example under data/nlu, normalised (duplicates once)."""
    return sorted({normalise(text) for _, text in examples(folder)})


def best_similarity(text: str, training: list[str], at_least: float = 0.0) -> float:
    """The best difflib ratio of text (normalised here) against the normalised training
    lines. Lines that cannot reach at_least are skipped by difflib's upper bounds, so a
    value under at_least only means "below at_least"."""
    text = normalise(text)
    matcher = difflib.SequenceMatcher(None, autojunk=False)
    matcher.set_seq2(text)  # difflib caches the second sequence: set it once
    best = 0.0
    for line in training:
        matcher.set_seq1(line)
        floor = max(best, at_least)
        if matcher.real_quick_ratio() < floor or matcher.quick_ratio() < floor:
            continue
        best = max(best, matcher.ratio())
        if best == 1.0:
            break
    return best


def near_copy(text: str, training: list[str], threshold: float = NEAR_COPY) -> bool:
    """Whether some training line is at least `threshold` like text."""
    return best_similarity(text, training, at_least=threshold) >= threshold
