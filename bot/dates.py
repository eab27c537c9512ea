"""Dates as mothers in England write them, GOV.UK formatting, and working days.

Rasa-free on purpose: the actions call this, and it is tested without a model.

Rules worth knowing (the bot explains deadlines from dates she gives us):
- Day first, always: "3/4/26" is 3 April 2026. We never swap to the US order,
  so "5/13/2026" is "impossible", not 13 May.
- A date with no year is in this year (even if that puts it in the future;
  deadlines.direction_problem catches that).
- A bare weekday ("monday", "on monday") is the most recent one, today included,
  because she usually tells us when something already happened. "last monday" is
  the most recent one before today; "next monday", "this coming monday" and
  "this monday" are the first one after today ("this" includes today).
- "on the 14th" is the 14th of this month ("of last month" / "of next month" move it).
- A bare number is never a date: it needs a date shape (d/m, d/m/y, an ordinal with
  "the"/"on", a month name, or a relative phrase such as "in 3 days").
- Naive datetimes are London wall-clock times; aware ones are converted to London.
"""
from __future__ import annotations

import re
import unicodedata
import zoneinfo
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache

import holidays
from dateutil import parser as date_parser
from dateutil.relativedelta import relativedelta

LONDON = zoneinfo.ZoneInfo("Europe/London")
MAX_TEXT = 500          # longer messages are cut before any regex runs
FAR = relativedelta(years=2)

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTHS = ("January", "February", "March", "April", "May", "June", "July",
          "August", "September", "October", "November", "December")

MISSING, IMPOSSIBLE, AMBIGUOUS, TOO_FAR = "missing", "impossible", "ambiguous", "too_far"


@dataclass(frozen=True)
class DateResult:
    """date is set when problem is None or "too_far" (so the bot can echo it)."""
    date: date | None
    problem: str | None


# --- London time and GOV.UK formatting -------------------------------------------

def _in_london(dt: datetime) -> datetime:
    return dt.replace(tzinfo=LONDON) if dt.tzinfo is None else dt.astimezone(LONDON)


def today_in_london(now: datetime | None = None) -> date:
    """The date in England now (servers may run on UTC; near midnight that differs)."""
    return datetime.now(LONDON).date() if now is None else _in_london(now).date()


def format_date(d: date) -> str:
    """GOV.UK style: "Tuesday 1 September 2026". Own names, so no locale surprises."""
    return f"{WEEKDAYS[d.weekday()]} {d.day} {MONTHS[d.month - 1]} {d.year}"


def format_time(dt: datetime) -> str:
    """GOV.UK 12-hour style: "3:05pm", "10am", "midday", "midnight"."""
    if (dt.hour, dt.minute) == (12, 0):
        return "midday"
    if (dt.hour, dt.minute) == (0, 0):
        return "midnight"
    hour = dt.hour % 12 or 12
    minutes = f":{dt.minute:02d}" if dt.minute else ""
    return f"{hour}{minutes}{'am' if dt.hour < 12 else 'pm'}"


def format_datetime(dt: datetime) -> str:
    """"Tuesday 1 September 2026 at 3:05pm", in London time."""
    local = _in_london(dt)
    return f"{format_date(local.date())} at {format_time(local)}"


# --- Working days (England and Wales bank holidays) ------------------------------

@lru_cache(maxsize=None)
def _bank_holidays(year: int) -> frozenset[date]:
    # holidays computes by rule (incl. substitute days such as 28 December 2026),
    # so it works offline and for future years; one-off royal holidays need a release.
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year))


def _as_date(d: date) -> date:
    # datetime is a date subclass but never equals a date, so set lookups would miss.
    return d.date() if isinstance(d, datetime) else d


def is_bank_holiday(d: date) -> bool:
    """An England and Wales bank holiday, Christmas Day or Good Friday (any day of the week)."""
    d = _as_date(d)
    return d in _bank_holidays(d.year)


