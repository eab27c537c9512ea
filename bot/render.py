"""Render content items for one channel: web (plain text + buttons), SMS, HTML.

Item text is a Jinja2 template written by content editors, never by users: what a
person types is only ever passed around as data, never rendered as a template.
"""
from __future__ import annotations

import itertools
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import Enum

import markupsafe
from jinja2 import StrictUndefined
from jinja2.sandbox import ImmutableSandboxedEnvironment

from bot.content import Content, ContentError, Item, intent_for
from bot.privacy.settings import privacy_values


class Channel(str, Enum):
    WEB = "web"        # REST and the web widget: plain text, full addresses
    SMS = "sms"        # text messages: short forms, short addresses
    HTML = "html"      # printed scripts and pages: escaped HTML with links
    ADVOCATE = "advocate"  # chat in advocate mode: web text, then "ask her" and "check" lists


@dataclass(frozen=True)
class Button:
    title: str
    payload: str


@dataclass(frozen=True)
class Message:
    """One message as a channel sends it, with the id of the item it came from."""
    content_id: str
    text: str
    part: str = "main"              # main, more (tell me more), rights (her rights here), ask, result
    buttons: tuple[Button, ...] = field(default=())

    def as_dict(self) -> dict:
        """The shape an action hands to Rasa (the id travels in `metadata`)."""
        data = {"text": self.text, "metadata": {"content_id": self.content_id, "part": self.part}}
        if self.buttons:
            data["buttons"] = [{"title": b.title, "payload": b.payload} for b in self.buttons]
        return data

    def to_wire(self, recipient_id: str | None = None) -> dict:
        return to_wire(self.text, self.content_id, self.part, self.buttons, recipient_id)


def to_wire(text: str, content_id: str | None = None, part: str | None = None, buttons: Iterable = (),
            recipient_id: str | None = None, values: dict | None = None) -> dict:
    """One message as REST, SMS and the web page carry it to a client: its `text`, its
    `content_id` and `part` in the same object (docs/content-ids.md), `buttons` where it
    offers choices, and `values` where it worked something out (a deadline's ISO dates).
    Buttons may be Button objects or Rasa's dicts."""
    wire: dict = {} if recipient_id is None else {"recipient_id": recipient_id}
    wire["text"] = text
    for key, value in (("content_id", content_id), ("part", part), ("values", values)):
        if value:
            wire[key] = value
    choices = [{"title": b.title, "payload": b.payload} if isinstance(b, Button)
               else {"title": b.get("title"), "payload": b.get("payload")} for b in buttons or ()]
    if choices:
        wire["buttons"] = choices
    return wire


_ENV = ImmutableSandboxedEnvironment(undefined=StrictUndefined, autoescape=False)
_TOKEN = "\x00{}\x00"


def _short_address(url: str) -> str:
    return re.sub(r"^https?://(www\.)?", "", url).rstrip("/")


