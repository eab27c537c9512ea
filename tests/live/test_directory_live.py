"""Find an advocate over HTTP, through the trained model and the action server
(runs once the model has been retrained with the directory intents and rules)."""
from __future__ import annotations

import sqlite3

import pytest

from tests.live.conftest import content_ids

pytestmark = pytest.mark.live


def test_find_an_advocate_in_hastings_lists_local_services_first(servers):
    messages = servers.say("dir-hastings", "find an advocate in Hastings")
    assert content_ids(messages) == ["help/services-local", "help/services-national"]
    assert "Citizens Advice 1066" in messages[0]["text"]
    assert "Family Rights Group" in messages[1]["text"]


def test_asked_where_then_a_postcode_that_is_not_kept(servers):
    assert content_ids(servers.say("dir-ask", "who can help me")) == ["help/advocacy", "help/ask-area"]
    messages = servers.say("dir-ask", "TN34 1AA")
    assert content_ids(messages) == ["help/services-local", "help/services-national"]
    with sqlite3.connect(servers.db) as db:
        slots = db.execute(
            "select data from events where sender_id='dir-ask' and type_name='slot'").fetchall()
    assert slots and not any("TN34" in row[0] for row in slots)   # only the council code is kept


def test_asked_where_and_she_skips(servers):
    assert content_ids(servers.say("dir-skip", "i need an advocate")) == ["help/advocacy", "help/ask-area"]
    assert content_ids(servers.say("dir-skip", "skip")) == ["help/services-national"]