def is_working_day(d: date) -> bool:
    """Monday to Friday, not an England and Wales bank holiday."""
    d = _as_date(d)
    return d.weekday() < 5 and not is_bank_holiday(d)


def add_working_days(start: date, n: int) -> date:
    """The nth working day after start (start itself is not counted; n=0 gives start)."""
    if n < 0:
        raise ValueError("n must be 0 or more")
    d = _as_date(start)
    while n:
        d += timedelta(days=1)
        if is_working_day(d):
            n -= 1
    return d


def working_days_between(a: date, b: date) -> int:
    """Working days after a, up to and including b (negative if b is before a)."""
    a, b = _as_date(a), _as_date(b)
    if b < a:
        return -working_days_between(b, a)
    return sum(is_working_day(a + timedelta(days=i)) for i in range(1, (b - a).days + 1))


# --- Finding a date in a message --------------------------------------------------

_MONTH_RE = (r"(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
             r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)")
_ORD = r"(?:st|nd|rd|th)"
# "26", "'26" or "2026"; not a time ("3 march 10am") or a measure ("26 weeks").
_YEAR = r"(?:'?(\d{2})|(\d{4}))(?![\d:]|\s*(?:[ap]\.?m\b|days?\b|weeks?\b|months?\b|years?\b))"
_NO_DIGIT_BEFORE = r"(?<![\d/.\-])"
_NO_DIGIT_AFTER = r"(?![\d/]|\.\d)"
# A fraction or measure is not a date: "1/2 an hour", "3/4 of the way".
_NOT_A_FRACTION = r"(?!\s*(?:an?\s+|of\b)|\s*(?:hours?|hrs?|miles?|kg|cups?|mins?)\b)"

_NUMERIC = re.compile(
    _NO_DIGIT_BEFORE + r"(?!24/7\b)(\d{1,2})/(\d{1,2})(?:/" + r"(\d{4}|\d{2}))?" + _NO_DIGIT_AFTER
    + _NOT_A_FRACTION
    # Dots and dashes only with a year: "3.5" is a number and "3-4" a range.
    + r"|" + _NO_DIGIT_BEFORE + r"(\d{1,2})([.\-])(\d{1,2})\5(\d{4}|\d{2})" + _NO_DIGIT_AFTER
)
_ISO = re.compile(_NO_DIGIT_BEFORE + r"(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?!\d)")
_DAY_MONTH = re.compile(
    r"(?<![\d.])\b(\d{1,2})" + _ORD + r"?(?:\s+of)?\s*" + _MONTH_RE + r"\b\.?(?:,?\s*" + _YEAR + r")?")
_MONTH_DAY = re.compile(
    r"\b" + _MONTH_RE + r"\.?\s+(?:the\s+)?(\d{1,2})" + _ORD + r"?(?![\d:])\b(?:,?\s*" + _YEAR + r")?")
# "on the 14th", "by 3rd", "the 14th of last month". Followed by any other word
# ("the 3rd time", "the 2nd hearing", "3rd child") it is not a date.
_AFTER_ORDINAL = (r"(?:at|and|or|but|so|when|we|she|he|they|it|my|the|in|please|then|was|is"
                  r"|because|for|to|about|around|after|before|which|that|this|last|next|of)")
_ORDINAL = re.compile(
    r"(?:\b(?:on|by|since|from|until|till|before|after)\s+(?:the\s+)?|\bthe\s+|^\s*)"
    r"(\d{1,2})" + _ORD + r"\b(?:\s+of)?(?:\s+(this|last|next)\s+month\b)?"
    r"(?!\s+(?!" + _AFTER_ORDINAL + r"\b)[a-z]{2,})"
)

_WORD_NUMBERS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5,
                 "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11,
                 "twelve": 12}
_COUNT = r"(\d{1,6}|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)"
_UNIT = r"(days?|weeks?|fortnights?|months?|years?)"
_IN = re.compile(r"\bin\s+" + _COUNT + r"\s+" + _UNIT + r"\b")
_AGO = re.compile(r"\b" + _COUNT + r"\s+" + _UNIT + r"\s+ago\b")
_BARE_FORTNIGHT = re.compile(r"(?:^|\s)(fortnight)\s+ago\b|\bin\s+a\s+(fortnight)\b")

