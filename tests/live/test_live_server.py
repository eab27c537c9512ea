"""Talk to the real servers over HTTP, as a widget or curl would, and check content ids."""
from __future__ import annotations

import sqlite3

import pytest

from tests.live.servers import Servers

pytestmark = pytest.mark.live


@pytest.fixture(scope="module")
def servers(tmp_path_factory):
    running = Servers(tmp_path_factory.mktemp("live"))
    try:
        running.start_actions()
        running.start_rasa()
        yield running
    finally:
        running.stop()


def content_ids(messages):
    return [m.get("content_id") for m in messages]


def test_the_readme_curl_answers_with_text_and_the_stage_id(servers):
    messages = servers.say("a", "what is a child protection conference")
    assert messages and messages[0]["content_id"] == "stage/icpc"
    assert messages[0]["text"] and messages[0]["buttons"]


def test_walk_forward_and_back_through_the_stages(servers, content):
    sender = "walker"
    assert content_ids(servers.say(sender, "they want to do a section 47 on my kids")) == ["stage/section-47"]
    following = content.item("stage/section-47").next[0]
    assert content_ids(servers.say(sender, "what happens next")) == [following]
    after = content.item(following).next[0]
    assert content_ids(servers.say(sender, "/nav_next")) == [after]
    assert content_ids(servers.say(sender, "go back")) == [following]
    rights = servers.say(sender, "what are my rights here")
    assert content_ids(rights) == [following] and rights[0]["part"] == "rights"
    assert content_ids(servers.say(sender, "/nav_back")) == ["stage/section-47"]


def test_every_reply_from_content_carries_its_id(servers):
    for text in ["hi", "can i get legal aid", "what does parental responsibility mean", "thanks", "bye"]:
        messages = servers.say("ids", text)
        assert messages and all(m.get("content_id") for m in messages), (text, messages)


@pytest.mark.parametrize(
    "text",
    ["", "   ", "😭😭😭", "<script>alert(1)</script>", "{{ 7*7 }} {% if x %}", "x" * 50_000, "31/02/2026", "/no_such_button"],
)
def test_bad_input_gets_a_kind_reply(servers, text):
    messages = servers.say("bad-input", text)
    assert messages and all(m.get("content_id") for m in messages)
    assert all("49" not in m["text"] and "<script>" not in m["text"] for m in messages)


def test_forget_me_deletes_the_conversation(servers):
    servers.say("forget", "what is a care order")
    with sqlite3.connect(servers.db) as db:
        assert db.execute("select count(*) from events where sender_id='forget'").fetchone()[0] > 0
    assert "meta/forget-me" in content_ids(servers.say("forget", "please delete my chat"))
    with sqlite3.connect(servers.db) as db:
        assert db.execute("select count(*) from events where sender_id='forget'").fetchone()[0] == 0


def test_without_the_action_server_safety_still_answers_and_nothing_is_silent(servers):
    servers.stop_actions()
    try:
        crisis = servers.say("no-actions", "i want to kill myself")
        assert content_ids(crisis)[0] == "safety/crisis"
        ordinary = servers.say("no-actions", "what is a child protection conference")
        assert content_ids(ordinary) == ["meta/error"]
    finally:
        servers.start_actions()
