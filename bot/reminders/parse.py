"""Read a reminder request: what the event is, and its day and time in London.

The day comes from `bot.dates.find_date` (UK rules: day first, GOV.UK names), with
one change of direction: a reminder is always for something still to come, so a
date with no year that went by months ago means next year ("14 January", said in
December), and a bare weekday means the next one, not the last one.

The time is read here. "10am", "10.30am", "2:30 pm", "14:00", "midday", "at 3" and
"3 o'clock" are all times; a bare number never is ("14 January" has no time). An
hour with no am or pm is read the way appointments are made: 8 to 11 in the
morning, 12 at midday, 1 to 7 in the afternoon ("in the morning" / "in the
evening" change that). She is always shown the time back, so she can correct it.

Nothing here keeps or logs what she typed.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone

from dateutil.relativedelta import relativedelta

from bot import dates

LONDON = dates.LONDON
MAX_TEXT = 500
# A date with no year that went by less than this long ago is a mistake to ask about
# ("5 December", said on the 10th), not next year's.
RECENTLY_GONE_DAYS = 60

# Problems, each answered by a kind re-ask (bot/reminders/dialogue.py).
NO_DATE, NO_TIME, BAD_DATE, BAD_TIME, PAST, TOO_FAR = "no_date", "no_time", "bad_date", "bad_time", "past", "too_far"

CONFERENCE, CORE_GROUP, MEETING, HEARING, CONTACT, APPOINTMENT = (
    "conference", "core_group", "meeting", "hearing", "contact", "appointment")
KINDS = (CONFERENCE, CORE_GROUP, MEETING, HEARING, CONTACT, APPOINTMENT)
DEFAULT_KIND = APPOINTMENT

# Longest and most particular first: "family group conference" is a meeting, not a
# child protection conference; "review hearing" is a hearing.
_KIND_WORDS: tuple[tuple[str, str], ...] = (
    (r"family\s+group\s+(?:conference|meeting|decision)|\bfgc\b|\bfgdm\b", MEETING),
    (r"core\s*-?\s*gr(?:ou)?p|\bcg\s+(?:meeting|mtg)", CORE_GROUP),
    (r"conferen[cs]e|\bconf\b|\bi?cpc\b|\brcpc\b", CONFERENCE),
    (r"hearing|\bcourt\b|\bjudge\b|\bmagistrates?\b|\birh\b|\bcmh\b|\bfhdra\b", HEARING),
    (r"\bcontact\b|family\s+time|\bvisit(?:ing)?\b|see(?:ing)?\s+(?:my\s+)?(?:kids?|child(?:ren)?|son|daughter|baby|boys?|girls?)",
     CONTACT),
    (r"appointment|\bappt\b|assessment|\bsolicitor|\bdoctor|\bgp\b|midwife|health\s+visitor|\bscan\b", APPOINTMENT),
    (r"meeting|\bmtg\b|\bmeetin\b|\bcin\b|\bplo\b|pre-?\s*proceedings|\breview\b|\bmeet\b", MEETING),
)
_KIND_RES = tuple((re.compile(pattern), kind) for pattern, kind in _KIND_WORDS)

_REQUEST = re.compile(
    r"\bremind(?:er|ers|ing)?\b|\bremnd\b|\brmd\s+me\b|\breminda\b"
    r"|\btext\s+me\s+(?:the\s+)?(?:day|night|evening|morning)\s+before\b"
    r"|\btxt\s+me\s+(?:the\s+)?(?:day|night)\s+before\b"
    r"|\b(?:don'?t|dont)\s+let\s+me\s+forget\b"
)
# "remind me what a core group is" is a question for the guide, not a reminder.
_QUESTION = re.compile(r"\bremind\s+me\s+(?:again\s+)?(?:of\s+)?(?:what|who|how|why|where|which|whether|if)\b")


@dataclass(frozen=True)
class Found:
    """What a message says about an event. `problem` is None when `when` is complete."""
    kind: str | None                  # None: no kind word (the dialogue uses DEFAULT_KIND)
    day: date | None
    minute: int | None                # minutes after midnight, London wall clock
    problem: str | None = None

    @property
    def when(self) -> datetime | None:
        return at_london(self.day, self.minute) if self.day and self.minute is not None else None


def clean(text: object) -> str:
    if not isinstance(text, str):
        return ""
    text = unicodedata.normalize("NFKC", text[:MAX_TEXT]).lower().replace("\u2019", "'")
    return re.sub(r"\s+", " ", text).strip()


def at_london(day: date, minute: int) -> datetime:
    """The London time on that day, as an aware datetime (right across the clock change).

    A time the spring change skips (01:30 on the last Sunday in March) is moved an
    hour on, as the clocks are; the autumn hour that happens twice is its first time.
    """
    local = datetime.combine(day, time(minute // 60, minute % 60), LONDON)
    if local.astimezone(timezone.utc).astimezone(LONDON).replace(tzinfo=None) != local.replace(tzinfo=None):
        return (local.replace(tzinfo=None) + timedelta(hours=1)).replace(tzinfo=LONDON)
    return local


def kind_of(text: str) -> str | None:
    said = clean(text)
    for pattern, kind in _KIND_RES:
        if pattern.search(said):
            return kind
    return None


def is_request(text: str) -> bool:
    """Whether the message asks for a reminder (not a question that says "remind me what ...")."""
    said = clean(text)
    return bool(_REQUEST.search(said)) and not _QUESTION.search(said)


# --- time ---------------------------------------------------------------------------

_AMPM = re.compile(r"(?<![\d:.])(\d{1,2})(?:[:.](\d{2}))?\s*(a\.?\s?m\.?|p\.?\s?m\.?)(?![a-z])")
_NAMED = re.compile(r"\b(midday|noon|12\s*noon|midnight)\b")
_CLOCK = re.compile(r"(?<![\d/.:])(\d{1,2}):(\d{2})(?![\d:])")
_AT = re.compile(r"\b(?:at|@|for|from|starts?|starting)\s+(?:about\s+|around\s+)?(\d{1,2})(?:\.(\d{2}))?"
                 r"(?!\s*(?:st|nd|rd|th)\b)(?![\d/:.])(?!\s*(?:" + r"jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec"
                 r"|days?|weeks?|months?|years?|mins?|minutes?|hours?|hrs?)\b)")
_OCLOCK = re.compile(r"\b(\d{1,2})\s*o\s*'?\s*clock\b")
_HALF = re.compile(r"\bhalf\s+(?:past\s+)?(\d{1,2})\b(?!\s*(?:st|nd|rd|th|/))")
_MORNING = re.compile(r"\b(?:in\s+the\s+morning|this\s+morning|morning|a\.?m)\b")
_EVENING = re.compile(r"\b(?:afternoon|evening|tonight|night)\b")


def _guess_half_of_day(hour: int, said: str) -> int:
    """An hour 1-12 with no am or pm, as appointments are usually made."""
    if _MORNING.search(said) and hour <= 12:
        return 0 if hour == 12 else hour
    if _EVENING.search(said) and hour < 12:
        return hour + 12
    if hour == 12:
        return 12
    return hour + 12 if hour <= 7 else hour


def find_time(text: str) -> tuple[int | None, str | None]:
    """(minutes after midnight, None), or (None, BAD_TIME), or (None, NO_TIME)."""
    said = clean(text)
    m = _AMPM.search(said)
    if m:
        hour, minute = int(m[1]), int(m[2] or 0)
        if not 1 <= hour <= 12 or minute > 59:
            return None, BAD_TIME
        pm = m[3].startswith("p")
        return (hour % 12 + (12 if pm else 0)) * 60 + minute, None
    m = _NAMED.search(said)
    if m:
        return (0 if m[1] == "midnight" else 12 * 60), None
    m = _CLOCK.search(said)
    if m:
        hour, minute = int(m[1]), int(m[2])
        if hour > 23 or minute > 59:
            return None, BAD_TIME
        if 1 <= hour <= 12:
            hour = _guess_half_of_day(hour, said) if hour < 12 or not _MORNING.search(said) else hour
        return hour * 60 + minute, None
    m = _HALF.search(said)
    if m:
        hour = int(m[1])
        if not 1 <= hour <= 12:
            return None, BAD_TIME
        return _guess_half_of_day(hour, said) * 60 + 30, None
    for pattern in (_OCLOCK, _AT):
        m = pattern.search(said)
        if m:
            hour = int(m[1])
            minute = int(m[2] or 0) if pattern is _AT else 0
            if hour > 23 or minute > 59:
                return None, BAD_TIME
            if hour == 0 or hour > 12:
                return hour * 60 + minute, None
            return _guess_half_of_day(hour, said) * 60 + minute, None
    return None, NO_TIME


# --- day ------------------------------------------------------------------------------

_YEAR_GIVEN = re.compile(r"\b(?:19|20)\d{2}\b|\d{1,2}[/.\-]\d{1,2}[/.\-]\d{2,4}|'\d{2}\b")
_MONTH_GIVEN = re.compile(r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b|\d{1,2}/\d{1,2}")
_WEEKDAY_GIVEN = re.compile(r"\b(?:mon|tues?|wed(?:nes)?|thu(?:rs?)?|fri|sat(?:ur)?|sun)(?:day)?\b")
_LAST = re.compile(r"\blast\b|\bago\b|\byesterday\b")
_ORDINAL_GIVEN = re.compile(r"\b\d{1,2}(?:st|nd|rd|th)\b")


def find_day(text: str, today: date) -> tuple[date | None, str | None]:
    """(the day, None) or (None, a problem). A day before today is PAST."""
    said = clean(text)
    found = dates.find_date(said, today)
    if found.problem == dates.IMPOSSIBLE:
        return None, BAD_DATE
    if found.problem == dates.TOO_FAR:
        return None, TOO_FAR
    if found.date is None:
        return None, NO_DATE
    day = found.date
    if day < today and not _LAST.search(said) and not _YEAR_GIVEN.search(said):
        if _MONTH_GIVEN.search(said) and (today - day).days > RECENTLY_GONE_DAYS:
            try:
                day = day + relativedelta(years=1)
            except ValueError:
                return None, BAD_DATE
            if day.day != found.date.day:  # 29 February in a year without one
                return None, BAD_DATE
        elif _WEEKDAY_GIVEN.search(said):
            day = day + timedelta(days=7 * ((today - day).days // 7 + 1))
        elif _ORDINAL_GIVEN.search(said):
            later = today.replace(day=1) + relativedelta(months=1)
            try:
                day = later.replace(day=found.date.day)
            except ValueError:
                return None, BAD_DATE
    if day < today:
        return day, PAST
    if day > today + dates.FAR:
        return None, TOO_FAR
    return day, None


def read(text: str, now: datetime) -> Found:
    """Everything a message says about the event, and the first problem with it."""
    today = dates.today_in_london(now)
    kind = kind_of(text)
    day, day_problem = find_day(text, today)
    minute, time_problem = find_time(text)
    if day_problem in (BAD_DATE, TOO_FAR):
        return Found(kind, None, minute, day_problem)
    if time_problem == BAD_TIME:
        return Found(kind, day if day_problem is None else None, None, BAD_TIME)
    if day_problem == NO_DATE:
        return Found(kind, None, minute, NO_DATE)
    if day_problem == PAST:
        return Found(kind, day, minute, PAST)
    if time_problem == NO_TIME:
        return Found(kind, day, None, NO_TIME)
    return check(Found(kind, day, minute), now)


def check(found: Found, now: datetime) -> Found:
    """PAST when the whole date and time has already gone."""
    when = found.when
    if when is not None and when <= now.astimezone(LONDON):
        return Found(found.kind, found.day, found.minute, PAST)
    return found
