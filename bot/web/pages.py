"""What the chat page and the widget show, built from content/ (no web framework here).

The widget types no words of its own: every label, the greeting and the crisis
numbers it keeps for when the bot cannot be reached come from `widget_config`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import markupsafe

from bot import journey
from bot.content import Content
from bot.ids import CRISIS, FORGET_ME, GREETING, QUICK_EXIT, TALK_TO_PERSON
from bot.render import Channel, Renderer

EXIT_HELP_PATH = "/exit-help"
JOURNEY_PATH = "/journey.json"
# Answers to danger: the widget puts a real "Leave this page" button on them.
DANGER_GROUP = "safety/"

# Keys of content/labels.yml the widget needs; a missing one fails at start-up, not in her browser.
WIDGET_LABELS = (
    "chat_heading", "conversation", "exit_page", "exit_emergency", "exit_shift_2", "exit_shift_1",
    "exit_escape_1", "exit_expired", "message_label", "send", "typing", "you_said", "guide_said",
    "new_tab", "delete_chat", "chat_error", "chat_error_help", "retry", "quick_exit",
    "leave_page", "more_options", "text_size", "text_smaller", "text_larger", "read_aloud", "read_stop",
    "journey_open", "journey_close", "journey_intro", "journey_here", "journey_leads_to",
    "clock_heading", "clock_gone", "clock_left", "clock_note", "clock_over", "clock_ask",
)
# Buttons with these labels leave the page at once, like "Exit this page".
LEAVE_LABELS = ("exit_page", "leave_page")
PAGE_LABELS = ("page_title", "no_script", "quick_exit", "back_to_chat", "script_index")

# Short codes such as 55 (Silent Solution) are keyed during a 999 call, not dialled,
# so only numbers of three digits or more become tap-to-call links.
MIN_DIALLED_DIGITS = 3


@dataclass(frozen=True)
class WebSettings:
    bot_url: str            # where the widget sends messages: Rasa's REST channel
    exit_url: str           # the neutral site "Exit this page" goes to; the embedding site's choice
    scripts_dir: Path       # printable advocate scripts, served at /scripts/ when present


def origin_of(url: str) -> str:
    """`http://127.0.0.1:5005/x` -> `http://127.0.0.1:5005`, for CSP and CORS."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"{url!r} is not an http(s) address like http://127.0.0.1:5005")
    return f"{parts.scheme}://{parts.netloc}"


def phone_links(content: Content) -> list[dict]:
    """Every dialable number in services.yml as shown in text and as a tel: target, longest first."""
    phones = []
    for service in content.services.values():
        number = str(service.get("phone") or "") if isinstance(service, dict) else ""
        digits = re.sub(r"\D", "", number)
        if len(digits) >= MIN_DIALLED_DIGITS:
            phones.append({"text": number, "tel": digits})
    return sorted(phones, key=lambda p: -len(p["text"]))


def help_lines(renderer: Renderer) -> list[str]:
    """The list of numbers in the crisis item (its "- " lines), for when the chat is down.

    The item's opening and closing lines talk as if the chat works ("I'm still here"),
    so only its list is kept; an item without a list is kept whole.
    """
    text = renderer.field(renderer.content.item(CRISIS), "web", Channel.WEB)
    lines = [line.strip()[2:] for line in text.splitlines() if line.strip().startswith("- ")]
    return lines or [block.strip() for block in re.split(r"\n\s*\n", text) if block.strip()]


def help_html(renderer: Renderer) -> markupsafe.Markup:
    """The same list as HTML with tap-to-call links, for pages without JavaScript."""
    html = renderer.field(renderer.content.item(CRISIS), "web", Channel.HTML)
    found = re.search(r"<ul>.*?</ul>", html, re.S)
    return markupsafe.Markup(found.group(0) if found else html)  # escaped by bot.render


def widget_config(renderer: Renderer, settings: WebSettings) -> dict:
    labels = renderer.content.labels
    return {
        "words": {key: labels[key] for key in WIDGET_LABELS},
        "greeting": [renderer.message(GREETING, Channel.WEB).to_wire()],
        "crisis": {"content_id": CRISIS, "lines": help_lines(renderer)},
        "quick_exit_payload": "/" + renderer.content.item(QUICK_EXIT).intent,
        "forget_payload": "/" + renderer.content.item(FORGET_ME).intent,
        "forget_content_id": FORGET_ME,
        "leave_titles": [labels[key] for key in LEAVE_LABELS],
        "leave_after": sorted(i for i in renderer.content.items if i.startswith(DANGER_GROUP)),
        # Never behind "More options": the route to a person.
        "pinned_payloads": ["/" + renderer.content.item(TALK_TO_PERSON).intent],
        "journey_path": JOURNEY_PATH,
        "clock": {"content_id": journey.CLOCK_ID, "part": journey.CLOCK_PART, "weeks": journey.PROCEEDINGS_WEEKS},
        "phones": phone_links(renderer.content),
        "bot_url": settings.bot_url.rstrip("/"),
        "exit_url": settings.exit_url,
        "exit_help_path": EXIT_HELP_PATH,
    }


def page_words(renderer: Renderer) -> dict:
    labels = renderer.content.labels
    return {key: labels[key] for key in PAGE_LABELS}


def exit_help_page(renderer: Renderer) -> dict:
    """The "leave fast" item as a page: how the exit works and how to cover your tracks."""
    item = renderer.content.item(QUICK_EXIT)
    return {
        "content_id": item.id,
        "title": item.title,
        "body": markupsafe.Markup(renderer.field(item, "web", Channel.HTML)),
        "more": markupsafe.Markup(renderer.field(item, "more", Channel.HTML)),
    }
