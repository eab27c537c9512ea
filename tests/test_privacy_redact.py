"""When text is kept, identifying details are taken out first (bot/privacy/redact.py)."""
from __future__ import annotations

import pytest

from bot.privacy.redact import redact


@pytest.mark.parametrize(
    "text, gone, label",
    [
        ("call me on 07700 900123 please", "900123", "[phone]"),
        ("my mobile is 07700900123", "07700900123", "[phone]"),
        ("+44 7700 900123", "7700", "[phone]"),
        ("+44 (0)7700 900123", "7700", "[phone]"),
        ("ring 0161 496 0000 after 3", "496 0000", "[phone]"),
        ("the office is (0113) 496 0123", "496 0123", "[phone]"),
        ("my sister in the US is +1 415 555 2671", "555 2671", "[phone]"),
        ("mon numéro +33 6 12 34 56 78", "34 56 78", "[phone]"),
        ("0044 7700 900 123", "900 123", "[phone]"),
        ("write to kerry.smith+court@example.co.uk", "kerry.smith", "[email]"),
        ("EMAIL ME: K_S@mail.example.com.", "K_S@", "[email]"),
        ("we live in LS6 2AB now", "LS6 2AB", "[postcode]"),
        ("postcode sw1a1aa", "sw1a1aa", "[postcode]"),
        ("it's M1 1AE", "M1 1AE", "[postcode]"),
        ("my NI number is AB 12 34 56 C", "12 34 56", "[NI number]"),
        ("ni: ab123456c", "ab123456c", "[NI number]"),
        ("NHS number 943 476 5919", "5919", "[NHS number]"),
        ("nhs 9434765919", "9434765919", "[NHS number]"),
        ("card 4111 1111 1111 1111", "1111", "[number]"),
        ("case ref 1234567890123", "1234567890123", "[number]"),
        ("I live at 12 Acacia Avenue", "Acacia", "[address]"),
        ("we're at 3b church st now", "church", "[address]"),
        ("flat 4, 27 Old Mill Lane", "Mill", "[address]"),
        ("he lives at 221 baker street", "baker", "[address]"),
        ("my son Jayden is 4", "Jayden", "[name]"),
        ("my son jayden lives with me", "jayden", "[name]"),
        ("her name is Amy", "Amy", "[name]"),
        ("my daughter's name is Lily-Mae Jones", "Lily", "[name]"),
        ("I'm Kerry", "Kerry", "[name]"),
        ("I’m Kerry Smith and I'm scared", "Smith", "[name]"),
        ("hi this is Kerry", "Kerry", "[name]"),
        ("my social worker Sarah Jones came today", "Sarah", "[name]"),
        ("my eldest, Tom, is 8", "Tom", "[name]"),
        ("my baby is called Ava", "Ava", "[name]"),
        ("call me Kez", "Kez", "[name]"),
    ],
)
def test_identifying_details_are_replaced_by_a_label(text, gone, label):
    redacted = redact(text)
    assert gone not in redacted and label in redacted, redacted


@pytest.mark.parametrize(
    "text",
    [
        "what is a child protection conference",
        "the hearing is on 12/03/2026 at 10am",
        "they came on 2026-03-12",
        "the meeting is 12.03.2026",
        "I'm scared they will take my baby",
        "im worried",
        "I'm not sure what section 47 means",
        "my son is 4 and my daughter is 7",
        "my son has asthma",
        "my children are 3 and 5",
        "I have 2 kids",
        "stage/icpc",
        "I'm 24 years old",
        "it took 26 weeks",
    ],
)
def test_ordinary_questions_dates_and_content_ids_are_kept_as_they_are(text):
    assert redact(text) == text


@pytest.mark.parametrize("text", [None, "", "😭😭😭", "{{ 7*7 }}", "<script>alert(1)</script>", "x" * 50_000])
def test_odd_input_never_crashes(text):
    assert redact(text) == text


def test_everything_in_one_message_goes():
    text = (
        "I'm Kerry, my son Jayden is 4. We live at 12 Acacia Avenue, LS6 2AB. "
        "Ring me on 07700 900123 or email kerry@example.com"
    )
    redacted = redact(text)
    for detail in ("Kerry", "Jayden", "Acacia", "LS6", "900123", "example.com"):
        assert detail not in redacted, redacted
    assert "my son [name] is 4" in redacted
