"""Spot words about suicide, self-harm, danger now, or domestic abuse in any message.

The phrases live in content/safety/phrases.yml so a charity can add one without code.
This module only normalises text (text-speak, misspellings, punctuation) and matches
phrases; the Rasa component in bot/nlu/ combines it with the classifier.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from bot.content import CONTENT_DIR

PHRASES_FILE = CONTENT_DIR / "safety" / "phrases.yml"
# When a message has more than one, the most urgent reply goes first.
PRIORITY = ("danger", "crisis", "abuse")
GAP = "*"          # in a phrase, "*" stands for up to MAX_GAP words
MAX_GAP = 3
MAX_CHARS = 2000   # a message is cut here before matching: it bounds the work per message


@dataclass(frozen=True)
class Phrase:
    kind: str                 # danger, crisis, abuse or idiom
    words: tuple[str, ...]
    source: str               # the phrase as written in the file, for reports


@dataclass(frozen=True)
class Finding:
    kind: str | None          # danger, crisis, abuse, or None
    phrases: tuple[str, ...]  # what matched, for tests and reviewers (never logged with text)
    idiom: bool = False       # an everyday idiom ("this form is murder") was found


def _strip_accents(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


@lru_cache(maxsize=1)
def _spelling() -> dict[str, str]:
    data = yaml.safe_load(PHRASES_FILE.read_text(encoding="utf-8"))
    return {str(k): str(v) for k, v in (data.get("text_speak") or {}).items()}


def normalise(text: str, spelling: dict[str, str] | None = None) -> list[str]:
    """Lower case words with text-speak spelled out: "wanna kms!!" -> want to kill myself."""
    spelling = _spelling() if spelling is None else spelling
    text = _strip_accents(text[:MAX_CHARS].lower()).replace("’", "'").replace("'", "")
    text = re.sub(r"(.)\1{2,}", r"\1\1", text)          # "soooo" -> "soo"
    words = re.findall(r"[a-z0-9]+", text)
    out: list[str] = []
    for word in words:
        out.extend(spelling.get(word, word).split())
    return out


def _close(word: str, pattern: str) -> bool:
    """Same word, or one slip of the thumb away for longer words ("sucidal")."""
    if word == pattern:
        return True
    if len(pattern) < 5 or abs(len(word) - len(pattern)) > 1:
        return False
    # One insertion, deletion or substitution, or two neighbouring letters swapped.
    if len(word) == len(pattern):
        diffs = [i for i, (a, b) in enumerate(zip(word, pattern)) if a != b]
        return len(diffs) == 1 or (
            len(diffs) == 2 and diffs[1] == diffs[0] + 1
            and word[diffs[0]] == pattern[diffs[1]] and word[diffs[1]] == pattern[diffs[0]]
        )
    short, long_ = sorted((word, pattern), key=len)
    return any(long_[:i] + long_[i + 1:] == short for i in range(len(long_)))


def _prefix_close(word: str, prefix: str) -> bool:
    """"tablet~" matches tablets; a slip is allowed here too ("sucid~" for suicid~)."""
    if word.startswith(prefix):
        return True
    return len(prefix) >= 5 and any(_close(word[:n], prefix) for n in (len(prefix) - 1, len(prefix), len(prefix) + 1))


def _ends_at(words: list[str], start: int, phrase: tuple[str, ...]) -> int | None:
    """Where the phrase ends if it matches the words from `start`, else None."""
    i = start
    for p, token in enumerate(phrase):
        if token == GAP:
            rest = phrase[p + 1:]
            if not rest:
                return i
            for j in range(i, min(i + MAX_GAP, len(words)) + 1):
                end = _ends_at(words, j, rest)
                if end is not None:
                    return end
            return None
        if i >= len(words):
            return None
        ok = _prefix_close(words[i], token[:-1]) if token.endswith("~") else _close(words[i], token)
        if not ok:
            return None
        i += 1
    return i


def spans(words: list[str], phrase: tuple[str, ...]) -> list[tuple[int, int]]:
    found = []
    for start in range(len(words)):
        end = _ends_at(words, start, phrase)
        if end is not None:
            found.append((start, end))
    return found


def matches(words: list[str], phrase: tuple[str, ...]) -> bool:
    return bool(spans(words, phrase))


@dataclass(frozen=True)
class PhraseList:
    phrases: tuple[Phrase, ...]
    spelling: dict

    @classmethod
    def load(cls, path: Path = PHRASES_FILE) -> "PhraseList":
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        spelling = {str(k): str(v) for k, v in (data.get("text_speak") or {}).items()}
        phrases = []
        for kind in PRIORITY + ("idiom",):
            for entry in data.get(kind) or []:
                source = entry["phrase"] if isinstance(entry, dict) else str(entry)
                words = tuple(w if w in (GAP,) or w.endswith("~") else " ".join(normalise(w, spelling))
                              for w in source.lower().split())
                words = tuple(part for w in words for part in (w.split() if w not in (GAP,) else [w]))
                phrases.append(Phrase(kind, words, source))
        return cls(tuple(phrases), spelling)

    def check(self, text: str) -> Finding:
        words = normalise(text or "", self.spelling)
        hits = [(p, span) for p in self.phrases for span in spans(words, p.words)]
        idioms = [span for p, span in hits if p.kind == "idiom"]
        # A phrase inside an idiom ("will kill me" in "will kill me if I'm late") is the idiom.
        found = [p for p, (a, b) in hits
                 if p.kind == "idiom" or not any(x <= a and b <= y for x, y in idioms)]
        kinds = {p.kind for p in found}
        kind = next((k for k in PRIORITY if k in kinds), None)
        return Finding(kind, tuple(dict.fromkeys(p.source for p in found if p.kind == kind)), idiom="idiom" in kinds)


@lru_cache(maxsize=1)
def default_phrases() -> PhraseList:
    return PhraseList.load()


def check(text: str) -> Finding:
    """Which safety reply, if any, the phrase list says this message needs."""
    return default_phrases().check(text)
