"""Build the visit scripts and the rights card as HTML (and PDF) from content items.

Item text is rendered by `Renderer.text(..., Channel.HTML)` (escaped, safe links) and
is the only thing the templates mark `|safe`; everything else is autoescaped data.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from bot import ids
from bot.content import Content, Item, default_content
from bot.dates import format_date
from bot.journey import groups as journey_groups
from bot.render import Channel, Renderer
from bot.scripts.who_can_help import Place, Service, find_place, item_service_keys, service, services_for_stage

ROOT = Path(__file__).resolve().parents[2]
OUT_DIR = ROOT / "build" / "scripts"
TEMPLATES = Path(__file__).resolve().parent / "templates"
CARD = "rights-card"
# Advice and crisis lines printed on her card. Not domestic abuse: a card kept at home
# may be found by the person she is afraid of; the chat gives that help privately.
CARD_HELP_ITEMS = ("help/family-rights-group", ids.CRISIS)
# The rights a card kept at home lists: those every mother has at every stage (the
# contract's rights/ list). The many situation-specific rights items stay in the chat
# and the stage scripts, so the card still fits one page.
CARD_RIGHTS = ("rights/legal-aid", "rights/solicitor", "rights/advocate-supporter", "rights/see-reports",
               "rights/interpreter", "rights/complain", "rights/records")
FORMATS = ("html", "pdf")


@dataclass(frozen=True)
class Section:
    """One piece of an item on the page, with its content id (as the chat sends it)."""
    content_id: str
    part: str
    html: str


def area_slug(area: str) -> str:
    """A folder name for an area's scripts: letters, digits and hyphens only."""
    slug = re.sub(r"[^a-z0-9]+", "-", area.lower()).strip("-")[:40].strip("-")
    if not slug:
        raise ValueError("an area name needs at least one letter or number")
    return slug


def resolve_area(area: str | None) -> Place | None:
    """The council area for what was typed, or a ValueError that says what would work."""
    if area is None or not area.strip():
        return None
    place = find_place(area.strip())
    if place is None:
        raise ValueError(f"no council area found for {area.strip()[:60]!r}; try a town, council or postcode")
    return place


