"""Content report for the content owner: `make content-report`.

Writes build/content-report.html: every item with its reading grade, word count,
review date, sources and the channels that render it, plus every service with its
areas and when it was last verified. Built with Jinja2 (autoescape on), so item text
and addresses are escaped.
"""
from __future__ import annotations

import datetime as dt
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


def render(content: Content, today: dt.date | None = None, root: Path = CONTENT_DIR) -> str:
    today = today or dt.date.today()
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]))
    return env.get_template("content-report.html").render(
        today=today, rows=rows(content, today, root), services=services(content, today), max_grade=MAX_GRADE,
    )


def write(path: Path = OUTPUT, root: Path = CONTENT_DIR, today: dt.date | None = None) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render(load(root), today, root), encoding="utf-8")
    return path


if __name__ == "__main__":
    print(f"content report: {write(Path(sys.argv[1]) if len(sys.argv) > 1 else OUTPUT)}")
