"""Content linter: `make lint-content`. Errors name the file and the fix.

Checks every item against the project's style targets (shared content-style.md):
schema, reading level, sentence and message length, SMS size, blame words, typed
numbers or addresses, sources and review dates, follow-ups that resolve. Checks every
service (content/services.yml and content/services/local/, the generated councils.yml
too) for sources, a `last_verified` date, who it is for, the areas it covers and, for
a line she can call or text, its opening times; that no `web` address (nor a council's
home page in areas/local_authorities.csv) is an abolished council's website or has a "/"
after a file name; and that every council has its children's services and at least two
more local entries. Warnings (review due within
a month) do not fail.

    python -m bot.lint                       # the shipped content
    python -m bot.lint --root DIR --today 2026-11-25
"""
from __future__ import annotations

import argparse
import datetime as dt
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import yaml

from bot import ids
from bot.content import CONTENT_DIR, Content, ContentError, load, reference_problems, service_files
from bot.readability import grade as reading_grade
from bot.render import Channel, Renderer
from bot.sms.segments import is_gsm, segments

MAX_GRADE = 6.0
MAX_SENTENCE_WORDS = 20
MAX_WEB_WORDS = 80
MAX_SMS_SEGMENTS = 3
# Settings an item may say (bot/privacy/settings.py) that are off by default.
SWITCHED_SETTINGS = ("keep_user_text",)
SMS_OPTIONS_ALLOWANCE = 80   # room left in an SMS for the numbered choices a channel adds
REVIEW_DAYS, WARN_DAYS = 365, 335
MIN_LOCAL_ENTRIES = 3        # children's services and at least two more, for every council
GENERATED = Path("services") / "local" / "councils.yml"   # scripts/refresh_areas.py writes it
# The style guide's list (content-style.md, "No blame or labels"), and close variants.
BLAME_WORDS = ("unfit", "failed to engage", "non-compliant", "noncompliant", "chaotic", "bad mother",
               "bad parent", "neglectful mother", "refused to cooperate", "uncooperative")
TYPED_CONTACT = re.compile(
    r"\b0\d{3,4} ?\d{3} ?\d{3,4}\b|\b116 ?\d{3}\b|\b999\b|https?://|www\.|\b[a-z0-9-]+\.(org|gov|com|co)\.?(uk)?\b"
)
PHONE = re.compile(r"^[0-9 ]+$")
# A "/" after a file name ("index.aspx/") makes a different address, which the site often does not serve.
SLASH_AFTER_FILE = re.compile(r"/[^/?#]+\.(?:aspx?|php\d?|html?|shtml|jsp|cfm|cgi|pdf)/(?:[?#]|$)", re.IGNORECASE)
# The not-a-lawyer line is said once per web conversation, by its own item (issue 18);
# an SMS text stands alone, so a stage's text may carry it.
NOT_A_LAWYER_WORDS = re.compile(r"not a lawyer|i explain the (process|law)", re.IGNORECASE)
NOT_A_LAWYER_ITEMS = (ids.NOT_A_LAWYER, "meta/bot-identity")
# A doubt in a review note or a service's `check` is marked UNVERIFIED, the one mark
# `make content-report` lists (bot/content_report.py); other words for it are not.
UNMARKED_DOUBT = re.compile(r"\b(?:unverified|[Nn]ot (?:verified|checked))\b(?! \(UNVERIFIED\))|\bCONFLICT\b(?! \(UNVERIFIED\))")
# Item fields shown to people, with the channel each is rendered for when checked.
SHOWN_FIELDS = ("web", "more", "rights", "sms", "ask", "result")


@dataclass(frozen=True)
class Finding:
    where: str
    message: str
    error: bool = True

    def __str__(self) -> str:
        return f"{'ERROR' if self.error else 'warn '} {self.where}: {self.message}"


def sentences(text: str) -> list[str]:
    # List lines and paragraphs end sentences too, even without a full stop.
    parts = re.split(r"(?<=[.!?])\s+|\n+", text)
    return [p.strip(" -") for p in parts if re.search(r"[A-Za-z]", p)]


def words(text: str) -> list[str]:
    return re.findall(r"[A-Za-z0-9][A-Za-z0-9'’\-]*", text)


def _sample_values() -> dict[str, str]:
    """Worked-out values (dates) that `result` templates are checked with."""
    try:
        from bot.deadlines import SAMPLE_VALUES
    except ImportError:
        return {}
    return dict(SAMPLE_VALUES)


def _where(path: Path, root: Path) -> str:
    return str(path.relative_to(root.parent)) if root.parent in path.parents else str(path)


def _review_age(where: str, what: str, date: dt.date, today: dt.date) -> list[Finding]:
    age = (today - date).days
    if age > REVIEW_DAYS:
        return [Finding(where, f"{what} {age} days ago; check it again and update the date (at most 12 months)")]
    if age > WARN_DAYS:
        return [Finding(where, f"{what} on {date}: due for review within a month", error=False)]
    return []


