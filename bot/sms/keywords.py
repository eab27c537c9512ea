"""The words a texter can send on their own to control the service.

Only a whole message counts ("STOP", "stop.", " Help "), never a word inside a
sentence: "please don't stop helping" is a question for the bot, not an opt-out.
The STOP and START words are the ones carriers and gateways recognise.
"""
from __future__ import annotations

from enum import Enum


class Keyword(str, Enum):
    STOP = "stop"
    START = "start"
    HELP = "help"
    MENU = "menu"
    DELETE = "delete"
    MORE = "more"


WORDS = {
    **dict.fromkeys(("stop", "stopall", "unsubscribe", "end", "quit", "cancel"), Keyword.STOP),
    **dict.fromkeys(("start", "unstop"), Keyword.START),
    **dict.fromkeys(("help", "info"), Keyword.HELP),
    "menu": Keyword.MENU,
    "delete": Keyword.DELETE,
    "more": Keyword.MORE,
}


def keyword(text: str | None) -> Keyword | None:
    """The keyword this whole message is, if it is one."""
    word = (text or "")[:40].strip(" \t\r\n.!?,'\"").lower()
    return WORDS.get(word)
