"""Which whole messages are SMS keywords."""
from __future__ import annotations

import pytest

from bot.sms.keywords import Keyword, keyword


@pytest.mark.parametrize("text", ["STOP", "stop", " Stop. ", "UNSUBSCRIBE", "end", "Quit!", "cancel", "stopall"])
def test_the_opt_out_words_all_mean_stop(text):
    assert keyword(text) is Keyword.STOP


@pytest.mark.parametrize("text, expected", [
    ("START", Keyword.START), ("unstop", Keyword.START), ("help", Keyword.HELP), ("HELP?", Keyword.HELP),
    ("Menu", Keyword.MENU), ("DELETE", Keyword.DELETE), ("more", Keyword.MORE), ("MORE.", Keyword.MORE),
])
def test_other_keywords(text, expected):
    assert keyword(text) is expected


@pytest.mark.parametrize("text", [
    "please don't stop helping me", "when will this end", "help me with section 20", "", None, "😭", "s t o p",
    "x" * 10_000,
])
def test_a_keyword_inside_a_sentence_is_a_question_for_the_bot(text):
    assert keyword(text) is None