def _words_checks(where: str, name: str, raw: str) -> list[Finding]:
    """Checks on the text as written: typed contacts and blame words."""
    findings = []
    if TYPED_CONTACT.search(raw):
        findings.append(Finding(where, f"`{name}` has a phone number or address typed in; "
                                       "add it to services.yml and use phone()/web()"))
    lowered = raw.lower()
    for blame in BLAME_WORDS:
        if blame in lowered:
            findings.append(Finding(where, f"`{name}` uses \"{blame}\"; describe what happened, not what she is"))
    return findings


def _doubt_checks(where: str, name: str, notes: str) -> list[Finding]:
    found = UNMARKED_DOUBT.search(notes or "")
    if not found:
        return []
    return [Finding(where, f"`{name}` has a doubt marked \"{found.group(0)}\"; write UNVERIFIED, as in "
                           f"\"{found.group(0)} (UNVERIFIED)\", so the content report lists it")]


def _sentence_checks(where: str, name: str, text: str) -> list[Finding]:
    return [
        Finding(where, f"`{name}` has a {len(words(s))}-word sentence; split it: \"{s[:50]}...\"")
        for s in sentences(text) if len(words(s)) > MAX_SENTENCE_WORDS
    ]


def _shown(item) -> list[tuple[str, str]]:
    """(field name, raw text) of every field shown to people, follow-up answers included."""
    fields = [(name, getattr(item, name, "")) for name in SHOWN_FIELDS]
    fields += [(f"answers.{kind}", text) for kind, text in item.answers]
    return [(name, raw) for name, raw in fields if raw]


def lint_items(content: Content, root: Path, today: dt.date) -> list[Finding]:
    renderer = Renderer(content)
    samples = _sample_values()
    findings = [Finding(f"{_where(root / 'items', root)}", p) for p in reference_problems(content)]
    for item in content.items.values():
        where = _where(item.path, root)
        findings += _review_age(where, "last reviewed", item.last_reviewed, today)
        findings += _words_checks(where, "title", item.title)
        findings += _doubt_checks(where, "review_notes", item.review_notes)
        for name, raw in _shown(item):
            findings += _words_checks(where, name, raw)
            if name != "sms" and item.id not in NOT_A_LAWYER_ITEMS and NOT_A_LAWYER_WORDS.search(raw):
                findings.append(Finding(where, f"`{name}` says the not-a-lawyer line; the web chat says it "
                                               f"once, from {ids.NOT_A_LAWYER}"))
            # A text that says a setting (`keep_user_text` in meta/privacy) is checked as
            # it reads with the setting on too, so turning it on cannot break a limit.
            variants = [samples if name == "result" else None]
            if any(setting in raw for setting in SWITCHED_SETTINGS):
                variants.append({**(variants[0] or {}), **{k: True for k in SWITCHED_SETTINGS}})
            for values in variants:
                findings += _rendered_checks(where, item, name, raw, renderer, values)
    return findings


def _rendered_checks(where: str, item, name: str, raw: str, renderer: Renderer, values: dict | None) -> list[Finding]:
    """The checks on one field as it reads once rendered: length, sentences, grade, SMS fit."""
    findings: list[Finding] = []
    try:
        text = renderer.text(raw, Channel.SMS if name == "sms" else Channel.WEB, values)
    except ContentError as error:
        findings.append(Finding(where, f"`{name}`: {error}; fix the {{{{ }}}} in it"))
        return findings
    if item.language:  # another language: English reading scores mean nothing here
        if name == "sms" and segments(text + "x" * SMS_OPTIONS_ALLOWANCE) > MAX_SMS_SEGMENTS:
            findings.append(Finding(where, f"`sms` is {len(text)} characters; it must fit "
                                           f"{MAX_SMS_SEGMENTS} texts with its choices"))
        return findings
    findings += _sentence_checks(where, name, text)
    if name in ("web", "rights") or name.startswith("answers."):
        if len(words(text)) > MAX_WEB_WORDS:
            findings.append(Finding(where, f"`{name}` is {len(words(text))} words; keep it to "
                                           f"{MAX_WEB_WORDS} and move detail to `more`"))
    if name in ("web", "sms", "rights") or name.startswith("answers."):
        grade = reading_grade(text)
        if grade > MAX_GRADE:
            findings.append(Finding(where, f"`{name}` reads at grade {grade:.1f}; use shorter words "
                                           f"and sentences (target {MAX_GRADE:.0f})"))
    if name == "sms":
        if segments(text + "x" * SMS_OPTIONS_ALLOWANCE) > MAX_SMS_SEGMENTS:
            findings.append(Finding(where, f"`sms` is {len(text)} characters; with its choices it must "
                                           f"fit {MAX_SMS_SEGMENTS} texts (about 380 characters)"))
        if not is_gsm(text):
            findings.append(Finding(where, "`sms` has a character (curly quote, dash, emoji) that makes "
                                           "texts shorter; use plain ones"))
    return findings


