"""How many SMS segments a text needs (GSM-7 or UCS-2), so replies stay short.

A single emoji or curly quote switches the whole message to UCS-2 and cuts a segment
from 160 to 70 characters, which is why this is counted, not guessed.
"""
from __future__ import annotations

import math

GSM_BASIC = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM_EXTENDED = set("^{}\\[~]|€\f")  # each takes two septets


def is_gsm(text: str) -> bool:
    return all(c in GSM_BASIC or c in GSM_EXTENDED for c in text)


def units(text: str) -> int:
    """Length as the network counts it: septets for GSM-7, UTF-16 code units for UCS-2."""
    if is_gsm(text):
        return sum(2 if c in GSM_EXTENDED else 1 for c in text)
    return len(text.encode("utf-16-le")) // 2


def segments(text: str) -> int:
    n = units(text)
    single, multi = (160, 153) if is_gsm(text) else (70, 67)
    return 1 if n <= single else math.ceil(n / multi)
