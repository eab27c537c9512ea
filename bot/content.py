"""Load and check the content items: the single source of everything the bot says.

Rasa-free on purpose: the actions, the channels, the script printer and the tests
all use this module, and it loads in milliseconds.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

CONTENT_DIR = Path(__file__).resolve().parent.parent / "content"
ID_PATTERN = re.compile(r"^(stage|rights|help|safety|dates|glossary|meta)/[a-z0-9-]+$")
TEXT_FIELDS = ("title", "web", "more", "rights", "sms", "ask", "result")
# Follow-ups she may ask about the item she is on, each answered from the item's
# own `answers` (see content/README.md).
FOLLOW_UP_KINDS = ("allowed", "who", "say_no", "how_long", "appeal", "free", "what_now")
STAGE_ONLY_FIELDS = ("rights", "ask_her", "check", "next")


@dataclass(frozen=True)
class Source:
    title: str
    url: str


@dataclass(frozen=True)
class Option:
    """A choice an item offers with its own label ("The police took them"): an item to
    show, or an intent of the hand-written domain (`intent: checkin_no`)."""
    label: str
    id: str = ""
    intent: str = ""

    @property
    def payload(self) -> str:
        return "/" + (self.intent or intent_for(self.id))


@dataclass(frozen=True)
class Item:
    id: str
    title: str
    web: str
    sms: str
    sources: tuple[Source, ...]
    last_reviewed: dt.date
    path: Path
    more: str = ""
    rights: str = ""
    ask_her: tuple[str, ...] = ()
    check: tuple[str, ...] = ()
    next: tuple[str, ...] = ()
    follow_ups: tuple[str, ...] = ()
    review_notes: str = ""
    ask: str = ""                 # dates/: the question for the date it counts from
    result: str = ""              # dates/: the worked-out answer, with {{ start }} and {{ due }}
    asked: bool = True            # False: said by the bot (errors, channel words), never asked for
    answers: tuple[tuple[str, str], ...] = ()   # (follow-up kind, answer text), see FOLLOW_UP_KINDS
    then: str = ""                # an item sent straight after this one (a feeling, then the help)
    options: tuple[Option, ...] = ()  # labelled choices (a triage question), instead of follow-up titles
    language: str = ""            # ISO 639-1 code of an item written in another language
    needs_native_review: bool = False

    def answer(self, kind: str) -> str:
        return dict(self.answers).get(kind, "")

    @property
    def group(self) -> str:
        return self.id.split("/", 1)[0]

    @property
    def is_stage(self) -> bool:
        return self.group == "stage"

    @property
    def intent(self) -> str:
        return intent_for(self.id)


@dataclass(frozen=True)
class Content:
    items: dict[str, Item]
    services: dict[str, dict]
    labels: dict[str, str]
    labels_reviewed: dt.date | None = None
    stage_order: tuple[str, ...] = field(default=())

    def item(self, content_id: str) -> Item:
        return self.items[content_id]

    def by_intent(self, intent: str) -> Item | None:
        return _intent_index(self).get(intent)

    def previous_stage(self, stage_id: str) -> str | None:
        """The stage that usually comes before this one: the first that lists it as next."""
        for candidate in self.stage_order:
            if stage_id in self.items[candidate].next:
                return candidate
        return None


class ContentError(ValueError):
    """A content file cannot be loaded; the message names the file and the fix."""


def intent_for(content_id: str) -> str:
    """`stage/icpc` -> `stage_icpc`: every item has one intent named from its id."""
    return content_id.replace("/", "_").replace("-", "_")


def _intent_index(content: Content) -> dict[str, Item]:
    return {item.intent: item for item in content.items.values()}


def _text(value, where: str, name: str) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ContentError(f"{where}: `{name}` should be text")
    return value.strip()


def _ids(value, where: str, name: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ContentError(f"{where}: `{name}` should be a list of content ids")
    return tuple(value)


def _answers(value, where: str) -> tuple[tuple[str, str], ...]:
    if value is None:
        return ()
    if not isinstance(value, dict):
        raise ContentError(f"{where}: `answers` should map follow-up kinds to text")
    for kind, text in value.items():
        if kind not in FOLLOW_UP_KINDS:
            raise ContentError(f"{where}: `answers` has `{kind}`; use one of {', '.join(FOLLOW_UP_KINDS)}")
        if not isinstance(text, str) or not text.strip():
            raise ContentError(f"{where}: `answers.{kind}` should be text")
    return tuple((kind, value[kind].strip()) for kind in FOLLOW_UP_KINDS if kind in value)


def _options(value, where: str) -> tuple[Option, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(
            isinstance(v, dict) and v.get("label") and bool(v.get("id")) != bool(v.get("intent")) for v in value):
        raise ContentError(f"{where}: `options` should be a list of a `label` with an `id` (or an `intent`)")
    return tuple(Option(str(v["label"]), str(v.get("id") or ""), str(v.get("intent") or "")) for v in value)


def _sources(value, where: str) -> tuple[Source, ...]:
    if not isinstance(value, list) or not value:
        raise ContentError(f"{where}: add at least one source (title and url) under `sources`")
    sources = []
    for entry in value:
        if not isinstance(entry, dict) or not entry.get("title") or not entry.get("url"):
            raise ContentError(f"{where}: each source needs a `title` and a `url`")
        sources.append(Source(str(entry["title"]), str(entry["url"])))
    return tuple(sources)


def _date(value, where: str, name: str) -> dt.date:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise ContentError(f"{where}: `{name}` should be a date like 2026-11-25") from None


def load_item(path: Path, root: Path) -> Item:
    where = str(path.relative_to(root.parent) if root.parent in path.parents else path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise ContentError(f"{where}: not valid YAML ({error})") from None
    if not isinstance(data, dict):
        raise ContentError(f"{where}: should be a set of fields (id, title, web, ...)")
    expected_id = path.relative_to(root / "items").with_suffix("").as_posix()
    if data.get("id") != expected_id:
        raise ContentError(f"{where}: `id` should be {expected_id} to match the file name")
    if not ID_PATTERN.match(expected_id):
        raise ContentError(f"{where}: ids look like stage/icpc (lower case, hyphens)")
    for name in ("title", "web", "sms"):
        if not _text(data.get(name), where, name):
            raise ContentError(f"{where}: `{name}` is missing; every item needs one")
    if not expected_id.startswith("stage/"):
        for name in STAGE_ONLY_FIELDS:
            if data.get(name):
                raise ContentError(f"{where}: `{name}` is only for stage items; remove it")
    return Item(
        id=expected_id,
        title=_text(data["title"], where, "title"),
        web=_text(data["web"], where, "web"),
        sms=_text(data["sms"], where, "sms"),
        more=_text(data.get("more"), where, "more"),
        rights=_text(data.get("rights"), where, "rights"),
        ask_her=tuple(_text(q, where, "ask_her") for q in data.get("ask_her") or ()),
        check=tuple(_text(q, where, "check") for q in data.get("check") or ()),
        next=_ids(data.get("next"), where, "next"),
        follow_ups=_ids(data.get("follow_ups"), where, "follow_ups"),
        sources=_sources(data.get("sources"), where),
        last_reviewed=_date(data.get("last_reviewed"), where, "last_reviewed"),
        review_notes=_text(data.get("review_notes"), where, "review_notes"),
        ask=_text(data.get("ask"), where, "ask"),
        result=_text(data.get("result"), where, "result"),
        asked=data.get("asked", True) is not False,
        answers=_answers(data.get("answers"), where),
        then=_text(data.get("then"), where, "then"),
        options=_options(data.get("options"), where),
        language=_text(data.get("language"), where, "language"),
        needs_native_review=data.get("needs_native_review") is True,
        path=path,
    )


# The order a family may meet the stages, as the contract lists them; used for
# "go back" when she has not been anywhere before in this conversation.
STAGE_ORDER = (
    "early-help child-in-need referral-assessment strategy-discussion section-47 icpc "
    "cp-plan review-conference pre-birth removed-at-birth section-20 pre-proceedings fgc "
    "viability-assessment epo police-protection care-proceedings interim-care-order "
    "looked-after-reviews cmh assessments irh final-hearing orders placement-adoption contact "
    "appeal appeal-interim discharge after-removal"
).split()


def service_files(root: Path = CONTENT_DIR) -> list[Path]:
    """services.yml, then national services by topic, then one file per local area."""
    national = sorted((root / "services" / "national").glob("*.yml"))
    local = sorted((root / "services" / "local").glob("*.yml"))
    return [root / "services.yml", *national, *local]


def load_services(root: Path = CONTENT_DIR) -> dict[str, dict]:
    """Every service by key; adding an area is adding a file to content/services/local/."""
    services: dict[str, dict] = {}
    for path in service_files(root):
        where = path.relative_to(root.parent) if root.parent in path.parents else path
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except yaml.YAMLError as error:
            raise ContentError(f"{where}: not valid YAML ({error})") from None
        if not isinstance(data, dict):
            raise ContentError(f"{where}: should map service keys to their fields")
        for key in data:
            if key in services:
                raise ContentError(f"{where}: service `{key}` is already defined; give it another key")
        services.update(data)
    return services


def load(root: Path = CONTENT_DIR) -> Content:
    """Read every item, the services file and the labels. Raises ContentError."""
    items: dict[str, Item] = {}
    for path in sorted((root / "items").rglob("*.yml")):
        item = load_item(path, root)
        items[item.id] = item
    services = load_services(root)
    labels_file = yaml.safe_load((root / "labels.yml").read_text(encoding="utf-8")) or {}
    stage_order = tuple(f"stage/{name}" for name in STAGE_ORDER if f"stage/{name}" in items)
    stage_order += tuple(sorted(i for i in items if i.startswith("stage/") and i not in stage_order))
    return Content(
        items=items,
        services=services,
        labels=dict(labels_file.get("labels") or {}),
        labels_reviewed=labels_file.get("last_reviewed"),
        stage_order=stage_order,
    )


@lru_cache(maxsize=1)
def default_content() -> Content:
    """The shipped content, loaded once per process (it does not change while running)."""
    return load()


def reference_problems(content: Content) -> list[str]:
    """Follow-ups and `next` ids that point nowhere, named with the file to fix."""
    problems = []
    for item in content.items.values():
        linked = (("follow_ups", item.follow_ups), ("next", item.next), ("then", (item.then,) if item.then else ()),
                  ("options", tuple(o.id for o in item.options if o.id)))
        for name, ids in linked:
            for target in ids:
                if target not in content.items:
                    problems.append(f"{item.path.name} ({item.id}): `{name}` names {target}, which does not exist")
                elif name == "next" and not target.startswith("stage/"):
                    problems.append(f"{item.path.name} ({item.id}): `next` should list stages only, not {target}")
    return problems
