"""Services near her: map a town, council or postcode to a council, then list local
services first and national ones after, saying which are open now.

Rasa-free. The area data is ONS codes shipped as CSV in content/areas/ (sources.yml
there says where each file comes from; scripts/refresh_areas.py rebuilds them). What
she typed is only matched against that data: it is never kept, logged or rendered.

No guessing across places: a name or postcode is looked up exactly (with known
spellings and aliases). A name close to a known one, or one used by two councils, is
answered with a question and buttons ("Did you mean ...?"), never with a guess.
"""
from __future__ import annotations

import csv
import datetime as dt
import difflib
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo

from bot import ids
from bot.content import CONTENT_DIR, Content, default_content
from bot.render import Channel, Renderer

LONDON = ZoneInfo("Europe/London")
SUGGEST_CUTOFF = 0.8      # "leds" suggests Leeds; "lewes" is never offered for it
MIN_SUGGEST_LENGTH = 4    # shorter words are close to too many names
MAX_SUGGESTIONS = 4
MAX_PLACE_WORDS = 5       # "newcastle upon tyne city centre" is about the longest name people type
MAX_TEXT = 500            # a place is said in a few words; longer text is cut first
SHORT_REPLY_WORDS = 8     # a reply this short may be just a place, or just a postcode district

NATION_CODES = {"W92000004": "wales", "S92000003": "scotland", "N92000002": "northern-ireland"}
NATION_NAMES = {"wales": "Wales", "scotland": "Scotland", "northern-ireland": "Northern Ireland"}
NI_POSTCODE_AREA = "BT"   # every postcode in Northern Ireland starts BT (Code-Point Open covers Great Britain)
# A button answer to "Did you mean ...?": /give_area{"area":"E08000035"}
PAYLOAD = re.compile(r'^\s*/give_area\s*\{\s*"area"\s*:\s*"([EWSN]\d{8})"\s*\}\s*$')
# A full postcode ("TN34 1AA") or its first half ("TN34"), anywhere in the message.
POSTCODE = re.compile(r"\b([A-Z]{1,2}[0-9][A-Z0-9]?)(?:\s*([0-9])[A-Z]{2})?\b", re.I)
# Words after which a place name usually follows: "in Hastings", "near Rye".
BEFORE_PLACE = {"in", "near", "around", "from", "at", "nr"}
# Words she may put around a place when asked where she is.
FILLER = re.compile(
    r"^(?:i\s*a?m|im|i live|we live|we re|we are|my postcode is|postcode|its|it s|live|living|based|"
    r"just|the|in|near|around|from|at|nr|i m)\b\s*",
)
TRAILING = re.compile(r"\s*\b(?:area|council|county|borough|district|city|town|please|thanks|thank you|"
                      r"county council|city council|borough council|district council)\s*$")


def normal(text: str) -> str:
    """How names are compared: lower case, "st" for saint, "and" for "&", no punctuation.

    scripts/refresh_areas.py writes the data with the same rule (a test keeps them equal).
    """
    text = text.lower().replace("&", " and ").replace("’", "'").replace("'", "")
    text = re.sub(r"[^a-z0-9 ]+", " ", text.replace("-", " "))
    text = re.sub(r"\bsaint\b", "st", text)
    return re.sub(r"\s+", " ", text).strip()


# -- areas ------------------------------------------------------------------------

@dataclass(frozen=True)
class Area:
    name: str                 # Hastings
    code: str                 # E07000062 (ONS local authority code)
    upper_code: str           # E10000011: the council that runs children's services there
    upper_name: str           # East Sussex
    kind: str = ""            # county, district, unitary, metropolitan, london, city
    homepage: str = ""

    @property
    def label(self) -> str:
        """How the area is named to her: "Lewes, East Sussex" or "Leeds"."""
        return self.name if self.code == self.upper_code else f"{self.name}, {self.upper_name}"


@dataclass(frozen=True)
class Choice:
    """One button after "Did you mean ...?": a council or another nation."""
    label: str
    code: str                 # an area code, or a nation's code (W92000004)

    @property
    def payload(self) -> str:
        return '/give_area{"area":"' + self.code + '"}'


