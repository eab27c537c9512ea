"""Talk to the real servers over HTTP, as a widget or curl would, and check content ids."""
from __future__ import annotations

import sqlite3

import pytest

from tests.live.conftest import content_ids

pytestmark = pytest.mark.live


def test_the_readme_curl_answers_with_text_and_the_stage_id(servers):
    messages = servers.say("a", "what is a child protection conference")
    assert messages and messages[0]["content_id"] == "stage/icpc"
    assert messages[0]["text"] and messages[0]["buttons"]


def test_the_raw_reply_reads_as_the_readme_shows_it(servers):
    import json
    import urllib.request

    request = urllib.request.Request(
        f"http://127.0.0.1:{servers.rasa_port}/webhooks/rest/webhook",
        data=json.dumps({"sender": "raw", "message": "what is a child protection conference"}).encode())
    with urllib.request.urlopen(request, timeout=30) as reply:
        assert '"content_id": "stage/icpc"' in reply.read().decode()


def test_walk_forward_and_back_through_the_stages(servers, content):
    sender = "walker"
    # The first stage of a conversation is followed, once, by the not-a-lawyer line.
    assert content_ids(servers.say(sender, "they want to do a section 47 on my kids")) == [
        "stage/section-47", "meta/not-a-lawyer"]
    following = content.item("stage/section-47").next[0]
    assert content_ids(servers.say(sender, "what happens next")) == [following]
    after = content.item(following).next[0]
    assert content_ids(servers.say(sender, "/nav_next")) == [after]
    assert content_ids(servers.say(sender, "go back")) == [following]
    rights = servers.say(sender, "what are my rights here")
    assert content_ids(rights) == [following] and rights[0]["part"] == "rights"
    assert content_ids(servers.say(sender, "/nav_back")) == ["stage/section-47"]


def test_thanks_mid_conversation_offers_her_next_steps(servers, content):
    # Issue 15: "thanks" keeps the conversation going, like "ok": her stage's next step.
    sender = "thanker"
    servers.say(sender, "they want to do a section 47 on my kids")
    reply = servers.say(sender, "ok thanks")
    assert content_ids(reply) == ["meta/thanks"]
    following = content.item(content.item("stage/section-47").next[0])
    assert following.title in [b["title"] for b in reply[0].get("buttons") or []]


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
        # Plain answers come from the Rasa server itself (bot/in_process.py), with their
        # follow-ups and navigation; only what needs the action server gets the kind error.
        ordinary = servers.say("no-actions", "what is a child protection conference")
        assert content_ids(ordinary)[0] == "stage/icpc"
        assert content_ids(servers.say("no-actions", "who goes to it")) == ["stage/icpc"]
        assert content_ids(servers.say("no-actions", "/nav_next"))[0] == "stage/cp-plan"
        assert content_ids(servers.say("no-actions", "/nav_back"))[0] == "stage/icpc"
        assert content_ids(servers.say("no-actions", "/advocate_mode_on")) == ["meta/error"]
    finally:
        servers.start_actions()


def _numeric(d):
    return f"{d.day}/{d.month}/{d.year}"


def test_a_deadline_with_the_date_in_the_message_is_one_reply(servers):
    from datetime import timedelta

    from bot.dates import format_date, today_in_london
    from bot.deadlines import APPEAL, compute

    decided = today_in_london() - timedelta(days=2)
    messages = servers.say("dates-one", f"the judge made the order on {_numeric(decided)} how long do i have to appeal")
    # One reply: with the date known, the only question left is "final or interim?".
    assert content_ids(messages) == ["dates/appeal-interim-or-final"]
    messages = servers.say("dates-one", "/dates_appeal_final")
    assert content_ids(messages) == [APPEAL] and messages[0]["part"] == "result"
    assert format_date(compute(APPEAL, decided).due) in messages[0]["text"]


def test_a_deadline_without_the_date_asks_re_asks_kindly_and_answers(servers):
    from datetime import timedelta

    from bot.dates import format_date, today_in_london
    from bot.deadlines import PROCEEDINGS, compute

    sender = "dates-form"
    asked = servers.say(sender, "when do care proceedings have to finish")
    assert content_ids(asked) == [PROCEEDINGS, PROCEEDINGS] and asked[-1]["part"] == "ask"
    retry = servers.say(sender, "31/02/2026")
    assert content_ids(retry) == ["dates/date-impossible", PROCEEDINGS] and retry[-1]["part"] == "ask"
    issued = today_in_london() - timedelta(days=20)
    result = servers.say(sender, _numeric(issued))
    assert content_ids(result) == [PROCEEDINGS] and result[0]["part"] == "result"
    assert f"issued on {format_date(issued)}" in result[0]["text"]
    assert format_date(compute(PROCEEDINGS, issued).due) in result[0]["text"]


def test_a_question_she_moves_on_from_is_asked_again_once_then_dropped(servers):
    sender = "dates-moved-on"
    assert content_ids(servers.say(sender, "the judge made the order on 3/11/2026 how long do i have to appeal")) == [
        "dates/appeal-interim-or-final"]
    # Her new question is answered in full, and the bot asks its own question once more.
    assert content_ids(servers.say(sender, "they want to do a section 47 on my kids")) == [
        "stage/section-47", "meta/not-a-lawyer", "dates/appeal-interim-or-final"]
    # She moves on again: the question is dropped, and her follow-up is about her stage.
    rights = servers.say(sender, "what are my rights here")
    assert content_ids(rights) == ["stage/section-47"] and rights[0]["part"] == "rights"


def test_a_crisis_while_asked_for_a_date_gets_the_safety_reply_first(servers):
    sender = "dates-crisis"
    servers.say(sender, "how long do i have to appeal")
    messages = servers.say(sender, "i cant do this anymore i want to end my life")
    assert content_ids(messages)[0] == "safety/crisis"


def test_not_knowing_the_date_ends_the_question_kindly(servers):
    sender = "dates-unknown"
    servers.say(sender, "when should the first conference be")
    assert content_ids(servers.say(sender, "/dont_know")) == ["dates/no-date"]
