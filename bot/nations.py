"""Does a message name a place in Wales, Scotland or Northern Ireland?

The guide is for England; a place elsewhere in the UK, in any message, gets the
pointer to help there (help/other-nations). The places are data in
content/areas/other_nations.yml; a full postcode or an outward code counts by its area.
"""
from __future__ import annotations

import re
from functools import lru_cache

import yaml

from bot.content import CONTENT_DIR

FILE = CONTENT_DIR / "areas" / "other_nations.yml"
POSTCODE = re.compile(r"\b([A-Z]{1,2})[0-9][0-9A-Z]?(?:\s*[0-9][A-Z]{2})?\b")


@lru_cache(maxsize=1)
def _data() -> tuple[frozenset[str], re.Pattern]:
    data = yaml.safe_load(FILE.read_text(encoding="utf-8"))
    names = sorted((str(n).lower() for n in data["names"]), key=len, reverse=True)
    return frozenset(data["postcode_areas"]), re.compile(r"\b(" + "|".join(map(re.escape, names)) + r")\b")


def names_other_nation(text: str) -> bool:
    areas, names = _data()
    text = (text or "")[:2000]
    if names.search(text.lower()):
        return True
    return any(match.group(1) in areas for match in POSTCODE.finditer(text.upper())
               if re.search(r"\d", match.group(0)))