@dataclass(frozen=True)
class Lookup:
    """What a message says about where she is."""
    area: Area | None = None
    nation: str = ""                     # wales, scotland, northern-ireland
    choices: tuple[Choice, ...] = ()     # ask "Did you mean ...?" with these
    too_wide: bool = False               # "London": ask for her postcode or council instead

    @property
    def found(self) -> bool:
        return bool(self.area or self.nation or self.choices or self.too_wide)


@dataclass(frozen=True)
class AreaData:
    authorities: dict[str, Area]          # by code
    names: dict[str, tuple[str, ...]]     # normalised place or council name -> codes (areas or nations)
    shown: dict[str, str]                 # normalised name -> the name as written
    outward: dict[str, tuple[str, ...]]   # TN34 -> codes
    sectors: dict[str, tuple[str, ...]]   # "SY10 7" -> codes (only where a district is shared)
    nations: dict[str, str]               # normalised place name in Wales, Scotland, NI -> nation


def _rows(path: Path) -> list[dict[str, str]]:
    if not path.exists():
        return []
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _codes(row: dict, name: str = "codes") -> tuple[str, ...]:
    return tuple((row.get(name) or row.get("code") or "").split())


def load_areas(root: Path = CONTENT_DIR) -> AreaData:
    folder = root / "areas"
    authorities = {
        row["code"]: Area(row["name"], row["code"], row["upper_tier_code"], row["upper_tier_name"],
                          row.get("kind", ""), row.get("homepage", ""))
        for row in _rows(folder / "local_authorities.csv")
    }
    names: dict[str, tuple[str, ...]] = {}
    shown: dict[str, str] = {}
    for area in authorities.values():
        names.setdefault(normal(area.name), (area.code,))
        shown.setdefault(normal(area.name), area.name)
    for row in _rows(folder / "places.csv"):
        key = normal(row["place"])
        names[key] = _codes(row)  # places.csv already puts council names first
        shown.setdefault(key, row["place"])
    outward = {row["outward"].upper(): _codes(row) for row in _rows(folder / "postcode_districts.csv")}
    sectors = {row["sector"].upper(): _codes(row) for row in _rows(folder / "postcode_sectors.csv")}
    nations = {normal(row["place"]): row["nation"] for row in _rows(folder / "other_nations.csv")}
    return AreaData(authorities, names, shown, outward, sectors, nations)


@lru_cache(maxsize=1)
def default_areas() -> AreaData:
    return load_areas()


TOO_WIDE = "-"             # places.csv: a name too wide to choose a council for ("London")
# Everyday replies that are close to a place name but are not one: never "Did you mean".
NOT_PLACES = set("""
hello hi hey help home more skip yes no yeah nope ok okay thanks thank please sorry menu back next
what when where why who how maybe later stop start
""".split())


def _result(codes: tuple[str, ...], data: AreaData, place: str = "") -> Lookup:
    """One code: the answer. Several: a question, one button per council or nation."""
    if codes == (TOO_WIDE,):
        return Lookup(too_wide=True)
    known = [c for c in codes if c in data.authorities or c in NATION_CODES]
    if len(known) == 1:
        code = known[0]
        if code in NATION_CODES:
            return Lookup(nation=NATION_CODES[code])
        return Lookup(area=data.authorities[code])
    return Lookup(choices=tuple(_choice(code, data, place) for code in known))


def _choice(code: str, data: AreaData, place: str = "") -> Choice:
    if code in NATION_CODES:
        label = NATION_NAMES[NATION_CODES[code]]
        return Choice(f"{place}, {label}" if place else label, code)
    area = data.authorities[code]
    if place and normal(place) != normal(area.name):
        return Choice(f"{place}, {area.label}", code)
    return Choice(area.label, code)


def _by_postcode(text: str, data: AreaData) -> Lookup | None:
    whole = _whole_reply(normal(text))
    for match in POSTCODE.finditer(text):
        outward, sector_digit = match.group(1).upper(), match.group(2)
        if not sector_digit and whole != outward.lower():
            continue  # "b4 court" is not a postcode; "B4" alone, or "my postcode is B4", is
        if outward.startswith(NI_POSTCODE_AREA) and outward[2:3].isdigit():
            return Lookup(nation="northern-ireland")
        if sector_digit and f"{outward} {sector_digit}" in data.sectors:
            return _result(data.sectors[f"{outward} {sector_digit}"], data)
        if outward in data.outward:
            return _result(data.outward[outward], data)
    return None