def _area_codes(root: Path) -> set[str] | None:
    table = root / "areas" / "local_authorities.csv"
    if not table.exists():
        return None
    import csv

    with table.open(encoding="utf-8", newline="") as handle:
        return {row["code"] for row in csv.DictReader(handle)}


def site_host(url: str) -> str:
    """"https://www.allerdale.gov.uk/x" -> "allerdale.gov.uk" (scripts/refresh_areas.py does the same)."""
    from urllib.parse import urlsplit

    host = urlsplit(str(url).strip()).netloc.lower().split(":")[0]
    return host[4:] if host.startswith("www.") else host


def _abolished(root: Path) -> dict[str, str]:
    """Website host of a council that no longer exists -> "Allerdale, a council abolished on 2023-04-01 (now Cumberland)".

    From areas/abolished_councils.csv, which scripts/refresh_areas.py writes.
    """
    table = root / "areas" / "abolished_councils.csv"
    if not table.exists():
        return {}
    import csv

    names = _area_names(root)
    with table.open(encoding="utf-8", newline="") as handle:
        return {site_host(row["homepage"]): f"{row['name']}, a council abolished on {row['ended']} (now "
                + " and ".join(names.get(code, code) for code in row["replaced_by"].split()) + ")"
                for row in csv.DictReader(handle) if row.get("homepage")}


def _area_names(root: Path) -> dict[str, str]:
    table = root / "areas" / "local_authorities.csv"
    if not table.exists():
        return {}
    import csv

    with table.open(encoding="utf-8", newline="") as handle:
        return {row["code"]: row["name"] for row in csv.DictReader(handle)}


def _address_checks(here: str, name: str, url: str, abolished: dict[str, str]) -> list[Finding]:
    """A web address that points at an abolished council, or has a "/" after a file name."""
    findings = []
    council = abolished.get(site_host(url))
    if council:
        findings.append(Finding(here, f"`{name}` {url} is the website of {council}; use the current "
                                      "council's website"))
    if SLASH_AFTER_FILE.search(str(url)):
        findings.append(Finding(here, f"`{name}` {url} has a \"/\" after a file name; remove that \"/\""))
    return findings


def lint_area_homepages(root: Path) -> list[Finding]:
    """Each council's home page in areas/local_authorities.csv: a current website, a real address."""
    table = root / "areas" / "local_authorities.csv"
    if not table.exists():
        return []
    import csv

    abolished = _abolished(root)
    where = _where(table, root)
    findings = []
    with table.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if row.get("homepage"):
                findings += [Finding(f"{where} ({row['code']} {row['name']})",
                                     f.message + " (fix scripts/refresh_areas.py or homepages_extra.csv, then run it)")
                             for f in _address_checks("", "homepage", row["homepage"], abolished)]
    return findings


def _date(value) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        return None


def lint_service(where: str, key: str, fields, today: dt.date, codes: set[str] | None,
                 abolished: dict[str, str] | None = None) -> list[Finding]:
    here = f"{where} ({key})"
    if not isinstance(fields, dict):
        return [Finding(here, "should be a set of fields (name, for, web, sources, ...)")]
    findings = []
    if not fields.get("name"):
        findings.append(Finding(here, "add a `name`"))
    sources = fields.get("sources")
    if not isinstance(sources, list) or not sources or not all(
            isinstance(s, dict) and s.get("title") and s.get("url") for s in sources):
        findings.append(Finding(here, "add at least one source (title and url) under `sources`"))
    verified = _date(fields.get("last_verified"))
    if verified is None:
        findings.append(Finding(here, "add `last_verified`, a date like 2026-11-25, when you last checked it"))
    else:
        findings += _review_age(here, "last verified", verified, today)
    national, areas = fields.get("national") is True, fields.get("areas")
    if national == bool(areas):
        findings.append(Finding(here, "set either `national: true` or `areas` (a list of local authority codes)"))
    if areas and codes is not None:
        for code in areas:
            if code not in codes:
                findings.append(Finding(here, f"area {code} is not in content/areas/local_authorities.csv; "
                                              "fix the code or add the area"))
    if (areas or fields.get("rank") is not None) and not fields.get("for"):
        findings.append(Finding(here, "add `for`: who the service is for, in plain words"))
    for name in ("for", "hours"):
        text = fields.get(name)
        if text:
            findings += [f for f in _words_checks(here, name, str(text)) if "typed in" not in f.message]
            findings += _sentence_checks(here, name, str(text))
    web = fields.get("web")
    if web and not str(web).startswith(("https://", "http://")):
        findings.append(Finding(here, "`web` should be a full address starting https://"))
    if web:
        findings += _address_checks(here, "web", str(web), abolished or {})
    phone = fields.get("phone")
    if phone and not PHONE.match(str(phone)):
        findings.append(Finding(here, "`phone` should be digits and spaces, in quotes, like \"0808 801 0366\""))
    for source in sources if isinstance(sources, list) else ():
        if isinstance(source, dict) and source.get("url") and not str(source["url"]).startswith(("https://", "http://")):
            findings.append(Finding(here, "each source `url` should be a full address starting https://"))
        if isinstance(source, dict) and source.get("url") and SLASH_AFTER_FILE.search(str(source["url"])):
            findings.append(Finding(here, f"source {source['url']} has a \"/\" after a file name; remove that \"/\""))
    findings += _opening_checks(here, fields)
    findings += _doubt_checks(here, "check", str(fields.get("check") or ""))
    rank = fields.get("local_rank")
    if rank is not None and (not isinstance(rank, int) or rank < 1):
        findings.append(Finding(here, "`local_rank` should be a whole number, 1 for children's services"))
    return findings


