"""Rendering a turn as SMS: numbered options, 3 segments at most, MORE for the rest."""
from __future__ import annotations

import pytest

from bot.render import Channel
from bot.sms.render import MAX_SEGMENTS, Choice, compose, plain, read_reply
from bot.sms.segments import is_gsm, segments

PROMPT, MORE = "Reply with a number:", "Reply MORE for the rest."
CHOICES = [Choice("Tell me more", "/nav_more"), Choice("What happens next?", "/nav_next"), Choice("Go back", "/nav_back")]


def all_pieces(body, choices):
    """Every text she would get by replying MORE until the end (bounded)."""
    pieces, piece = [], compose(body, choices, PROMPT, MORE)
    pieces.append(piece)
    for _ in range(50):
        if not piece.rest:
            return pieces
        piece = compose(piece.rest, choices, PROMPT, MORE)
        pieces.append(piece)
    raise AssertionError("MORE never ended")


def test_a_short_answer_comes_with_numbered_options():
    piece = compose("Section 20 means your child lives away from home because you agree.", CHOICES, PROMPT, MORE)
    assert piece.text.endswith("Reply with a number:\n1 Tell me more\n2 What happens next?\n3 Go back")
    assert piece.rest == "" and piece.options_shown == 3


def test_every_item_with_its_choices_fits_three_segments_and_nothing_is_lost(renderer, content):
    for content_id in content.items:
        message = renderer.message(content_id, Channel.SMS)
        choices = [Choice(b.title, b.payload) for b in message.buttons]
        pieces = all_pieces(message.text, choices)
        assert all(segments(p.text) <= MAX_SEGMENTS for p in pieces), content_id
        said = " ".join(p.text.removesuffix(MORE) for p in pieces).split()
        body = plain(message.text).split()
        assert said[: len(body)] == body, content_id   # every word, in order
        if len(pieces) > 1:
            assert all(p.text.endswith(MORE) for p in pieces[:-1])


def test_a_long_reply_is_cut_after_a_sentence_and_ends_with_reply_more():
    body = " ".join(f"This is sentence number {n} about your rights." for n in range(1, 30))
    piece = compose(body, CHOICES, PROMPT, MORE)
    assert segments(piece.text) <= MAX_SEGMENTS
    head = piece.text.removesuffix("\n" + MORE)
    assert piece.text.endswith(MORE) and head.endswith("rights.")
    assert piece.rest.startswith("This is sentence number") and (head + " " + piece.rest) == body


def test_an_emoji_or_curly_quote_makes_the_budget_smaller():
    gsm = "You can ask for a copy of the report. " * 8          # about 300 characters, GSM-7
    assert compose(gsm, [], PROMPT, MORE).rest == ""
    curly = gsm.replace("You can", "You’re able to", 1)       # one curly quote: UCS-2, 67 a segment
    assert not is_gsm(curly)
    piece = compose(curly, [], PROMPT, MORE)
    assert piece.rest and segments(piece.text) <= MAX_SEGMENTS


def test_options_are_dropped_before_the_text_is_cut_but_a_few_always_stay():
    body = "word " * 70   # 350 characters: room for a few short options only
    many = [Choice(f"Option number {n}", f"/o{n}") for n in range(1, 8)]
    piece = compose(body.strip(), many, PROMPT, MORE)
    assert piece.rest == "" and 3 <= piece.options_shown < 7
    assert "1 Option number 1" in piece.text and "7 Option number 7" not in piece.text


def test_markup_never_reaches_a_phone():
    assert plain("<b>Hello</b> **you**\n\n\n[Samaritans](https://x.example)") == "Hello you\nSamaritans https://x.example"


@pytest.mark.parametrize("body", ["x" * 5000, "😭" * 900, "a " * 3000, ""])
def test_odd_bodies_are_split_without_crashing(body):
    pieces = all_pieces(body, CHOICES)
    assert all(segments(p.text) <= MAX_SEGMENTS for p in pieces)


@pytest.mark.parametrize("text, index", [
    ("1", 0), ("1.", 0), (" 2 ", 1), ("#3", 2), ("one", 0), ("Two", 1), ("what happens next", 1),
    ("Go back!", 2), ("TELL ME MORE", 0),
])
def test_her_reply_maps_back_to_the_option(text, index):
    assert read_reply(text, CHOICES).index == index


@pytest.mark.parametrize("text", ["9", "0", "four", "99999999999999"])
def test_a_number_she_was_not_offered_is_known_as_a_number(text):
    reply = read_reply(text, CHOICES)
    assert reply.index is None and reply.is_number


@pytest.mark.parametrize("text", ["12 weeks ago", "what is section 20", "", None, "😭"])
def test_other_words_are_not_choices(text):
    reply = read_reply(text, CHOICES)
    assert reply.index is None and not reply.is_number
