"""Advocate mode over HTTP, as the widget would use it (needs the trained model)."""
from __future__ import annotations

import pytest


pytestmark = pytest.mark.live


def test_advocate_mode_switches_on_shows_prompts_and_switches_back(servers, content):
    sender, question = "advocate", "what is a child protection conference"
    ask_her = content.labels["script_ask_her"] + ":"
    assert ask_her not in servers.say(sender, question)[0]["text"]

    switched = servers.say(sender, "im her advocate")
    assert [m["content_id"] for m in switched] == ["meta/advocate-on"]
    assert switched[0]["buttons"][0]["payload"] == "/advocate_mode_off"

    answer = servers.say(sender, question)
    assert [m["content_id"] for m in answer] == ["stage/icpc"]
    assert ask_her in answer[0]["text"] and content.item("stage/icpc").ask_her[0] in answer[0]["text"]

    # The mode lasts: the next stage comes as a script too.
    following = servers.say(sender, "/nav_next")
    assert ask_her in following[0]["text"]

    back = servers.say(sender, "back to normal")
    assert [m["content_id"] for m in back] == ["meta/advocate-off"]
    assert ask_her not in servers.say(sender, question)[0]["text"]


def test_advocate_mode_belongs_to_one_conversation(servers, content):
    servers.say("advocate-a", "/advocate_mode_on")
    other = servers.say("mother-b", "what is a child protection conference")
    assert content.labels["script_ask_her"] + ":" not in other[0]["text"]
