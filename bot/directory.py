"""Services near her: map a town, council or postcode to a local authority, then list
local services first and national ones after.

Rasa-free. The area data is ONS codes shipped as CSV in content/areas/ (sources.yml
there says where each file comes from and how to refresh it). What she typed is only
matched against that data: it is never kept, logged or rendered.
"""
from __future__ import annotations

import csv
import difflib
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from bot.content import CONTENT_DIR, Content, default_content
from bot.render import Channel, Renderer

MIN_FUZZY_LENGTH = 4      # shorter words match too many other words when misspelt
FUZZY_CUTOFF = 0.8        # "hastngs" -> Hastings; "leaves" does not become Lewes
MAX_PLACE_WORDS = 4       # "royal tunbridge wells" is the longest name people type
MAX_TEXT = 500            # a place is said in a few words; longer text is cut first

# A full postcode ("TN34 1AA") or its first half ("TN34"), anywhere in the message.
POSTCODE = re.compile(r"\b([A-Z]{1,2}[0-9][A-Z0-9]?)(?:\s*[0-9][A-Z]{2})?\b", re.I)
# Words after which a place name usually follows: "in Hastings", "near Rye".
BEFORE_PLACE = {"in", "near", "around", "from", "at", "nr"}
# Words she may put around a place when asked where she is.
FILLER = re.compile(
    r"^(?:i\s*'?\s*a?m|im|i live|we live|we\s*'?\s*re|we are|my postcode is|postcode|"
    r"it\s*'?\s*s|its|live|living|based|just|the|in|near|around|from|at)\b\s*",
)
TRAILING = re.compile(r"\s*\b(?:area|council|county|borough|district|city|town|please|thanks|thank you)\s*$")


@dataclass(frozen=True)
class Area:
    name: str                 # Hastings
    code: str                 # E07000062 (ONS local authority code)
    upper_code: str           # E10000011: the council that runs children's services there
    upper_name: str           # East Sussex


@dataclass(frozen=True)
class Service:
    key: str
    name: str
    about: str                # who it is for (the `for` field)
    phone: str = ""
    text_word: str = ""
    text_number: str = ""
    web: str = ""
    hours: str = ""
    areas: tuple[str, ...] = ()
    national: bool = False
    rank: int | None = None


@dataclass(frozen=True)
class AreaData:
    authorities: dict[str, Area]          # by code
    names: dict[str, str]                 # normalised place or council name -> code
    outward: dict[str, str]               # TN34 -> code


def _normal(text: str) -> str:
    text = text.lower().replace("&", " and ").replace("saint ", "st ").replace("st. ", "st ")
    text = re.sub(r"[^a-z0-9 ]+", " ", text.replace("-", " "))
    return re.sub(r"\s+", " ", text).strip()


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def load_areas(root: Path = CONTENT_DIR) -> AreaData:
    folder = root / "areas"
    authorities = {
        row["code"]: Area(row["name"], row["code"], row["upper_tier_code"], row["upper_tier_name"])
        for row in _rows(folder / "local_authorities.csv")
    }
    names = {_normal(area.name): code for code, area in authorities.items()}
    for row in _rows(folder / "places.csv"):
        names.setdefault(_normal(row["place"]), row["code"])
    outward = {row["outward"].upper(): row["code"] for row in _rows(folder / "postcode_districts.csv")}
    return AreaData(authorities, names, outward)


@lru_cache(maxsize=1)
def default_areas() -> AreaData:
    return load_areas()


def _by_postcode(text: str, data: AreaData) -> Area | None:
    for match in POSTCODE.finditer(text):
        code = data.outward.get(match.group(1).upper())
        if code:
            return data.authorities[code]
    return None


def _match_name(candidate: str, data: AreaData) -> Area | None:
    if not candidate:
        return None
    if candidate in data.names:
        return data.authorities[data.names[candidate]]
    if len(candidate) >= MIN_FUZZY_LENGTH:
        close = difflib.get_close_matches(candidate, data.names, n=1, cutoff=FUZZY_CUTOFF)
        if close:
            return data.authorities[data.names[close[0]]]
    return None


