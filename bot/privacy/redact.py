"""Take identifying details out of a piece of text before it is stored.

Used only when an operator turns on keeping text (KEEP_USER_TEXT): what she typed is
kept to improve the bot, with phone numbers, emails, postcodes, National Insurance
and NHS numbers, street addresses and names she introduces replaced by a label such
as "[phone]". Phone numbers are found by Google's `phonenumbers` matcher and NHS
numbers are checked with `python-stdnum`; the other patterns are ours and are tested
in tests/test_privacy_redact.py. When in doubt this errs towards removing too much:
a removed word costs a little training data, a kept name could cost her safety.
"""
from __future__ import annotations

import re
from typing import Callable

import phonenumbers
from stdnum.gb import nhs

REGION = "GB"  # numbers written without +44 are read as UK numbers

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)

# UK postcodes (outward code, optional space, inward code), including GIR 0AA.
POSTCODE = re.compile(
    r"\b(?:GIR\s?0AA|[A-PR-UWYZ][A-HK-Y]?[0-9][0-9A-HJKMNPR-Y]?\s?[0-9][ABD-HJLNP-UW-Z]{2})\b",
    re.IGNORECASE,
)

# National Insurance numbers: two letters, six digits (often written in pairs), then
# A, B, C or D. Any two letters count, not only the prefixes HMRC issues: a mistyped
# number still points at her.
NI_NUMBER = re.compile(r"\b[A-Z]{2}\s?\d{2}\s?\d{2}\s?\d{2}\s?[A-D]\b", re.IGNORECASE)

# Ten digits, as 3-3-4 or run together: an NHS number if its check digit is right.
TEN_DIGITS = re.compile(r"(?<![\d+])\d{3}[\s-]?\d{3}[\s-]?\d{4}(?!\d)")

# Any other long run of digits (9 or more, with the separators people type) is
# removed too: a bank card, a case number or a phone number the matcher missed.
LONG_NUMBER = re.compile(r"(?<![\w+])\+?\(?\d(?:[\s().-]{0,2}\d){8,}")

STREET_WORDS = (
    "road|rd|street|st|avenue|ave|lane|ln|close|drive|dr|way|court|ct|crescent|cres|place|pl|"
    "gardens|gdns|grove|terrace|hill|park|walk|row|square|sq|mews|view|rise|green|parade|gate|"
    "vale|mount|end|fields|meadow|meadows|wharf|yard|hall|house|estate|cottages|villas"
)
# "12 Acacia Avenue", "flat 3, 14b high st", "22 the old lane".
ADDRESS = re.compile(
    rf"\b(?:(?:flat|apartment|apt|unit)\s*\d+[a-z]?,?\s*)?\d{{1,4}}[a-z]?,?\s+"
    rf"(?:[a-z][a-z'-]*\s+){{1,3}}(?:{STREET_WORDS})\b\.?",
    re.IGNORECASE,
)
FLAT = re.compile(r"\b(?:flat|apartment|apt)\s*\d+[a-z]?\b", re.IGNORECASE)

# Names she introduces. A name is one or two words; after a linking phrase ("is
# called", "her name is") any word counts, otherwise only a capitalised one or one
# that is not an everyday word, so "my son is 4" and "my son has asthma" survive.
RELATIONS = (
    "son|daughter|baby|child|kid|boy|girl|partner|husband|wife|boyfriend|girlfriend|ex|"
    "fiance|fiancee|mum|mom|mother|dad|father|sister|brother|nan|nana|gran|grandma|grandad|"
    "aunt|auntie|uncle|cousin|friend|neighbour|niece|nephew|stepson|stepdaughter|"
    "social worker|worker|solicitor|health visitor|midwife|teacher|carer|foster carer|"
    "eldest|youngest|oldest|little one|children|kids|sons|daughters|twins"
)
LINK = r"(?:\s+is\s+called|\s+called|\s+named|['’]s\s+name\s+is|\s+whose\s+name\s+is|\s+is\s+named|,)"
NAME_WORD = r"[A-Za-z][A-Za-z'’-]*"
RELATION_NAME = re.compile(
    rf"\b(?P<lead>(?:my|our|her|his|their|the)\s+(?:{RELATIONS}))(?P<link>{LINK})?\s+"
    rf"(?P<name>{NAME_WORD}(?:\s+{NAME_WORD})?)",
    re.IGNORECASE,
)
NAME_IS = re.compile(
    rf"\b(?P<lead>(?:my|his|her|their|your|the\s+\w+['’]s)\s+name\s+is|my\s+name['’]s|call\s+me|"
    rf"(?:i['’]?m|i\s+am|this\s+is|it['’]?s|he['’]?s|she['’]?s)\s+called)\s+(?P<name>{NAME_WORD}(?:\s+{NAME_WORD})?)",
    re.IGNORECASE,
)
# "I'm Kerry", "I am Kerry Smith", "this is Kerry": only a capitalised word, because
# "I'm scared" is the far more common sentence.
I_AM = re.compile(
    r"\b(?P<lead>(?i:i['’]?m|i\s+am|this\s+is))\s+(?P<name>[A-Z][a-z'’-]+(?:\s+[A-Z][a-z'’-]+)?)"
)

