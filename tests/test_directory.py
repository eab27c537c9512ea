"""Find an advocate near her: area lookup, local before national, on web and SMS."""
from __future__ import annotations

import pytest

from actions.directory import ActionFindAdvocate
from bot.directory import default_areas, find_area, load_areas, services_for
from bot.render import Channel
from bot.sms_text import segments
from tests.conftest import ROOT
from tests.helpers import ids, make_tracker, run_action

HASTINGS = "E07000062"


@pytest.mark.parametrize(
    "text, code",
    [
        ("Hastings", HASTINGS),
        ("hastngs", HASTINGS),                      # misspelt
        ("find an advocate in Hastings", HASTINGS),
        ("TN34 1AA", HASTINGS),                     # a full postcode
        ("my postcode is tn38 0ab", HASTINGS),
        ("tn37", HASTINGS),                         # just the first half
        ("I'm in St Leonards-on-Sea", HASTINGS),    # a town inside the council
        ("in the hastings area please", HASTINGS),
        ("Rother", "E07000064"),                    # a council name
        ("eastborne", "E07000061"),
        ("brighton & hove", "E06000043"),
        ("East Sussex County Council", "E10000011"),
        ("i live near royal tunbridge wells", "E07000116"),
    ],
)
def test_find_area_from_a_town_council_or_postcode(text, code):
    area = find_area(text)
    assert area is not None and area.code == code


@pytest.mark.parametrize(
    "text",
    ["", "Narnia", "who can help me", "I can't deal with this any more", "x" * 50_000,
     "😭😭", "{{ 7*7 }}", "<script>alert(1)</script>", "ZZ99 9ZZ", "in"],
)
def test_unknown_or_no_place_gives_none(text):
    assert find_area(text) is None


def test_every_area_row_points_at_a_known_authority():
    data = load_areas()
    assert set(data.names.values()) <= set(data.authorities)
    assert set(data.outward.values()) <= set(data.authorities)
    for area in data.authorities.values():
        assert area.code[:3] in {"E06", "E07", "E08", "E09", "E10"}
        assert area.upper_code in data.authorities


def test_hastings_gets_local_services_then_national(content):
    local, national = services_for(HASTINGS, content)
    assert local and national
    assert all(not s.national for s in local) and all(s.national for s in national)
    assert {s.key for s in local} >= {"ca_1066"}
    # Her own district's services before the county-wide ones.
    own = [HASTINGS in s.areas for s in local]
    assert own == sorted(own, reverse=True)
    assert [s.key for s in national][0] == "frg"


def test_a_county_gets_its_districts_services(content):
    local, _ = services_for("E10000011", content)
    assert "ca_1066" in {s.key for s in local}


def test_unknown_or_no_area_gets_national_only(content):
    assert services_for(None, content)[0] == []
    assert services_for("E99999999", content)[0] == []
    assert services_for("E10000016", content)[1]  # Kent: no local entries yet, national still


def test_issue_services_are_all_in_the_directory(content):
    wanted = {"frg", "samaritans", "shout", "nda_helpline", "womens_aid", "rights_of_women", "mind",
              "pause", "pac_uk", "citizens_advice", "legal_aid_finder", "law_society"}
    _, national = services_for(None, content)
    assert wanted <= {s.key for s in national}


def test_every_shipped_local_service_area_is_known(content):
    data = default_areas()
    for key, service in content.services.items():
        for code in service.get("areas") or ():
            assert code in data.authorities, f"{key}: area {code} is not in content/areas/"


def test_adding_an_area_is_a_data_only_change(tmp_path, content):
    # A copy of content/ with one more local file: the new service is found, no code changed.
    import shutil

    root = tmp_path / "content"
    shutil.copytree(ROOT / "content", root)
    (root / "services" / "local" / "kent.yml").write_text(
        "kent_test:\n  name: Kent test service\n  for: Parents in Kent.\n  areas: [E10000016]\n"
        "  web: https://example.org\n  sources: [{title: t, url: 'https://example.org'}]\n"
        "  last_verified: 2026-11-25\n"
    )
    from bot.content import load

    local, _ = services_for("E07000110", load(root), load_areas(root))  # Maidstone, in Kent
    assert [s.key for s in local] == ["kent_test"]


