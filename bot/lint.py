"""Content linter: `make lint-content`. Errors name the file and the fix.

Checks every item against the project's style targets (shared content-style.md):
reading level, sentence and message length, SMS size, blame words, typed numbers or
addresses, sources and review dates. Warnings (review due within a month) do not fail.
"""
from __future__ import annotations

import datetime as dt
import re
import sys
from dataclasses import dataclass

from bot.readability import grade as reading_grade

from bot.content import Content, ContentError, load, reference_problems
from bot.render import Channel, Renderer
from bot.sms_text import is_gsm, segments

MAX_GRADE = 6.0
MAX_SENTENCE_WORDS = 20
MAX_WEB_WORDS = 80
MAX_SMS_SEGMENTS = 3
SMS_OPTIONS_ALLOWANCE = 80   # room left in an SMS for the numbered choices a channel adds
REVIEW_DAYS, WARN_DAYS = 365, 335
BLAME_WORDS = ("unfit", "failed to engage", "non-compliant", "noncompliant", "chaotic", "bad mother",
               "bad parent", "neglectful mother", "refused to cooperate", "uncooperative")
TYPED_CONTACT = re.compile(r"\b0\d{3,4} ?\d{3} ?\d{3,4}\b|\b116 ?\d{3}\b|\b999\b|https?://|www\.|\b[a-z0-9-]+\.(org|gov|com|co)\.?(uk)?\b")


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


def lint(content: Content, today: dt.date | None = None) -> list[Finding]:
    today = today or dt.date.today()
    renderer = Renderer(content)
    findings = [Finding("content/items", p) for p in reference_problems(content)]
    for item in content.items.values():
        where = f"content/items/{item.id}.yml"
        age = (today - item.last_reviewed).days
        if age > REVIEW_DAYS:
            findings.append(Finding(where, f"last reviewed {age} days ago; review it and set `last_reviewed`"))
        elif age > WARN_DAYS:
            findings.append(Finding(where, f"review due within a month (last reviewed {item.last_reviewed})", False))
        for name in ("web", "more", "rights", "sms"):
            raw = getattr(item, name)
            if not raw:
                continue
            if TYPED_CONTACT.search(raw):
                findings.append(Finding(where, f"`{name}` has a phone number or address typed in; add it to services.yml and use phone()/web()"))
            lowered = raw.lower()
            for blame in BLAME_WORDS:
                if blame in lowered:
                    findings.append(Finding(where, f"`{name}` uses \"{blame}\"; describe what happened, not what she is"))
            text = renderer.field(item, name, Channel.SMS if name == "sms" else Channel.WEB)
            for sentence in sentences(text):
                if len(words(sentence)) > MAX_SENTENCE_WORDS:
                    findings.append(Finding(where, f"`{name}` has a {len(words(sentence))}-word sentence; split it: \"{sentence[:50]}...\""))
            if name in ("web", "rights") and len(words(text)) > MAX_WEB_WORDS:
                findings.append(Finding(where, f"`{name}` is {len(words(text))} words; keep it to {MAX_WEB_WORDS} and move detail to `more`"))
            if name in ("web", "sms", "rights"):
                grade = reading_grade(text)
                if grade > MAX_GRADE:
                    findings.append(Finding(where, f"`{name}` reads at grade {grade:.1f}; use shorter words and sentences (target {MAX_GRADE:.0f})"))
            if name == "sms":
                if segments(text + "x" * SMS_OPTIONS_ALLOWANCE) > MAX_SMS_SEGMENTS:
                    findings.append(Finding(where, f"`sms` is {len(text)} characters; with its choices it must fit {MAX_SMS_SEGMENTS} texts (about 380 characters)"))
                if not is_gsm(text):
                    findings.append(Finding(where, "`sms` has a character (curly quote, dash, emoji) that makes texts shorter; use plain ones"))
    return findings


def main() -> int:
    try:
        content = load()
    except ContentError as error:
        print(f"ERROR {error}")
        return 1
    findings = lint(content)
    for finding in findings:
        print(finding)
    errors = sum(f.error for f in findings)
    print(f"content lint: {len(content.items)} items, {errors} errors, {len(findings) - errors} warnings")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