_DAY_WORDS = {"today": 0, "tonight": 0, "this morning": 0, "this afternoon": 0,
              "this evening": 0, "yesterday": -1, "last night": -1, "tomorrow": 1,
              "day before yesterday": -2, "day after tomorrow": 2}
# Longest first, so "day before yesterday" wins over "yesterday".
_DAY_WORD = re.compile(r"\b(" + "|".join(sorted(_DAY_WORDS, key=len, reverse=True)) + r")\b")
_TEXT_SPEAK = [(re.compile(r"\b(?:2moro|2morro|2morrow|2mrw|tmrw|tmr|tomoz|tommorow|tomorow)\b"),
                "tomorrow"),
               (re.compile(r"\b(?:yday|yest|yesterdy|yesturday|yestarday)\b"), "yesterday"),
               (re.compile(r"\b(?:2day|tday)\b"), "today")]

_WEEKDAY_NAMES = {"monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4,
                  "saturday": 5, "sunday": 6}
_WEEKDAY_SHORT = {"mon": 0, "tue": 1, "tues": 1, "wed": 2, "weds": 2, "thu": 3, "thur": 3,
                  "thurs": 3, "fri": 4, "sat": 5, "sun": 6}
# Short names ("sat", "sun", "wed") are ordinary words, so they need a prefix.
_WEEKDAY = re.compile(
    r"\b(last|next|this\s+coming|this|coming|on)?\s*\b(" + "|".join(_WEEKDAY_NAMES)
    + r"|" + "|".join(sorted(_WEEKDAY_SHORT, key=len, reverse=True)) + r")\b")

_AMBIGUOUS = re.compile(
    r"\b(?:soon|sometime|some\s+time|a\s+while|ages\s+ago|recently|lately|the\s+other\s+day"
    r"|spring|summer|autumn|winter|christmas|xmas|easter|half[\s-]term|weekend"
    r"|(?:next|last|this)\s+(?:week|month|year)|few\s+(?:days|weeks|months)"
    r"|couple\s+of\s+(?:days|weeks|months)|(?:days|weeks|months|years)\s+ago)\b"
    # A month with no day: "in march", "end of may", "june".
    r"|\b(?:in|of|during|since|by|until|early|mid|late)[\s-]+" + _MONTH_RE + r"\b"
    r"|\b(?:january|february|march|april|june|july|august|sept(?:ember)?|october|november"
    r"|december)\b"
)


def _full_year(two_or_four: str, today: date) -> int:
    """Two-digit years go to the nearest century to today (not to the server clock)."""
    year = int(two_or_four)
    if len(two_or_four) == 4:
        return year
    year += today.year // 100 * 100
    return year - 100 if year > today.year + 50 else year


def _parse(text: str, today: date) -> date:
    """dateutil does the calendar work; its default fills a missing year with today's."""
    default = datetime(today.year, today.month, today.day)
    return date_parser.parse(text, dayfirst=True, default=default).date()


def _absolute(text: str, today: date) -> tuple[int, date | str] | None:
    """The first written date: (position, date) or (position, IMPOSSIBLE)."""
    found: list[tuple[int, str]] = []   # (position, normalised text for dateutil)
    for m in _ISO.finditer(text):
        found.append((m.start(), f"{m[3]}/{m[2]}/{m[1]}"))
    for m in _NUMERIC.finditer(text):
        if m[1]:
            day, month, year = m[1], m[2], m[3]
        else:
            day, month, year = m[4], m[6], m[7]
        if int(day) > 31 and not year:
            continue                               # "50/50" is odds, not a date
        if not 1 <= int(month) <= 12:
            found.append((m.start(), ""))          # dateutil would swap to US order
            continue
        found.append((m.start(), f"{day}/{month}" + (f"/{_full_year(year, today)}" if year else "")))
    for pattern, day_at, month_at in ((_DAY_MONTH, 1, 2), (_MONTH_DAY, 2, 1)):
        for m in pattern.finditer(text):
            year = m[3] or m[4]
            found.append((m.start(), f"{m[day_at]} {m[month_at]}"
                          + (f" {_full_year(year, today)}" if year else "")))
    if not found:
        return None
    position, normalised = min(found, key=lambda f: f[0])
    try:
        return position, _parse(normalised, today) if normalised else IMPOSSIBLE
    except (ValueError, OverflowError):      # ParserError is a ValueError
        return position, IMPOSSIBLE


