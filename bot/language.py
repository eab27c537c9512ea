"""Which language she wrote in, offline, for the languages the bot has a reply in.

Uses the maintained `lingua-language-detector` with only English and the languages
that have an item (content/items/meta/language-XX.yml), so it is quick and small.
A message counts as another language only when it is long enough to tell and the
detector is sure: "ok", "idk" or a town name must never be taken for Polish.
"""
from __future__ import annotations

import re
from functools import lru_cache

from bot.content import Content

MIN_LETTERS = 12        # shorter messages are too short to tell apart reliably
MIN_CONFIDENCE = 0.80   # the detector's share for the language it picked
NON_LATIN = re.compile(r"[\u0590-\u08ff\u0900-\u0dff]")  # Arabic, Urdu, Bengali, Gujarati, Gurmukhi scripts


def languages(content: Content) -> tuple[str, ...]:
    """ISO 639-1 codes the content has a reply in."""
    return tuple(sorted(item.language for item in content.items.values() if item.language))


@lru_cache(maxsize=4)
def _detector(codes: tuple[str, ...]):
    from lingua import IsoCode639_1, LanguageDetectorBuilder

    wanted = [IsoCode639_1.from_str(code) for code in ("en", *codes)]
    return LanguageDetectorBuilder.from_iso_codes_639_1(*wanted).with_preloaded_language_models().build()


def detect(text: str, codes: tuple[str, ...]) -> str | None:
    """The code of her language if it is one of `codes` and not English, else None."""
    text = (text or "")[:500]
    letters = sum(ch.isalpha() for ch in text)
    if not codes or (letters < MIN_LETTERS and not NON_LATIN.search(text)):
        return None
    values = _detector(codes).compute_language_confidence_values(text)
    if not values:
        return None
    best = values[0]
    code = best.language.iso_code_639_1.name.lower()
    if code == "en" or code not in codes or best.value < MIN_CONFIDENCE:
        return None
    return code
