"""Content report for the content owner: `make content-report`.

Writes build/content-report.html: every item with its reading grade, word count,
review date, sources and the channels that render it, plus every service with its
areas and when it was last verified. Built with Jinja2 (autoescape on), so item text
and addresses are escaped.

Two lists come first, because a reviewer acts on them: every claim still marked
UNVERIFIED in an item's `review_notes` (or a service's `check`), and every item past
its review date. Both are also printed as a summary when the report is made.
"""
from __future__ import annotations

import datetime as dt
import re
import sys
from dataclasses import dataclass
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape

from bot.content import CONTENT_DIR, Content, ContentError, Item, load
from bot.lint import MAX_GRADE, REVIEW_DAYS, WARN_DAYS, lint, words
from bot.readability import grade as reading_grade
from bot.render import Channel, Renderer

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "build" / "content-report.html"
TEMPLATES = Path(__file__).resolve().parent / "templates"


@dataclass(frozen=True)
class Row:
    item: Item
    grade: float
    sms_grade: float
    web_words: int
    channels: tuple[str, ...]
    review_due: dt.date
    status: str                 # ok, due (within a month), overdue
    problems: tuple[str, ...]


@dataclass(frozen=True)
class Claim:
    """One sentence of a review note (or a service's `check`) that is marked UNVERIFIED."""
    where: str        # an item id, or "service <key>"
    text: str


MARK = "UNVERIFIED"
_SENTENCE_END = re.compile(r"(?<=[.!?;])\s+(?=[A-Z\"(])")
# A marked sentence this short, or one that points back ("This is UNVERIFIED as a national
# rule"), is shown with the sentence before it, which says the claim.
_SHORT = 8
_POINTS_BACK = re.compile(r"(?:This|That|These|It|Its|Both|Neither)\b")


def marked_claims(where: str, notes: str) -> list[Claim]:
    """The sentences of notes that carry the UNVERIFIED mark, each with enough context.

    Notes are wrapped prose or "- " bullets: a bullet or paragraph is one run of text,
    split into sentences; a short marked sentence keeps the sentence before it.
    """
    claims, before = [], ""   # before: the last sentence of the block before (a bullet)
    for block in re.split(r"\n\s*\n|\n\s*-\s+|^\s*-\s+", notes or ""):
        text = " ".join(block.split())
        if not text:
            continue
        sentences = _SENTENCE_END.split(text)
        for i, sentence in enumerate(sentences):
            previous = sentences[i - 1] if i else before
            if MARK in sentence and previous and (len(sentence.split()) < _SHORT or _POINTS_BACK.match(sentence)):
                sentence = f"{previous} {sentence}"
            if MARK in sentence:
                claims.append(Claim(where, sentence))
        before = sentences[-1]
    return claims


def unverified(content: Content) -> list[Claim]:
    """Every claim still marked UNVERIFIED: items by id, then services by key."""
    claims = []
    for item in sorted(content.items.values(), key=lambda i: i.id):
        claims += marked_claims(item.id, item.review_notes)
    for key, fields in sorted(content.services.items()):
        if isinstance(fields, dict):
            claims += marked_claims(f"service {key}", str(fields.get("check") or ""))
    return claims


def _status(last: dt.date, today: dt.date) -> str:
    age = (today - last).days
    return "overdue" if age > REVIEW_DAYS else "due" if age > WARN_DAYS else "ok"


def _channels(renderer: Renderer, item: Item) -> tuple[str, ...]:
    """The channels that render this item without an error."""
    shown = []
    for channel in Channel:
        try:
            if renderer.message(item.id, channel).text:
                shown.append(channel.value)
        except ContentError:
            pass  # the linter reports the broken template; here it just is not listed
    return tuple(shown)


def rows(content: Content, today: dt.date, root: Path = CONTENT_DIR) -> list[Row]:
    renderer = Renderer(content)
    problems: dict[str, list[str]] = {}
    for finding in lint(content, today, root):
        problems.setdefault(finding.where, []).append(str(finding))
    out = []
    for item in sorted(content.items.values(), key=lambda i: i.id):
        web = renderer.field(item, "web", Channel.WEB)
        sms = renderer.field(item, "sms", Channel.SMS)
        where = str(item.path.relative_to(root.parent)) if root.parent in item.path.parents else str(item.path)
        out.append(Row(
            item=item,
            grade=reading_grade(web),
            sms_grade=reading_grade(sms),
            web_words=len(words(web)),
            channels=_channels(renderer, item),
            review_due=item.last_reviewed + dt.timedelta(days=REVIEW_DAYS),
            status=_status(item.last_reviewed, today),
            problems=tuple(problems.get(where, ())),
        ))
    return out


def services(content: Content, today: dt.date) -> list[dict]:
    out = []
    for key, fields in sorted(content.services.items()):
        verified = fields.get("last_verified")
        verified = verified if isinstance(verified, dt.date) else None
        out.append({
            "key": key, "name": fields.get("name", key), "for": fields.get("for", ""),
            "areas": "national" if fields.get("national") else ", ".join(fields.get("areas") or ()),
            "last_verified": verified, "status": _status(verified, today) if verified else "overdue",
            "sources": fields.get("sources") or [], "check": fields.get("check", ""),
        })
    return out


def overdue(report_rows: list[Row]) -> list[Row]:
    """Items past their review date (12 months after `last_reviewed`), oldest first."""
    return sorted((r for r in report_rows if r.status == "overdue"), key=lambda r: (r.item.last_reviewed, r.item.id))


def render(content: Content, today: dt.date | None = None, root: Path = CONTENT_DIR) -> str:
    today = today or dt.date.today()
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]))
    report_rows = rows(content, today, root)
    return env.get_template("content-report.html").render(
        today=today, rows=report_rows, services=services(content, today), max_grade=MAX_GRADE,
        unverified=unverified(content), overdue=overdue(report_rows),
    )


def summary(content: Content, today: dt.date | None = None, root: Path = CONTENT_DIR, width: int = 160) -> str:
    """The two lists as plain text: what `make content-report` prints."""
    today = today or dt.date.today()
    claims, late = unverified(content), overdue(rows(content, today, root))
    places = len({c.where for c in claims})
    lines = [f"{len(claims)} claims still marked {MARK}, in {places} items and services:"]
    for claim in claims:
        text = claim.text if len(claim.text) <= width else claim.text[: width - 3] + "..."
        lines.append(f"  {claim.where}: {text}")
    lines.append(f"{len(late)} items past their review date (12 months after last_reviewed):")
    lines += [f"  {r.item.id}: last reviewed {r.item.last_reviewed}, due {r.review_due}" for r in late]
    return "\n".join(lines)


def write(path: Path = OUTPUT, root: Path = CONTENT_DIR, today: dt.date | None = None) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render(load(root), today, root), encoding="utf-8")
    return path


if __name__ == "__main__":
    written = write(Path(sys.argv[1]) if len(sys.argv) > 1 else OUTPUT)
    print(summary(load()))
    print(f"content report: {written}")
