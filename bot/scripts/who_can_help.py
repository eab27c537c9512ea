"""Who can help: the services a script lists, local ones first when an area is given.

National: the services the stage and its help items name (always help/advocacy, where
the chat's "Who can help me?" leads), so each script stays short and to the point.
Local: from `bot.directory`, the same data the chat uses (`look_up`, then
`services_for(code)`): the council's children's services first, then the area's own
support (content/services/local/, councils.yml included). A place that is ambiguous,
misspelt or outside England gives no local list; if the module is missing, scripts list
national services only.
"""
from __future__ import annotations

import importlib
from collections.abc import Iterable
from dataclasses import dataclass

from jinja2 import nodes
from jinja2.sandbox import ImmutableSandboxedEnvironment

from bot import ids
from bot.content import Item
from bot.render import Channel, Renderer

SERVICE_FUNCTIONS = {"phone", "web", "name", "text_to"}
ALWAYS_HELP = (ids.ADVOCACY,)
_PARSER = ImmutableSandboxedEnvironment()


@dataclass(frozen=True)
class Service:
    """One service as a script shows it; phone, text and web are safe HTML."""
    key: str
    name: str
    about: str = ""
    phone: str = ""
    text: str = ""
    web: str = ""
    hours: str = ""


@dataclass(frozen=True)
class Place:
    """The area a script is for, as the directory knows it."""
    name: str
    code: str


def service_keys(template: str) -> list[str]:
    """The service keys an item's template refers to, in reading order."""
    keys: list[str] = []
    for call in _PARSER.parse(template).find_all(nodes.Call):
        if (isinstance(call.node, nodes.Name) and call.node.name in SERVICE_FUNCTIONS
                and call.args and isinstance(call.args[0], nodes.Const)):
            if call.args[0].value not in keys:
                keys.append(call.args[0].value)
    return keys


def item_service_keys(items: Iterable[Item]) -> list[str]:
    keys: list[str] = []
    for item in items:
        for text in (item.web, item.more, item.rights, item.sms):
            keys += [k for k in service_keys(text) if k not in keys]
    return keys


def _inline(html: str) -> str:
    """Renderer HTML is a paragraph; a service line wants just its contents."""
    if html.startswith("<p>") and html.endswith("</p>") and html.count("<p>") == 1:
        return html[3:-4]
    return html


def service(renderer: Renderer, key: str) -> Service:
    """A service from content (services.yml or services/local/), links made by the renderer."""
    fields = renderer.content.services[key]

    def show(function: str, needs: str) -> str:
        if not fields.get(needs):
            return ""
        return _inline(renderer.text(f'{{{{ {function}("{key}") }}}}', Channel.HTML))

    return Service(
        key=key,
        name=str(fields.get("name") or key),
        about=str(fields.get("for") or ""),
        phone=show("phone", "phone"),
        text=show("text_to", "text_number"),
        web=show("web", "web"),
        hours=str(fields.get("hours") or ""),
    )


def _directory():
    try:
        return importlib.import_module("bot.directory")
    except ImportError:
        return None


def find_place(area: str) -> Place | None:
    """The council area for a town, council or postcode, or None if it is not known."""
    directory = _directory()
    found = directory.look_up(area).area if directory else None
    if found is None:
        return None
    return Place(found.label, found.code)


def directory_available() -> bool:
    return _directory() is not None


def services_for_stage(renderer: Renderer, stage: Item, place: Place | None) -> tuple[list[Service], list[Service]]:
    """(local, national) services for a stage's script. Local is empty without a place."""
    content = renderer.content
    local_keys: list[str] = []
    directory = _directory() if place else None
    if directory:
        local_entries, _ = directory.services_for(place.code, content)
        local_keys = [s.key for s in local_entries if s.key in content.services]
    help_ids = [i for i in stage.follow_ups if i.startswith("help/")]
    help_ids += [i for i in ALWAYS_HELP if i not in help_ids and i in content.items]
    national_keys = item_service_keys([content.item(i) for i in help_ids] + [stage])
    return (
        [service(renderer, k) for k in local_keys],
        [service(renderer, k) for k in national_keys if k in content.services and k not in local_keys],
    )