def _whole_reply(text: str) -> str:
    """A short reply to "which town?": the place, without "I'm in" or "area"."""
    previous = None
    while previous != text:
        previous, text = text, TRAILING.sub("", FILLER.sub("", text)).strip()
    return text


def _by_name(candidate: str, data: AreaData, rest: str = "") -> Lookup | None:
    """An exact name or known spelling. `rest` (the words after it) may pick one of its councils."""
    if not candidate:
        return None
    if candidate in data.names:
        found = _result(data.names[candidate], data, data.shown.get(candidate, ""))
        if found.choices and rest:  # "Newport Isle of Wight": the words after it choose
            narrowed = _narrow(found.choices, rest, data)
            if narrowed:
                return narrowed
        return found
    if candidate in data.nations:
        return Lookup(nation=data.nations[candidate])
    return None


def _narrow(choices: tuple[Choice, ...], rest: str, data: AreaData) -> Lookup | None:
    words = _whole_reply(rest).split()
    for size in range(min(MAX_PLACE_WORDS, len(words)), 0, -1):
        for start in range(0, len(words) - size + 1):
            codes = data.names.get(" ".join(words[start:start + size]), ())
            if not codes:
                continue
            wanted = set(codes) | {data.authorities[c].upper_code for c in codes if c in data.authorities}
            picked = [c for c in choices
                      if c.code in wanted or (c.code in data.authorities and data.authorities[c.code].upper_code in wanted)]
            if len(picked) == 1:
                return _result((picked[0].code,), data)
    return None


def _prefix_match(words: list[str], data: AreaData) -> Lookup | None:
    """The longest known name at the start of `words` ("hailsham east sussex" -> Hailsham)."""
    for size in range(min(MAX_PLACE_WORDS, len(words)), 0, -1):
        found = _by_name(" ".join(words[:size]), data, " ".join(words[size:]))
        if found:
            return found
    return None


def suggestions(candidate: str, data: AreaData) -> tuple[Choice, ...]:
    """Names close to one she typed, for "Did you mean ...?" (never chosen for her)."""
    if len(candidate) < MIN_SUGGEST_LENGTH or candidate in NOT_PLACES:
        return ()
    close = difflib.get_close_matches(candidate, list(data.names) + list(data.nations),
                                      n=MAX_SUGGESTIONS, cutoff=SUGGEST_CUTOFF)
    choices: list[Choice] = []
    for name in close:
        if name in data.names:
            for code in data.names[name]:
                if code in data.authorities or code in NATION_CODES:
                    choices.append(_choice(code, data, data.shown.get(name, name.title())))
        else:
            nation = data.nations[name]
            code = {v: k for k, v in NATION_CODES.items()}[nation]
            choices.append(Choice(f"{name.title()}, {NATION_NAMES[nation]}", code))
    unique: dict[str, Choice] = {}
    for choice in choices:
        unique.setdefault(choice.label, choice)
    return tuple(list(unique.values())[:MAX_SUGGESTIONS])


def look_up(text: str, data: AreaData | None = None) -> Lookup:
    """Where a message says she is: a council, another nation, a question, or nothing.

    A whole short reply ("Leeds", "I'm in St Leonards-on-Sea", "LS6 2AB") is looked up;
    inside a longer message only a full postcode, or the words after "in", "near"...,
    are, so that "I can't deal with this" is not read as a town.
    """
    data = data or default_areas()
    text = (text or "")[:MAX_TEXT]
    button = PAYLOAD.match(text)
    if button:
        return _result((button.group(1),), data)
    words = normal(text).split()
    short = 0 < len(words) <= SHORT_REPLY_WORDS
    found = _by_postcode(text, data)
    if found:
        return found
    if not words:
        return Lookup()
    if short:
        found = _by_name(" ".join(words), data)  # the name exactly as typed ("Park Town")
        if found:
            return found
        whole = _whole_reply(" ".join(words))
        found = _prefix_match(whole.split(), data)
        if found:
            return found
    for i, word in enumerate(words[:-1]):
        if word not in BEFORE_PLACE:
            continue
        rest = words[i + 1: i + 2 + MAX_PLACE_WORDS]
        if rest and rest[0] == "the":
            rest = rest[1:]
        found = _prefix_match(_whole_reply(" ".join(rest)).split(), data)
        if found:
            return found
    if short:
        close = suggestions(_whole_reply(" ".join(words)), data)
        if close:
            return Lookup(choices=close)
    return Lookup()