# -- the conversation -------------------------------------------------------

def test_find_an_advocate_in_hastings_lists_local_first():
    tracker = make_tracker("help_advocacy", text="find an advocate in Hastings")
    messages, slots = run_action(ActionFindAdvocate(), tracker)
    assert ids(messages) == ["help/services-local", "help/services-national"]
    assert "Citizens Advice 1066" in messages[0]["text"]
    assert "Family Rights Group" in messages[1]["text"]
    assert slots["area"] == HASTINGS          # the council code only
    assert "Hastings" not in str(slots.values()).replace("help/", "")


def test_without_a_place_she_is_asked_and_may_answer_with_a_postcode():
    messages, slots = run_action(ActionFindAdvocate(), make_tracker("help_advocacy", text="who can help me"))
    assert ids(messages) == ["help/ask-area"] and slots == {"area_asked": True}
    messages, slots = run_action(
        ActionFindAdvocate(), make_tracker("give_area", {"area_asked": True}, text="TN34 1AA"))
    assert ids(messages) == ["help/services-local", "help/services-national"]
    assert slots["area"] == HASTINGS and "TN34" not in str(slots)


def test_she_may_skip_and_gets_national_help():
    messages, slots = run_action(ActionFindAdvocate(), make_tracker("skip_area", {"area_asked": True}, text="skip"))
    assert ids(messages) == ["help/advocacy"] and slots["area_asked"] is False
    assert "area" not in slots


def test_skip_out_of_the_blue_is_not_understood():
    messages, _ = run_action(ActionFindAdvocate(), make_tracker("skip_area", text="skip"))
    assert ids(messages) == ["meta/fallback"]


def test_an_unknown_place_says_so_and_gives_national_help():
    messages, slots = run_action(ActionFindAdvocate(), make_tracker("give_area", {"area_asked": True}, text="Narnia"))
    assert ids(messages) == ["help/area-unknown", "help/services-national"]
    assert "area" not in slots


def test_a_known_area_without_local_services_says_so():
    messages, _ = run_action(ActionFindAdvocate(), make_tracker("give_area", text="Maidstone"))
    assert ids(messages) == ["help/no-local", "help/services-national"]
    assert "Maidstone" in messages[0]["text"]


def test_the_area_she_gave_earlier_is_used_again():
    messages, _ = run_action(ActionFindAdvocate(), make_tracker("help_advocacy", {"area": HASTINGS}, text="who can help"))
    assert ids(messages) == ["help/services-local", "help/services-national"]


def test_on_sms_the_lists_are_numbered_short_and_fit_three_texts():
    tracker = make_tracker("help_advocacy", channel="sms", text="find an advocate in Hastings")
    messages, _ = run_action(ActionFindAdvocate(), tracker)
    assert ids(messages) == ["help/services-local", "help/services-national"]
    for message in messages:
        assert "1. " in message["text"] and "https://" not in message["text"]
        assert segments(message["text"]) <= 3
        assert not message.get("buttons")  # numbered services, so no numbered choices after them


@pytest.mark.parametrize("text", ["", "😭", "{{ 7*7 }}", "<b>x</b>", "x" * 50_000])
def test_bad_input_gets_a_kind_reply(text):
    messages, _ = run_action(ActionFindAdvocate(), make_tracker("give_area", {"area_asked": True}, text=text))
    assert messages and all(m["metadata"]["content_id"] for m in messages)
    assert all("49" not in m["text"] and "<b>" not in m["text"] for m in messages)


def test_web_lists_render_the_services_data(renderer):
    from bot.directory import service_lines

    local, national = services_for(HASTINGS, renderer.content)
    html = service_lines(national, Channel.HTML, renderer, 1)
    assert '<a href="tel:08088010366">' in html
    web = service_lines(local, Channel.WEB, renderer)
    assert web.startswith("- ") and "citizensadvice1066.co.uk" in web