class Renderer:
    """Renders the items of one Content for every channel, caching the results."""

    def __init__(self, content: Content):
        self.content = content
        self._cache: dict[tuple[str, Channel], str] = {}

    # -- services ---------------------------------------------------------
    def _service_field(self, key: str, name: str) -> str:
        service = self.content.services.get(key)
        if service is None:
            raise ContentError(f"services.yml has no service `{key}`; add it or fix the key")
        if not service.get(name):
            raise ContentError(f"services.yml: `{key}` has no `{name}`; add it or use another field")
        return str(service[name])

    def _functions(self, channel: Channel, links: list[str]) -> dict:
        def keep(html: str) -> str:
            # HTML snippets are kept aside as tokens so the rest can be escaped.
            links.append(html)
            return _TOKEN.format(len(links) - 1)

        def phone(key: str) -> str:
            number = self._service_field(key, "phone")
            if channel is Channel.HTML:
                tel = re.sub(r"\D", "", number)
                return keep(f'<a href="tel:{tel}">{markupsafe.escape(number)}</a>')
            return number

        def web(key: str) -> str:
            url = self._service_field(key, "web")
            if channel is Channel.HTML:
                return keep(
                    f'<a href="{markupsafe.escape(url)}" target="_blank" rel="noopener">'
                    f"{markupsafe.escape(_short_address(url))}</a>"
                )
            return _short_address(url) if channel is Channel.SMS else url

        def name(key: str) -> str:
            return self._service_field(key, "name")

        def text_to(key: str) -> str:
            word, number = self._service_field(key, "text_word"), self._service_field(key, "text_number")
            return f"text {word} to {number}"

        return {"phone": phone, "web": web, "name": name, "text_to": text_to}

    # -- text -------------------------------------------------------------
    def text(self, template: str, channel: Channel, values: dict[str, str] | None = None) -> str:
        """Render one piece of item text (a template from content/) for a channel.

        `values` are facts the bot worked out (a date, a place), passed as data and
        escaped in HTML; they are never templates themselves.
        """
        values = values or {}
        shared = privacy_values()  # settings any item may state; part of the cache key
        key = (template, channel, tuple(sorted(values.items())), tuple(sorted(shared.items())))
        if key not in self._cache:
            links: list[str] = []
            try:
                rendered = _ENV.from_string(template).render(
                    **{**shared, **values}, **self._functions(channel, links)
                )
            except ContentError:
                raise
            except Exception as error:  # a Jinja syntax or name error in an item
                raise ContentError(f"a template in content/ cannot be rendered: {error}") from None
            rendered = rendered.strip()
            if channel is Channel.HTML:
                rendered = _to_html(rendered, links)
            if values:
                return rendered  # worked-out facts vary per person: not worth keeping
            self._cache[key] = rendered
        return self._cache[key]

    def field(self, item: Item, name: str, channel: Channel, values: dict[str, str] | None = None) -> str:
        value = getattr(item, name)
        return self.text(value, channel, values) if value else ""

    # -- messages ---------------------------------------------------------
    def label(self, key: str) -> str:
        return self.content.labels[key]

    def buttons_for(self, item: Item, part: str = "main") -> tuple[Button, ...]:
        """The choices offered after an item: navigation for stages, then follow-ups."""
        if part == "ask":  # a question for a date: the one other answer is "I'm not sure"
            return (Button(self.label("not_sure"), "/dont_know"),)
        if item.options and part == "main":  # a question with its own labelled answers
            return tuple(Button(option.label, option.payload) for option in item.options)
        buttons: list[Button] = []
        if item.more and part != "more":
            buttons.append(Button(self.label("more"), "/nav_more"))
        if item.is_stage:
            if item.next:
                buttons.append(Button(self.label("next"), "/nav_next"))
            if part != "rights" and item.rights:
                buttons.append(Button(self.label("rights_here"), "/nav_rights_here"))
            buttons.append(Button(self.label("who_can_help"), "/help_advocacy"))
            buttons.append(Button(self.label("back"), "/nav_back"))
        for target in item.follow_ups[: 2 if item.is_stage else 4]:
            buttons.append(Button(self.content.items[target].title, "/" + intent_for(target)))
        return tuple(buttons)

    def message(
        self, content_id: str, channel: Channel = Channel.WEB, part: str = "main",
        values: dict[str, str] | None = None, extra_buttons: tuple[Button, ...] = (),
    ) -> Message:
        """One item as a message. `part` is main, more, rights, short (the SMS text, a
        shorter version), answer:<kind> (its answer to a follow-up), or for dates ask or
        result. `extra_buttons` come before the item's own (other worries she named)."""
        item = self.content.item(content_id)
        if part.startswith("answer:"):
            text = self.text(item.answer(part.split(":", 1)[1]), channel, values)
            part = "answer"
        else:
            field_name = {"main": "sms" if channel is Channel.SMS else "web", "short": "sms"}.get(part, part)
            text = self.field(item, field_name, channel, values)
        if channel is Channel.ADVOCATE and part == "main" and (item.ask_her or item.check):
            text = f"{text}\n\n{self.advocate_prompts(item)}"
        own = self.buttons_for(item, part)
        buttons = tuple(dict.fromkeys(extra_buttons + tuple(b for b in own if b not in extra_buttons)))
        return Message(content_id, text, part, buttons)

    def advocate_prompts(self, item: Item) -> str:
        """A stage's "Ask her:" and "Check:" lists, as plain text lines, for advocate mode."""
        blocks = []
        for label, lines in (("script_ask_her", item.ask_her), ("script_check", item.check)):
            if lines:
                listed = "\n".join(f"- {self.text(line, Channel.ADVOCATE)}" for line in lines)
                blocks.append(f"{self.label(label)}:\n{listed}")
        return "\n\n".join(blocks)


def _to_html(text: str, links: list[str]) -> str:
    """Escape rendered text and turn paragraphs and "- " lists into HTML."""
    blocks = []
    for block in re.split(r"\n\s*\n", text):
        lines = [line.strip() for line in block.strip().splitlines() if line.strip()]
        # A block may start with a line that introduces its list ("Before the meeting:").
        for is_list, run in itertools.groupby(lines, key=lambda line: line.startswith("- ")):
            run = list(run)
            if is_list:
                items = "".join(f"<li>{markupsafe.escape(line[2:])}</li>" for line in run)
                blocks.append(f"<ul>{items}</ul>")
            else:
                blocks.append(f"<p>{markupsafe.escape(' '.join(run))}</p>")
    html = "\n".join(blocks)
    return re.sub("\x00(\\d+)\x00", lambda m: links[int(m.group(1))], html)