def find_area(text: str, data: AreaData | None = None) -> Area | None:
    """The council for a town, council name or postcode in `text`, if there is exactly one."""
    return look_up(text, data).area


# -- opening hours ------------------------------------------------------------------

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
NOT_PUBLISHED = "not_published"
TIME_RANGE = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-4]):([0-5]\d)$")


class OpeningError(ValueError):
    """`opening` in a service cannot be read; the message says how to write it."""


@dataclass(frozen=True)
class Opening:
    """When a service is open, in England time. Empty `week` with always=True: day and night."""
    always: bool = False
    week: tuple[tuple[tuple[dt.time, dt.time], ...], ...] = field(default=((),) * 7)
    bank_holidays: str = "closed"     # closed, or open (the usual hours)

    def _ranges(self, day: dt.date) -> tuple[tuple[dt.time, dt.time], ...]:
        if self.bank_holidays == "closed" and day in bank_holidays(day.year):
            return ()
        return self.week[day.weekday()]

    def is_open(self, now: dt.datetime) -> bool:
        if self.always:
            return True
        now = _london(now)
        return any(start <= now.time() < end or (end == dt.time(0) and now.time() >= start)
                   for start, end in self._ranges(now.date()))

    def closes(self, now: dt.datetime) -> dt.time | None:
        now = _london(now)
        for start, end in self._ranges(now.date()):
            if start <= now.time() < end or (end == dt.time(0) and now.time() >= start):
                return end
        return None

    def next_open(self, now: dt.datetime) -> dt.datetime | None:
        """When it next opens after `now` (within three weeks), in England time."""
        if self.always:
            return None
        now = _london(now)
        for offset in range(0, 22):
            day = now.date() + dt.timedelta(days=offset)
            for start, _ in sorted(self._ranges(day)):
                moment = dt.datetime.combine(day, start, tzinfo=LONDON)
                if moment > now:
                    return moment
        return None


def _london(moment: dt.datetime) -> dt.datetime:
    return moment.replace(tzinfo=LONDON) if moment.tzinfo is None else moment.astimezone(LONDON)


@lru_cache(maxsize=8)
def bank_holidays(year: int) -> frozenset[dt.date]:
    import holidays

    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=[year]).keys())


def _time(text: str) -> dt.time:
    hours, minutes = int(text[:2]), int(text[3:5])
    return dt.time(0) if hours == 24 else dt.time(hours, minutes)


def _days(spec: str) -> list[int]:
    spec = spec.strip().lower()
    if spec == "daily":
        return list(range(7))
    if "-" in spec:
        first, last = spec.split("-", 1)
        if first in DAYS and last in DAYS and DAYS.index(first) <= DAYS.index(last):
            return list(range(DAYS.index(first), DAYS.index(last) + 1))
    elif spec in DAYS:
        return [DAYS.index(spec)]
    raise OpeningError(f"`opening` has `{spec}`; use days like mon, mon-fri, sat-sun or daily")


