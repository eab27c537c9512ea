"""Turn the bot's messages into one text of at most 3 SMS segments, and read replies.

A turn is the items the bot said plus the choices of the last one. Choices become
numbered options ("Reply with a number:" then "1 Tell me more" ...). If the text and
its options do not fit, later options are dropped (down to a few), and if even that
does not fit, the text is cut at a sentence boundary and ends with "Reply MORE":
the rest waits for her MORE. The size is counted the way the network counts it
(`bot.sms.segments`): a single emoji or curly quote makes every segment shorter.
"""
from __future__ import annotations

import html
import re
from dataclasses import dataclass

from bot.render import Button
from bot.sms.segments import segments

MAX_SEGMENTS = 3
MIN_OPTIONS = 3          # drop options beyond this only when the text would not fit
NUMBER_WORDS = ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")


# A numbered option is a button's title and payload, written out for a text message.
Choice = Button


@dataclass(frozen=True)
class Piece:
    """One outbound text, and what is left for MORE."""
    text: str
    rest: str = ""
    options_shown: int = 0


def fits(text: str, max_segments: int = MAX_SEGMENTS) -> bool:
    return segments(text) <= max_segments


def plain(text: str) -> str:
    """Text as a phone shows it: no HTML tags, no Markdown emphasis, no blank lines."""
    text = html.unescape(re.sub(r"<[^>]{0,200}>", "", text or ""))
    text = re.sub(r"\[([^\]]{1,200})\]\((\S{1,500})\)", r"\1 \2", text)   # [words](link) -> words link
    text = re.sub(r"(\*\*|__|`)", "", text)
    lines = [re.sub(r"[ \t]+", " ", line).strip() for line in text.splitlines()]
    return "\n".join(line for line in lines if line)


def options_text(prompt: str, choices: list[Choice]) -> str:
    if not choices:
        return ""
    return "\n".join([prompt, *(f"{n} {choice.title}" for n, choice in enumerate(choices, 1))])


def _join(*parts: str) -> str:
    return "\n".join(part for part in parts if part)


def _cut_points(text: str) -> list[int]:
    """Where the text may be cut: after a sentence or a line; else between words."""
    sentence_ends = [m.end() for m in re.finditer(r"[.!?](?=\s)|\n", text)]
    return sentence_ends or [m.start() for m in re.finditer(r"\s", text)]


def _split_to_fit(text: str, suffix: str, max_segments: int) -> tuple[str, str]:
    """The longest head of `text` that fits with `suffix`, cut at the best boundary."""
    best = 0
    for point in _cut_points(text):
        if point and fits(_join(text[:point].rstrip(), suffix), max_segments):
            best = point
        elif point:
            break
    if not best:  # one sentence longer than the whole budget: cut between words
        for point in (m.start() for m in re.finditer(r"\s", text)):
            if not fits(_join(text[:point].rstrip(), suffix), max_segments):
                break
            best = point
    if not best:  # one enormous word: cut it
        best = 1
        while best < len(text) and fits(_join(text[: best + 1], suffix), max_segments):
            best += 1
    return text[:best].rstrip(), text[best:].strip()


def compose(
    body: str, choices: list[Choice], prompt: str, more_label: str,
    max_segments: int = MAX_SEGMENTS, min_options: int = MIN_OPTIONS,
) -> Piece:
    """The text to send now: the body with as many options as fit, or its first part."""
    body = plain(body)
    fewest = min(min_options, len(choices))
    for count in range(len(choices), fewest - 1, -1):
        text = _join(body, options_text(prompt, choices[:count]))
        if fits(text, max_segments):
            return Piece(text, "", count)
    head, rest = _split_to_fit(body, more_label, max_segments)
    return Piece(_join(head, more_label), rest, 0)


@dataclass(frozen=True)
class Reply:
    """What a reply means against the options she was offered."""
    index: int | None       # 0-based option she chose, if any
    is_number: bool         # she sent a bare number (known or not)


def _words(text: str) -> str:
    return " ".join(re.findall(r"[a-z0-9]+", text.lower()))


def read_reply(text: str | None, choices: list[Choice]) -> Reply:
    """`1`, `1.`, `#1`, `one` or an option's own words pick that option."""
    said = _words((text or "")[:100])
    number = None
    if said.isdigit():
        number = int(said[:4])
    elif said in NUMBER_WORDS:
        number = NUMBER_WORDS.index(said) + 1
    if number is not None:
        return Reply(number - 1 if 1 <= number <= len(choices) else None, True)
    for index, choice in enumerate(choices):
        if said and said == _words(choice.title):
            return Reply(index, False)
    return Reply(None, False)