def _ordinal(text: str, today: date) -> date | str | None:
    m = _ORDINAL.search(text)
    if not m:
        return None
    month = today.replace(day=1) + relativedelta(months={"last": -1, "next": 1}.get(m[2], 0))
    try:
        return month.replace(day=int(m[1]))
    except ValueError:
        return IMPOSSIBLE


def _relative(text: str, today: date) -> date | None:
    m = _DAY_WORD.search(text)
    if m:
        return today + timedelta(days=_DAY_WORDS[m[1]])
    m = _BARE_FORTNIGHT.search(text)
    if m:
        return today + timedelta(weeks=-2 if m[1] else 2)
    for pattern, sign in ((_IN, 1), (_AGO, -1)):
        m = pattern.search(text)
        if m:
            count = _WORD_NUMBERS.get(m[1]) or int(m[1])
            unit = m[2].rstrip("s")
            step = {"day": relativedelta(days=count), "week": relativedelta(weeks=count),
                    "fortnight": relativedelta(weeks=2 * count),
                    "month": relativedelta(months=count), "year": relativedelta(years=count)}[unit]
            return today + step if sign > 0 else today - step
    return None


def _weekday(text: str, today: date) -> date | None:
    for m in _WEEKDAY.finditer(text):
        name, prefix = m[2], re.sub(r"\s+", " ", m[1] or "")
        if name in _WEEKDAY_SHORT and not prefix and text.strip() != name:
            continue
        target = _WEEKDAY_NAMES.get(name, _WEEKDAY_SHORT.get(name))
        back = (today.weekday() - target) % 7      # days since the most recent one
        if prefix == "on":
            prefix = ""
        if prefix == "last":
            return today - timedelta(days=back or 7)
        if prefix in ("next", "this coming", "coming"):
            return today + timedelta(days=(target - today.weekday()) % 7 or 7)
        if prefix == "this":
            return today + timedelta(days=(target - today.weekday()) % 7)
        return today - timedelta(days=back)
    return None


def _clean(text: object) -> str:
    if not isinstance(text, str):
        return ""
    # NFKC turns full-width digits and slashes into plain ones; then lower case.
    text = unicodedata.normalize("NFKC", text[:MAX_TEXT])[:MAX_TEXT].lower()
    text = text.replace("\u2019", "'")
    for pattern, word in _TEXT_SPEAK:
        text = pattern.sub(word, text)
    return text


def _check_range(d: date, today: date) -> DateResult:
    if d < today - FAR or d > today + FAR:
        return DateResult(d, TOO_FAR)
    return DateResult(d, None)


def find_date(text: str, today: date) -> DateResult:
    """The date in a message. Written dates beat relative words ("monday 3 march")."""
    text = _clean(text)
    try:
        absolute = _absolute(text, today)
        if absolute:
            found = absolute[1]
        else:
            found = _ordinal(text, today) or _relative(text, today) or _weekday(text, today)
    except (ValueError, OverflowError):   # e.g. "in 9999 years" runs past the calendar
        return DateResult(None, TOO_FAR)
    if found == IMPOSSIBLE:
        return DateResult(None, IMPOSSIBLE)
    if isinstance(found, date):
        return _check_range(found, today)
    if _AMBIGUOUS.search(text):
        return DateResult(None, AMBIGUOUS)
    return DateResult(None, MISSING)