def parse_opening(value) -> Opening | None:
    """An `opening` field: `always: true`, or days with times, or `not_published`.

        opening:
          mon-fri: "09:30-15:00"       # several ranges: ["09:00-12:00", "13:00-17:00"]
          sat: "09:00-12:30"
          bank_holidays: closed        # or open; closed if left out
    """
    if value is None or value == NOT_PUBLISHED:
        return None
    if not isinstance(value, dict) or not value:
        raise OpeningError("`opening` should be `always: true`, days with times, or not_published")
    if value.get("always") is True:
        if set(value) - {"always"}:
            raise OpeningError("`opening` with `always: true` needs nothing else")
        return Opening(always=True)
    week: list[list[tuple[dt.time, dt.time]]] = [[] for _ in DAYS]
    bank = "closed"
    for spec, times in value.items():
        if spec == "bank_holidays":
            if times not in ("closed", "open"):
                raise OpeningError("`bank_holidays` should be closed or open")
            bank = times
            continue
        days = _days(str(spec))
        if times == "closed":
            continue
        for text in times if isinstance(times, list) else [times]:
            match = TIME_RANGE.match(str(text).strip())
            if not match:
                raise OpeningError(f"`opening.{spec}` has {text!r}; write times as \"09:30-15:00\" (24-hour clock)")
            start, end = _time(str(text)[:5]), _time(str(text)[6:11])
            if end != dt.time(0) and end <= start:
                raise OpeningError(f"`opening.{spec}` closes before it opens: {text!r}")
            for day in days:
                week[day].append((start, end))
    if not any(week):
        raise OpeningError("`opening` gives no open times; use not_published if they are not known")
    return Opening(week=tuple(tuple(sorted(r)) for r in week), bank_holidays=bank)


def clock() -> dt.datetime:
    """Now, in England. Tests replace this (monkeypatch bot.directory.clock)."""
    return dt.datetime.now(LONDON)


def clock_text(moment: dt.time) -> str:
    """9:30am, 3pm, midnight-free: how times are said in this guide."""
    hour = moment.hour % 12 or 12
    suffix = "am" if moment.hour < 12 else "pm"
    return f"{hour}{suffix}" if moment.minute == 0 else f"{hour}:{moment.minute:02d}{suffix}"


def open_status(opening: Opening | None, now: dt.datetime) -> dict[str, str]:
    """Values for the `help/opening-times` item: status always, open, today, tomorrow or later."""
    if opening is None:
        return {}
    if opening.always:
        return {"status": "always"}
    now = _london(now)
    if opening.is_open(now):
        closes = opening.closes(now)
        return {"status": "open", "until": clock_text(closes) if closes and closes != dt.time(0) else ""}
    moment = opening.next_open(now)
    if moment is None:
        return {}
    days = (moment.date() - now.date()).days
    status = "today" if days == 0 else "tomorrow" if days == 1 else "later"
    return {"status": status, "time": clock_text(moment.time()), "day": DAY_NAMES[moment.weekday()]}


# -- services -----------------------------------------------------------------------

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
    local_rank: int = 2       # 1 children's services; curated local entries 2; then the rest
    kind: str = ""
    opening: Opening | None = None

    @property
    def can_talk(self) -> bool:
        """A person she can call or text."""
        return bool(self.phone or (self.text_word and self.text_number))


def _service(key: str, fields: dict) -> Service:
    try:
        opening = parse_opening(fields.get("opening"))
    except OpeningError:
        opening = None  # the linter names the file and the fix; the bot just says no times
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
        local_rank=int(fields.get("local_rank", 2)),
        kind=str(fields.get("kind", "")),
        opening=opening,
    )


def all_services(content: Content) -> dict[str, Service]:
    return {key: _service(key, fields) for key, fields in content.services.items() if isinstance(fields, dict)}


_SERVICES: dict[int, tuple[Content, list[Service]]] = {}


def _services_of(content: Content) -> list[Service]:
    """The services of one loaded Content, read once (content does not change while running)."""
    cached = _SERVICES.get(id(content))
    if cached is None or cached[0] is not content:
        cached = (content, list(all_services(content).values()))
        _SERVICES.clear()
        _SERVICES[id(content)] = cached
    return cached[1]


def services_for(area_code: str | None, content: Content | None = None,
                 data: AreaData | None = None, services: list[Service] | None = None,
                 ) -> tuple[list[Service], list[Service]]:
    """(local, national) services for a council code, local ones first in use.

    A district also gets the services of its county; a county gets those of every
    district in it. Local: children's services first, then the area's own support,
    her district's before the county's. National: those with a `rank`, in rank order.
    """
    content = content or default_content()
    data = data or default_areas()
    services = services if services is not None else _services_of(content)
    national = sorted((s for s in services if s.national and s.rank is not None), key=lambda s: s.rank)
    area = data.authorities.get(area_code or "")
    if area is None:
        return [], national
    wanted = {area.code, area.upper_code}
    if area.code == area.upper_code:  # a county or unitary council: its districts too
        wanted |= {code for code, a in data.authorities.items() if a.upper_code == area.code}
    local = [s for s in services if not s.national and wanted & set(s.areas)]
    local.sort(key=lambda s: (s.local_rank, area.code not in s.areas))
    return local, national


