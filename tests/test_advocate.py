"""Advocate mode: the same items, shown to an advocate with prompts and checklists."""
from __future__ import annotations

import yaml

from actions.advocate import ActionAdvocateModeOff, ActionAdvocateModeOn
from bot.render import Channel
from tests.conftest import ROOT
from tests.helpers import answer_turn, ids, make_tracker, run_action

ON = {"advocate_mode": True}


# -- the advocate rendering ------------------------------------------------------------
def test_a_stage_for_an_advocate_is_its_web_text_then_what_to_ask_and_check(content, renderer):
    item = content.item("stage/icpc")
    web = renderer.message(item.id, Channel.WEB)
    advocate = renderer.message(item.id, Channel.ADVOCATE)
    assert advocate.content_id == web.content_id == item.id
    assert advocate.text.startswith(web.text)
    extra = advocate.text[len(web.text):]
    ask, check = extra.index(content.labels["script_ask_her"] + ":"), extra.index(content.labels["script_check"] + ":")
    assert ask < check
    for question in item.ask_her:
        assert f"- {question}" in extra[ask:check]
    for point in item.check:
        assert f"- {point}" in extra[check:]
    assert advocate.buttons == web.buttons


def test_every_stage_with_prompts_gets_them_in_advocate_mode(content, renderer):
    for stage_id in content.stage_order:
        item = content.item(stage_id)
        text = renderer.message(stage_id, Channel.ADVOCATE).text
        assert all(q in text for q in item.ask_her + item.check), stage_id


def test_other_items_and_other_parts_read_as_on_the_web(content, renderer):
    for content_id in ("rights/legal-aid", "help/advocacy", "glossary/threshold", "meta/greet"):
        assert renderer.message(content_id, Channel.ADVOCATE) == renderer.message(content_id, Channel.WEB)
    for part in ("more", "rights"):
        assert renderer.message("stage/icpc", Channel.ADVOCATE, part) == renderer.message("stage/icpc", Channel.WEB, part)


# -- switching modes -------------------------------------------------------------------
def test_im_an_advocate_switches_the_mode_on_and_offers_the_way_back(content):
    messages, slots = run_action(ActionAdvocateModeOn(), make_tracker("advocate_mode_on"))
    assert ids(messages) == ["meta/advocate-on"] and slots == {"advocate_mode": True}
    first = messages[0]["buttons"][0]
    assert first == {"title": content.labels["advocate_off"], "payload": "/advocate_mode_off"}


def test_back_to_normal_switches_the_mode_off_and_offers_the_way_in(content):
    messages, slots = run_action(ActionAdvocateModeOff(), make_tracker("advocate_mode_off", ON))
    assert ids(messages) == ["meta/advocate-off"] and slots == {"advocate_mode": False}
    assert messages[0]["buttons"][0] == {"title": content.labels["advocate_on"], "payload": "/advocate_mode_on"}


def test_in_advocate_mode_answers_carry_the_prompts_and_the_same_id(content, renderer):
    normal, _ = answer_turn(make_tracker("stage_icpc"))
    advocate, slots = answer_turn(make_tracker("stage_icpc", ON))
    assert ids(normal) == ids(advocate) == ["stage/icpc", "meta/not-a-lawyer"]
    assert advocate[0]["text"] == renderer.message("stage/icpc", Channel.ADVOCATE).text
    assert content.labels["script_ask_her"] not in normal[0]["text"]
    assert slots["stage"] == "stage/icpc"  # her place is kept as usual


def test_navigation_in_advocate_mode_uses_the_advocate_rendering(content):
    following = content.item("stage/icpc").next[0]
    messages, _ = answer_turn(make_tracker("nav_next", {**ON, "stage": "stage/icpc"}))
    assert ids(messages) == [following]
    item = content.item(following)
    assert all(q in messages[0]["text"] for q in item.ask_her)
    rights, _ = answer_turn(make_tracker("nav_rights_here", {**ON, "stage": "stage/icpc"}))
    assert rights[0]["metadata"]["part"] == "rights"


def test_text_messages_stay_short_in_advocate_mode(renderer):
    messages, _ = answer_turn(make_tracker("stage_icpc", ON, channel="sms"))
    assert messages[0]["text"] == renderer.message("stage/icpc", Channel.SMS).text


# -- the Rasa project knows the mode ---------------------------------------------------
def test_the_domain_has_the_mode_slot_intents_and_actions():
    domain = yaml.safe_load((ROOT / "domain.yml").read_text())
    slot = domain["slots"]["advocate_mode"]
    assert slot["type"] == "bool" and slot["influence_conversation"] is False
    assert {"advocate_mode_on", "advocate_mode_off"} <= set(domain["intents"])
    assert {"action_advocate_mode_on", "action_advocate_mode_off"} <= set(domain["actions"])


def test_rules_send_each_intent_to_its_action():
    rules = yaml.safe_load((ROOT / "data" / "rules" / "advocate.yml").read_text())["rules"]
    pairs = {(r["steps"][0]["intent"], r["steps"][1]["action"]) for r in rules}
    assert pairs == {("advocate_mode_on", "action_advocate_mode_on"), ("advocate_mode_off", "action_advocate_mode_off")}


def test_the_mode_items_are_said_not_asked(content):
    for content_id in ("meta/advocate-on", "meta/advocate-off"):
        assert content.item(content_id).asked is False


def test_advocate_mode_comes_on_only_when_someone_says_they_are_one():
    from actions.advocate import ActionAdvocateModeOn

    for text in ("i'm her advocate", "advocate mode please", "This is the mum's advocate typing"):
        messages, slots = run_action(ActionAdvocateModeOn(), make_tracker("advocate_mode_on", text=text))
        assert slots.get("advocate_mode") is True, text
    for text in ("what is an advocate", "can i get an advocate", "i need an advocate for the meeting"):
        messages, slots = run_action(ActionAdvocateModeOn(), make_tracker("advocate_mode_on", text=text))
        assert "advocate_mode" not in slots and "meta/advocate-on" not in ids(messages), text