def _whole_reply(text: str) -> str:
    """A short reply to "which town?": the place, without "I'm in" or "area"."""
    previous = None
    while previous != text:
        previous, text = text, TRAILING.sub("", FILLER.sub("", text)).strip()
    return text


def find_area(text: str, data: AreaData | None = None) -> Area | None:
    """The local authority for a town, council name or postcode in `text`, or None.

    A whole short reply ("hastngs", "I'm in St Leonards") is matched, misspellings
    too; inside a longer message only the words after "in", "near"... are, so that
    "I can't deal with this" is not read as a town.
    """
    data = data or default_areas()
    text = (text or "")[:MAX_TEXT]
    area = _by_postcode(text, data)
    if area:
        return area
    words = _normal(text).split()
    if not words:
        return None
    if len(words) <= MAX_PLACE_WORDS + 2:
        area = _match_name(_whole_reply(" ".join(words)), data)
        if area:
            return area
    for i, word in enumerate(words[:-1]):
        if word not in BEFORE_PLACE:
            continue
        rest = words[i + 1: i + 2 + MAX_PLACE_WORDS]
        if rest and rest[0] == "the":
            rest = rest[1:]
        for size in range(min(MAX_PLACE_WORDS, len(rest)), 0, -1):
            area = _match_name(_whole_reply(" ".join(rest[:size])), data)
            if area:
                return area
    return None


def _service(key: str, fields: dict) -> Service:
    return Service(
        key=key,
        name=str(fields.get("name", key)),
        about=str(fields.get("for", "")),
        phone=str(fields.get("phone", "")),
        text_word=str(fields.get("text_word", "")),
        text_number=str(fields.get("text_number", "")),
        web=str(fields.get("web", "")),
        hours=str(fields.get("hours", "")),
        areas=tuple(fields.get("areas") or ()),
        national=fields.get("national") is True,
        rank=fields.get("rank"),
    )


def services_for(area_code: str | None, content: Content | None = None,
                 data: AreaData | None = None) -> tuple[list[Service], list[Service]]:
    """(local, national) services for a local authority code, local ones first in use.

    A district also gets the services of its county; a county gets those of every
    district in it. National services are those with a `rank`, in rank order.
    """
    content = content or default_content()
    data = data or default_areas()
    services = [_service(key, fields) for key, fields in content.services.items() if isinstance(fields, dict)]
    national = sorted((s for s in services if s.national and s.rank is not None), key=lambda s: s.rank)
    area = data.authorities.get(area_code or "")
    if area is None:
        return [], national
    wanted = {area.code, area.upper_code}
    if area.code == area.upper_code:  # a county or unitary council: its districts too
        wanted |= {code for code, a in data.authorities.items() if a.upper_code == area.code}
    local = [s for s in services if not s.national and wanted & set(s.areas)]
    # Services for her own district before those for the whole county.
    local.sort(key=lambda s: area.code not in s.areas)
    return local, national


def service_lines(services: list[Service], channel: Channel, renderer: Renderer, limit: int | None = None) -> str:
    """The services as a list: full on the web, numbered and short on SMS.

    Every word comes from the services data through the renderer (so HTML gets links
    and escaping); only the punctuation between the fields is written here. The list
    is one template whose values are service keys and texts, passed as data.
    """
    lines, values = [], {}
    for number, service in enumerate(services[:limit], start=1):
        k = f"k{number}"
        values[k] = service.key
        contact = []
        if service.phone:
            contact.append(f"{{{{ phone({k}) }}}}")
        if service.text_word and service.text_number:
            contact.append(f"{{{{ text_to({k}) }}}}")
        if service.web and (channel is not Channel.SMS or not contact):
            contact.append(f"{{{{ web({k}) }}}}")
        if channel is Channel.SMS:
            lines.append(" ".join([f"{number}. {{{{ name({k}) }}}}", *contact]))
            continue
        line = f"- {{{{ name({k}) }}}}"
        if service.about:
            values[f"a{number}"] = service.about
            line += f": {{{{ a{number} }}}}"
        if contact:
            line += " " + ", ".join(contact)
        if service.hours:
            values[f"h{number}"] = service.hours
            line += f" ({{{{ h{number} }}}})"
        lines.append(line)
    if not lines:
        return ""
    return renderer.text("\n".join(lines), channel, values)