def order_by_opening(services: list[Service], now: dt.datetime) -> list[Service]:
    """Open now first (round-the-clock lines first at night), then by when each opens."""
    now = _london(now)
    night = now.hour >= 20 or now.hour < 8
    far = dt.datetime.max.replace(tzinfo=LONDON)

    def key(pair):
        index, service = pair
        opening = service.opening
        if opening is None:
            return (2, 0, far, index)
        if opening.is_open(now):
            return (0, 0 if (opening.always or not night) else 1, far, index)
        return (1, 0, opening.next_open(now) or far, index)

    return [s for _, s in sorted(enumerate(services), key=key)]


def national_for_now(national: list[Service], now: dt.datetime, limit: int | None = None) -> list[Service]:
    """The national list in rank order (advocacy first), unless its first line is shut now:
    then the lines open day and night come first (at night, at weekends, on bank holidays),
    keeping room for that first line within `limit`, so it is never pushed off the list."""
    if not national or national[0].opening is None or national[0].opening.is_open(now):
        return national
    always = [s for s in national if s.opening is not None and s.opening.always and s.opening.is_open(now)]
    if limit is not None:
        always = always[:max(limit - 1, 0)]
    return always + [s for s in national if s not in always]


def status_text(service: Service, channel: Channel, renderer: Renderer, now: dt.datetime,
                item_id: str = "help/opening-times") -> str:
    """"open now, day and night", "opens at 9:30am tomorrow": the item's words, our values."""
    values = open_status(service.opening, now)
    if not values or item_id not in renderer.content.items:
        return ""
    item = renderer.content.item(item_id)
    return renderer.text(item.sms if channel is Channel.SMS else item.web, Channel.WEB, values)


def service_lines(services: list[Service], channel: Channel, renderer: Renderer, limit: int | None = None,
                  now: dt.datetime | None = None, details: bool = True) -> str:
    """The services as a list: full on the web, numbered and short on SMS.

    Every word comes from the services data and content items through the renderer (so
    HTML gets links and escaping); only the punctuation between the fields is written
    here. With `now`, each service with opening times says whether it is open;
    `details=False` leaves out who it is for and its hours as written (a short list).
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
        status = status_text(service, channel, renderer, now) if now is not None else ""
        if channel is Channel.SMS:
            line = " ".join([f"{number}. {{{{ name({k}) }}}}", *contact])
            if status:
                values[f"s{number}"] = status
                line += f" ({{{{ s{number} }}}})"
            lines.append(line)
            continue
        line = f"- {{{{ name({k}) }}}}"
        if service.about and details:
            values[f"a{number}"] = service.about
            line += f": {{{{ a{number} }}}}"
        if contact:
            line += " " + ", ".join(contact)
        if service.hours and details:
            values[f"h{number}"] = service.hours
            line += f" ({{{{ h{number} }}}})"
        if status:
            values[f"s{number}"] = status
            line += f" {{{{ s{number} }}}}"
        lines.append(line)
    if not lines:
        return ""
    return renderer.text("\n".join(lines), channel, values)


def people_to_talk_to(content: Content, item_id: str = ids.TALK_TO_PERSON,
                      now: dt.datetime | None = None) -> list[Service]:
    """The lines an item names that she can call or text, open ones first.

    The item decides who is listed (the services its text names); if none of them is
    open, every round-the-clock national line is added, so she is never given only
    lines that are shut.
    """
    from bot.scripts.who_can_help import item_service_keys

    now = now or clock()
    services = all_services(content)
    keys = item_service_keys([content.item(item_id)])
    people = [services[k] for k in keys if k in services and services[k].can_talk and services[k].opening]
    if not any(s.opening.is_open(now) for s in people):
        people += [s for s in services.values() if s.national and s.can_talk and s.opening and s.opening.always
                   and s.rank is not None and s not in people]
    return order_by_opening(people, now)
