"""Spot words about suicide, self-harm, danger now, or domestic abuse in any message.

The phrases live in content/safety/phrases.yml so a charity can add one without code.
This module only normalises text (text-speak, misspellings, punctuation) and matches
phrases; the Rasa component in bot/nlu/ combines it with the classifier.

A phrase is words, "*" (a short gap), "word~" (a prefix), "a|b" (either word) and "#"
(a number). `unless` words near a phrase stop it (a "plastic knife"); an idiom around
it stops it ("will kill me if I'm late"); `now` words make abuse into danger.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path

import yaml

from bot.content import CONTENT_DIR

PHRASES_FILE = CONTENT_DIR / "safety" / "phrases.yml"
# When a message has more than one, the most urgent reply goes first. Harm already done
# ("took a load of tablets, I'm fine now") needs "get checked now" before anything else.
# Her fear of hurting her baby comes before danger: its words ("hurting the baby") are
# danger's too, and its reply says to call 999 if the baby is hurt.
PRIORITY = ("get_checked", "harm_thoughts", "danger", "cant_talk", "crisis", "abuse", "check_in")
# Words around a phrase, not replies: `past` and `present` (an event over, or not),
# `denied` (an allegation she says is untrue), `idiom`, `not_me` (she says plainly she
# is not at risk: "I'm not suicidal, I just want my rights") and `now` (abuse happening now).
CONTEXT = ("idiom", "not_me", "now", "past", "present", "denied")
# A phrase inside one of these is set aside: "will kill me" in "will kill me if I'm late",
# "suicidal" in "I'm not suicidal". Any other phrase in the message still counts.
SET_ASIDE = ("idiom", "not_me")
# What a past event that is clearly over no longer calls for (issue 14).
OVER_WHEN_PAST = {"crisis", "check_in", "get_checked", "harm_thoughts"}
GAP = "*"          # in a phrase, "*" stands for up to MAX_GAP words
MAX_GAP = 3
OR = "|"           # in a phrase, "me|her" matches either word
NUMBER = "#"       # in a phrase, "#" matches any number ("took # tablets": took 30 tablets)
MAX_CHARS = 2000   # a message is cut here before matching: it bounds the work per message
NEAR = 4           # `unless` words count when this many words or fewer from the phrase
SLIP_MIN = 6       # a one-letter slip is caught in words this long; shorter ones differ in
                   # meaning too often ("take" and "taken", "pill" and "pills")


@dataclass(frozen=True)
class Phrase:
    kind: str                 # danger, crisis, abuse, idiom, or now
    words: tuple[str, ...]
    source: str               # the phrase as written in the file, for reports
    # Near-miss context: the phrase does not count when one of these is near it
    # ("knife" next to "plastic" or "cake").
    unless: tuple[tuple[str, ...], ...] = ()


@dataclass(frozen=True)
class Finding:
    kind: str | None          # danger, crisis, abuse, or None
    phrases: tuple[str, ...]  # what matched, for tests and reviewers (never logged with text)
    # An everyday idiom ("this form is murder") or a known near-miss (a phrase stopped
    # by its `unless` words: "a plastic knife") was found: not a safety message.
    idiom: bool = False


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
    """Same word, or one slip of the thumb away ("sucidal", "lfie", "cuttin")."""
    if word == pattern:
        return True
    if pattern.endswith("ing") and word == pattern[:-1]:
        return True  # the dropped g of speech and texts: "endin", "hurtin"
    if len(pattern) < 4 or abs(len(word) - len(pattern)) > 1:
        return False
    if len(word) == len(pattern):
        diffs = [i for i, (a, b) in enumerate(zip(word, pattern)) if a != b]
        swapped = (  # two neighbouring letters swapped: a slip even in short words
            len(diffs) == 2 and diffs[1] == diffs[0] + 1
            and word[diffs[0]] == pattern[diffs[1]] and word[diffs[1]] == pattern[diffs[0]]
        )
        return swapped or (len(diffs) == 1 and len(pattern) >= SLIP_MIN)
    if len(pattern) < SLIP_MIN:
        return False
    # One letter more or one letter less.
    short, long_ = sorted((word, pattern), key=len)
    return any(long_[:i] + long_[i + 1:] == short for i in range(len(long_)))


@lru_cache(maxsize=200_000)  # the same words meet the same tokens in message after message
def _word_matches(word: str, token: str) -> bool:
    """One word against one phrase token: a word, "prefix~", or alternatives "me|her"."""
    if OR in token:
        return any(_word_matches(word, alt) for alt in token.split(OR))
    if token == NUMBER:
        return word.isdigit()
    if token.endswith("~"):
        return _prefix_close(word, token[:-1])
    return _close(word, token)


def _prefix_close(word: str, prefix: str) -> bool:
    """"tablet~" matches tablets; a slip is allowed here too ("sucid~" for suicid~)."""
    if word.startswith(prefix):
        return True
    return len(prefix) >= SLIP_MIN - 1 and any(
        _close(word[:n], prefix) for n in (len(prefix) - 1, len(prefix), len(prefix) + 1))


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
        if i >= len(words) or not _word_matches(words[i], token):
            return None
        i += 1
    return i


def spans(words: list[str], phrase: tuple[str, ...], starts=None) -> list[tuple[int, int]]:
    """(start, end) of each place the phrase matches (trying only `starts` if given)."""
    found = []
    for start in range(len(words)) if starts is None else starts:
        end = _ends_at(words, start, phrase)
        if end is not None:
            found.append((start, end))
    return found


def matches(words: list[str], phrase: tuple[str, ...]) -> bool:
    return bool(spans(words, phrase))


def _tokens(source: str, spelling: dict[str, str]) -> tuple[str, ...]:
    """A phrase as written in the file, spelled the way messages are normalised."""
    out: list[str] = []
    for word in source.lower().split():
        if word in (GAP, NUMBER) or word.endswith("~"):
            out.append(word)
        elif OR in word:  # each alternative is one word or prefix: "me|her", "arm~|wrist~"
            out.append(OR.join(alt if alt == NUMBER or alt.endswith("~") else " ".join(normalise(alt, spelling))
                               for alt in word.split(OR)))
        else:
            out.extend(normalise(word, spelling))
    return tuple(out)


def _near(words: list[str], span: tuple[int, int], context: tuple[str, ...]) -> bool:
    a, b = span
    window = words[max(0, a - NEAR):b + NEAR]
    return matches(window, context)


@dataclass(frozen=True)
class PhraseList:
    phrases: tuple[Phrase, ...]
    spelling: dict
    # word -> indexes of the phrases whose first word it matches; filled as words are met
    _starters: dict = field(default_factory=dict, compare=False, repr=False)

    def _starting_with(self, word: str) -> tuple[int, ...]:
        found = self._starters.get(word)
        if found is None:
            found = tuple(i for i, p in enumerate(self.phrases) if p.words and _word_matches(word, p.words[0]))
            if len(self._starters) < 100_000:  # bounded: odd input cannot grow it for ever
                self._starters[word] = found
        return found

    @classmethod
    def load(cls, path: Path = PHRASES_FILE) -> "PhraseList":
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        spelling = {str(k): str(v) for k, v in (data.get("text_speak") or {}).items()}
        phrases = []
        for kind in PRIORITY + CONTEXT:
            for entry in data.get(kind) or []:
                entry = entry if isinstance(entry, dict) else {"phrase": entry}
                said = [entry["phrase"], *(entry.get("unless") or [])]
                if any(isinstance(value, bool) for value in said):
                    # YAML reads a bare on, off, yes or no as true or false.
                    raise ValueError(f"{path}: {kind} {said}: put on, off, yes and no in quotes")
                unless = tuple(_tokens(str(u), spelling) for u in entry.get("unless") or [])
                words = _tokens(str(entry["phrase"]), spelling)
                if not words or words[0] == GAP:
                    raise ValueError(f"{path}: phrase {entry['phrase']!r} must start with a word, not '*'")
                phrases.append(Phrase(kind, words, entry["phrase"], unless))
        return cls(tuple(phrases), spelling)

    def check(self, text: str) -> Finding:
        words = normalise(text or "", self.spelling)
        starts: dict[int, list[int]] = {}
        for position, word in enumerate(words):
            for index in self._starting_with(word):
                starts.setdefault(index, []).append(position)
        hits, near_miss = [], False
        for index, where in starts.items():
            phrase = self.phrases[index]
            for span in spans(words, phrase.words, where):
                if any(_near(words, span, u) for u in phrase.unless):
                    near_miss = True
                else:
                    hits.append((phrase, span))
        aside = [span for p, span in hits if p.kind in SET_ASIDE]
        found = [p for p, (a, b) in hits
                 if p.kind in SET_ASIDE or not any(x <= a and b <= y for x, y in aside)]
        kinds = {p.kind for p in found}
        # "I self-harmed at 15, I've been well ten years": over, unless said to be present.
        # (An overdose is both "danger" and "get checked"; said of the past, it is neither.)
        if "past" in kinds and "present" not in kinds and kinds & OVER_WHEN_PAST and (
                "danger" not in kinds or "get_checked" in kinds):
            over = OVER_WHEN_PAST | {"danger"}
            found = [p for p in found if p.kind not in over]
            kinds -= over
            near_miss = True
        # "They say he hit me but it's a lie": an allegation she denies is not abuse.
        if "denied" in kinds and "abuse" in kinds and "now" not in kinds:
            found = [p for p in found if p.kind != "abuse"]
            kinds.discard("abuse")
            near_miss = True
        # Abuse happening now ("he's hurting me", "he is still here") is danger.
        if "abuse" in kinds and "now" in kinds:
            found = [replace(p, kind="danger") if p.kind in ("abuse", "now") else p for p in found]
            kinds.add("danger")
        kind = next((k for k in PRIORITY if k in kinds), None)
        return Finding(kind, tuple(dict.fromkeys(p.source for p in found if p.kind == kind)),
                       idiom=bool(kinds & set(SET_ASIDE)) or near_miss)


@lru_cache(maxsize=1)
def default_phrases() -> PhraseList:
    return PhraseList.load()


def check(text: str) -> Finding:
    """Which safety reply, if any, the phrase list says this message needs."""
    return default_phrases().check(text)