class ScriptBuilder:
    def __init__(self, content: Content | None = None, area: str | None = None):
        self.content = content or default_content()
        self.renderer = Renderer(self.content)
        self.place = resolve_area(area)
        self.env = Environment(
            loader=FileSystemLoader(TEMPLATES),
            autoescape=select_autoescape(["html"]),
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
        )

    # -- pieces -------------------------------------------------------------
    def html(self, item: Item, part: str) -> str:
        return self.renderer.field(item, part, Channel.HTML)

    def lines(self, item: Item, part: str) -> list[Section]:
        return [Section(item.id, part, self.renderer.text(line, Channel.HTML)) for line in getattr(item, part)]

    def reviewed(self, *items: Item) -> str:
        return format_date(min(item.last_reviewed for item in items))

    def stem(self, content_id: str) -> str:
        return content_id.split("/", 1)[1]

    def _common(self, ext: str) -> dict:
        return {"labels": self.content.labels, "area": self.place.name if self.place else None, "ext": ext}

    # -- pages --------------------------------------------------------------
    def stage_html(self, stage_id: str, ext: str = "html") -> str:
        """The visit script for one stage. `ext` is what links to other scripts end with."""
        item = self.content.item(stage_id)
        if not item.is_stage:
            raise ValueError(f"{stage_id} is not a stage; use one of: {', '.join(self.content.stage_order)}")
        local, national = services_for_stage(self.renderer, item, self.place)
        return self.env.get_template("stage.html").render(
            **self._common(ext),
            item=item,
            # Parts are named as the chat names them: "main" (web text), "more", "rights".
            explain=[Section(item.id, part, self.html(item, name))
                     for part, name in (("main", "web"), ("more", "more")) if getattr(item, name)],
            ask_her=self.lines(item, "ask_her"),
            check=self.lines(item, "check"),
            rights=Section(item.id, "rights", self.html(item, "rights")) if item.rights else None,
            next_stages=[(self.content.item(n), self.stem(n)) for n in item.next],
            local=local,
            national=national,
            reviewed=self.reviewed(item),
        )

    def card_items(self) -> list[Item]:
        """The card's rights in the order the overview offers them, then the rest."""
        overview = self.content.item(ids.RIGHTS_OVERVIEW)
        rights = [i for i in CARD_RIGHTS if i in self.content.items]
        ordered = [i for i in overview.follow_ups if i in rights] + [i for i in rights if i not in overview.follow_ups]
        return [self.content.item(i) for i in ordered]

    def card_services(self) -> list[Service]:
        items = [self.content.item(i) for i in CARD_HELP_ITEMS if i in self.content.items]
        return [service(self.renderer, k) for k in item_service_keys(items) if k in self.content.services]

    def card_html(self) -> str:
        """Her rights card: one A4 page, each right in its short form, and who can help."""
        overview = self.content.item(ids.RIGHTS_OVERVIEW)
        items = self.card_items()
        return self.env.get_template("card.html").render(
            **self._common("html"),
            overview=overview,
            # Each right in its short form (the text an SMS sends), so the card fits one page.
            rights=[(item, Section(item.id, "main", self.renderer.text(item.sms, Channel.HTML))) for item in items],
            services=self.card_services(),
            reviewed=self.reviewed(overview, *items),
        )

    def index_html(self, out: Path) -> str:
        """What is in `out`, stages in the order a family meets them, then the card."""
        def files(stem: str) -> list[str]:
            return [ext for ext in FORMATS if (out / f"{stem}.{ext}").exists()]

        stages = [(self.content.item(s), self.stem(s), files(self.stem(s))) for s in self.content.stage_order]
        titles = {s: self.content.item(s).title for s in self.content.stage_order}
        return self.env.get_template("index.html").render(
            **self._common("html"),
            stages=[s for s in stages if s[2]],
            # The chat's "Where am I?" map: the same groups, order and branches (bot/journey.py).
            journey=[(group, [(stage, "html" in files(stage.stem), [titles[n] for n in stage.next])
                              for stage in group.stages]) for group in journey_groups(self.content)],
            card=(self.content.item(ids.RIGHTS_OVERVIEW), CARD, files(CARD)) if files(CARD) else None,
        )


def _pdf(html: str, target: Path, base: Path) -> None:
    import weasyprint  # only here: HTML output must work without Pango installed

    weasyprint.HTML(string=html, base_url=str(base)).write_pdf(target)


def write_scripts(
    out: Path = OUT_DIR,
    stages: list[str] | None = None,
    area: str | None = None,
    formats: tuple[str, ...] = FORMATS,
    card: bool = True,
    content: Content | None = None,
) -> list[Path]:
    """Write scripts (all stages unless `stages` names some), the card, and index.html."""
    builder = ScriptBuilder(content, area)
    wanted = list(stages) if stages else list(builder.content.stage_order)
    for stage_id in wanted:
        if stage_id not in builder.content.stage_order:
            raise ValueError(f"no stage {stage_id}; use one of: {', '.join(builder.content.stage_order)}")
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    pages = [(builder.stem(s), lambda ext, s=s: builder.stage_html(s, ext)) for s in wanted]
    if card:
        pages.append((CARD, lambda ext: builder.card_html()))
    for stem, render in pages:
        if "html" in formats:
            path = out / f"{stem}.html"
            path.write_text(render("html"), encoding="utf-8")
            written.append(path)
        if "pdf" in formats:
            path = out / f"{stem}.pdf"
            _pdf(render("pdf"), path, out)
            written.append(path)
    index = out / "index.html"
    index.write_text(builder.index_html(out), encoding="utf-8")
    return written + [index]