def _opening_checks(here: str, fields: dict) -> list[Finding]:
    """A line she can call or text, or one with `hours`, says when it is open, in a form the bot reads."""
    from bot.directory import NOT_PUBLISHED, OpeningError, parse_opening

    opening = fields.get("opening")
    talks = fields.get("phone") or fields.get("text_number")
    if opening is None:
        advice = ("add `opening` (when the line is open, e.g. `opening: {always: true}` or "
                  "`mon-fri: \"09:30-15:00\"`), or `opening: not_published` with a `check` note")
        if talks:
            return [Finding(here, advice)]
        if fields.get("hours"):  # hours in words only: the bot cannot say if it is open now
            return [Finding(here, advice, error=False)]
        return []
    if opening == NOT_PUBLISHED:
        if not fields.get("check"):
            return [Finding(here, "`opening: not_published` needs a `check` note saying where to find the times")]
        return []
    try:
        parse_opening(opening)
    except OpeningError as error:
        return [Finding(here, f"{error}")]
    return []


def lint_area_coverage(content: Content, root: Path) -> list[Finding]:
    """Every council with children's services has its children's services and two more entries."""
    from bot.directory import load_areas, services_for

    if not (root / "areas" / "local_authorities.csv").exists() or not (root / GENERATED).exists():
        return []  # a tree without the generated council entries (a test fixture) is not checked
    data = load_areas(root)
    where = _where(root / "services" / "local", root)
    findings = []
    for code in sorted({a.upper_code for a in data.authorities.values()}):
        local, _ = services_for(code, content, data)
        name = data.authorities[code].name if code in data.authorities else code
        if not any(s.kind == "childrens_services" for s in local):
            findings.append(Finding(where, f"{name} ({code}) has no children's services entry (`kind: "
                                           "childrens_services`); run scripts/refresh_areas.py services"))
        if len(local) < MIN_LOCAL_ENTRIES:
            findings.append(Finding(where, f"{name} ({code}) has {len(local)} local entries; every area needs "
                                           f"at least {MIN_LOCAL_ENTRIES}"))
    return findings


def lint_services(root: Path, today: dt.date) -> list[Finding]:
    codes = _area_codes(root)
    abolished = _abolished(root)
    findings = []
    for path in service_files(root):
        if not path.exists():
            continue
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for key, fields in data.items():
            findings += lint_service(_where(path, root), key, fields, today, codes, abolished)
    return findings


def lint_labels(content: Content, root: Path) -> list[Finding]:
    where = _where(root / "labels.yml", root)
    findings = []
    for key, text in content.labels.items():
        findings += _words_checks(where, f"labels.{key}", str(text))
    return findings


def lint(content: Content, today: dt.date | None = None, root: Path = CONTENT_DIR) -> list[Finding]:
    today = today or dt.date.today()
    return (lint_items(content, root, today) + lint_services(root, today) + lint_labels(content, root)
            + lint_area_coverage(content, root) + lint_area_homepages(root))


def lint_tree(root: Path = CONTENT_DIR, today: dt.date | None = None) -> list[Finding]:
    """Lint a content folder; a file that cannot be loaded (schema) is an error too."""
    try:
        content = load(root)
    except ContentError as error:
        return [Finding("schema", str(error))]
    return lint(content, today, root)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--root", type=Path, default=CONTENT_DIR, help="content folder to check")
    parser.add_argument("--today", type=dt.date.fromisoformat, default=None, help="date to check reviews against")
    args = parser.parse_args(argv)
    findings = lint_tree(args.root, args.today)
    for finding in findings:
        print(finding)
    errors = sum(f.error for f in findings)
    print(f"content lint: {args.root}: {errors} errors, {len(findings) - errors} warnings")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