# Words that follow "my son" or "I'm" and are not names (kept lower-case).
NOT_NAMES = frozenset(
    """
    a an the and or but so if is are was were has had have will would can could should may might must
    does did do doesnt didnt dont isnt wasnt wont cant who whom whose which that what when where
    why how to in on at of for from with about by as into over after before since until not no
    yes very really just only also too still even now then here there all both each any some
    lives lived living stays stayed staying went goes going gone got gets getting came comes
    coming said says told tells asked asks wants wanted needs needed likes liked loves loved
    hates hated keeps kept takes took seems seemed feels felt looks looked being been be age
    aged years year months month weeks week days day old young little big small baby babies
    school nursery hospital home care foster house away back out up down off again ok okay
    currently usually always never sometimes often being
    i im ive id me my mine you your he him his she her they them their we us our it its
    scared worried afraid frightened sad angry upset tired confused lost alone fine good bad
    sorry sure unsure struggling trying pregnant ill sick unwell ready late here well not
    """.split()
)


def _looks_like_name(words: str) -> bool:
    return words.split()[0].lower().replace("'", "").replace("’", "") not in NOT_NAMES


def _replace_names(text: str) -> str:
    def relation(match: re.Match) -> str:
        name = match.group("name")
        words = name.split()
        # Keep the second word if it is an everyday word ("my son Jay is 4").
        if len(words) == 2 and words[1].lower() in NOT_NAMES:
            name, rest = words[0], " " + words[1]
        else:
            rest = ""
        if not _looks_like_name(name):
            return match.group(0)
        return f"{match.group('lead')}{match.group('link') or ''} [name]{rest}"

    def named(match: re.Match) -> str:
        words = match.group("name").split()
        if not _looks_like_name(words[0]):
            return match.group(0)
        rest = " " + words[1] if len(words) == 2 and words[1].lower() in NOT_NAMES else ""
        return f"{match.group('lead')} [name]{rest}"

    text = NAME_IS.sub(named, text)
    text = RELATION_NAME.sub(relation, text)
    return I_AM.sub(named, text)


def _replace_phone_numbers(text: str) -> str:
    spans = [
        (m.start, m.end)
        for m in phonenumbers.PhoneNumberMatcher(text, REGION, leniency=phonenumbers.Leniency.VALID)
    ]
    for start, end in reversed(spans):
        text = text[:start] + "[phone]" + text[end:]
    return text


def _nhs_or_number(match: re.Match) -> str:
    return "[NHS number]" if nhs.is_valid(re.sub(r"\D", "", match.group(0))) else match.group(0)


def _long_number(match: re.Match) -> str:
    return "[phone]" if match.group(0).lstrip("(").startswith(("0", "+")) else "[number]"


STEPS: tuple[Callable[[str], str], ...] = (
    lambda t: EMAIL.sub("[email]", t),
    lambda t: NI_NUMBER.sub("[NI number]", t),
    lambda t: POSTCODE.sub("[postcode]", t),
    _replace_phone_numbers,  # before NHS numbers: some phone numbers pass the NHS check digit
    lambda t: TEN_DIGITS.sub(_nhs_or_number, t),
    lambda t: LONG_NUMBER.sub(_long_number, t),
    lambda t: ADDRESS.sub("[address]", t),
    lambda t: FLAT.sub("[address]", t),
    _replace_names,
)


def redact(text: str | None) -> str | None:
    """The text with identifying details replaced by labels such as [phone]."""
    if not text:
        return text
    for step in STEPS:
        text = step(text)
    return text
