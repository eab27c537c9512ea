"""Find an advocate near her, anywhere in England; who is open now (issue 17)."""
from __future__ import annotations

import csv
import datetime as dt
import random
import shutil
from pathlib import Path

import pytest
import yaml

from actions.directory import ActionFindAdvocate, ActionTalkToPerson
from bot import directory
from bot.directory import (
    LONDON, Opening, OpeningError, clock_text, default_areas, find_area, look_up, load_areas, open_status,
    order_by_opening, parse_opening, people_to_talk_to, services_for,
)
from bot.lint import lint_area_coverage, lint_service
from bot.render import Channel
from bot.sms.segments import segments
from tests.conftest import ROOT
from tests.helpers import ids, make_tracker, run_action

HASTINGS = "E07000062"
LEEDS = "E08000035"
LEWES = "E07000063"
AREAS = ROOT / "content" / "areas"
FIXTURES = ROOT / "tests" / "fixtures" / "lint-services"


def _csv(name):
    with (AREAS / name).open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _uppers():
    return sorted({a.upper_code for a in default_areas().authorities.values()})


# -- every council in England ------------------------------------------------------

def test_every_council_with_childrens_services_is_there():
    data = default_areas()
    uppers = _uppers()
    assert len(uppers) == 153
    kinds = {data.authorities[c].kind for c in uppers}
    assert kinds == {"county", "unitary", "metropolitan", "london", "city"}
    # The 2023 councils, not the ones they replaced.
    for code in ("E06000063", "E06000064", "E06000065", "E06000066"):  # Cumberland, W&F, N Yorks, Somerset
        assert code in uppers
    for gone in ("E10000006", "E10000023", "E10000027"):                 # Cumbria, N Yorks CC, Somerset CC
        assert gone not in data.authorities
    for area in data.authorities.values():
        assert area.code[:3] in {"E06", "E07", "E08", "E09", "E10"}
        assert area.upper_code in data.authorities
        assert data.authorities[area.upper_code].upper_code == area.upper_code
        assert area.homepage.startswith("https://")


def test_every_area_row_points_at_a_known_council_or_nation():
    data = load_areas()
    known = set(data.authorities) | set(directory.NATION_CODES) | {directory.TOO_WIDE}
    for table in (data.names, data.outward, data.sectors):
        for codes in table.values():
            assert codes and set(codes) <= known


@pytest.mark.parametrize("code", _uppers())
def test_every_area_has_childrens_services_and_two_more(content, code):
    local, national = services_for(code, content)
    assert len(local) >= 3
    assert local[0].kind == "childrens_services" and code in local[0].areas
    assert national[0].key == "frg"  # national advocacy first


def test_a_district_gets_its_county_childrens_services_first(content):
    local, _ = services_for(HASTINGS, content)
    assert local[0].key == "east_sussex_childrens_services"
    assert {"ca_1066", "hastings_housing", "esscp_parents"} <= {s.key for s in local}


@pytest.mark.parametrize("place, listed", [("Bognor Regis", False), ("Chichester", False),
                                           ("Crawley", True), ("Worthing", True)])
def test_citizens_advice_west_sussex_is_offered_only_where_it_works(content, place, listed):
    # Its own page sends Arun and Chichester to another service (legal review finding 18).
    area = look_up(place, default_areas()).area
    local, _ = services_for(area.code, content)
    assert ("ca_west_sussex" in {s.key for s in local}) is listed


def test_random_towns_and_postcode_districts_resolve_to_their_council():
    data = default_areas()
    rng = random.Random(17)
    places = [r for r in _csv("places.csv") if " " not in r["codes"] and r["codes"] in data.authorities]
    districts = [r for r in _csv("postcode_districts.csv")
                 if " " not in r["codes"] and r["codes"] in data.authorities]
    assert len(places) > 5000 and len(districts) > 1500
    for row in rng.sample(places, 150):
        found = look_up(row["place"], data)
        assert found.area is not None and found.area.code == row["codes"], row
    for row in rng.sample(districts, 150):
        for text in (row["outward"], row["outward"].lower(), f"my postcode is {row['outward']}"):
            found = look_up(text, data)
            assert found.area is not None and found.area.code == row["codes"], (text, row)


def test_every_postcode_district_of_england_is_known():
    areas = {a for r in _csv("postcode_districts.csv") for a in r["codes"].split()}
    uppers = {default_areas().authorities[c].upper_code for c in areas if c in default_areas().authorities}
    assert uppers == set(_uppers())


# -- looking a place up ------------------------------------------------------------------

@pytest.mark.parametrize(
    "text, code",
    [
        ("Leeds", LEEDS), ("leeds", LEEDS), ("LEEDS", LEEDS), ("I live in Leeds", LEEDS), ("leeds area", LEEDS),
        ("LS6 2AB", LEEDS), ("Lewes", LEWES), ("Hastings", HASTINGS),
        ("find an advocate in Hastings", HASTINGS), ("TN34 1AA", HASTINGS), ("my postcode is tn38 0ab", HASTINGS),
        ("tn37", HASTINGS), ("I'm in St Leonards-on-Sea", HASTINGS), ("in the hastings area please", HASTINGS),
        ("Rother", "E07000064"), ("brighton & hove", "E06000043"), ("East Sussex County Council", "E10000011"),
        ("i live near royal tunbridge wells", "E07000116"), ("Birmingham", "E08000025"),
        ("Manchester", "E08000003"), ("M1", "E08000003"), ("Hull", "E06000010"), ("Kendal", "E06000064"),
        ("Carlisle", "E06000063"), ("Harrogate", "E06000065"), ("Taunton", "E06000066"),
        ("Allerdale", "E06000063"), ("Bournemouth", "E06000058"), ("Keighley", "E08000032"),
        ("Newport Isle of Wight", "E06000046"), ("Hailsham East Sussex", "E07000065"),
        ("sw1a 1aa", "E09000033"), ('/give_area{"area":"E08000035"}', LEEDS),
    ],
)
def test_find_area_from_a_town_council_or_postcode(text, code):
    area = find_area(text)
    assert area is not None and area.code == code


def test_leeds_is_never_lewes():
    assert find_area("Leeds").code == LEEDS
    for misspelt in ("leds", "leeeds", "Leedz"):
        found = look_up(misspelt)
        assert found.area is None  # a close name is asked about, never chosen
        assert found.choices[0].code == LEEDS and found.choices[0].label == "Leeds"
        assert LEWES not in {c.code for c in found.choices}
    assert [c.code for c in look_up("leds").choices] == [LEEDS]


@pytest.mark.parametrize("text", ["hastngs", "eastborne", "lewis"])
def test_a_close_name_gets_did_you_mean(text):
    found = look_up(text)
    assert found.area is None and found.choices
    assert all(c.payload.startswith('/give_area{"area":"') for c in found.choices)


@pytest.mark.parametrize("text, nation", [
    ("Cardiff", "wales"), ("CF10 1AA", "wales"), ("Swansea", "wales"), ("SA1 1AA", "wales"), ("LL57 2DG", "wales"),
    ("Wrexham", "wales"), ("NP20 1AA", "wales"), ("LD1", "wales"), ("I live in Aberystwyth", "wales"),
    ("Glasgow", "scotland"), ("Edinburgh", "scotland"), ("EH1 1YZ", "scotland"), ("G1 1AA", "scotland"),
    ("AB10 1AA", "scotland"), ("Aberdeen", "scotland"), ("Inverness", "scotland"),
    ("Belfast", "northern-ireland"), ("BT1 1AA", "northern-ireland"), ("bt48", "northern-ireland"),
    ("Derry", "northern-ireland"), ("Lisburn", "northern-ireland"),
])
def test_places_in_other_nations(text, nation):
    found = look_up(text)
    assert found.nation == nation and found.area is None


def test_a_name_in_england_and_wales_asks_which():
    labels = {c.label for c in look_up("Newport").choices}
    assert "Newport, Isle of Wight" in labels and "Newport, Wales" in labels


def test_a_postcode_district_across_the_border_asks_which():
    found = look_up("SY10")
    assert {c.code for c in found.choices} == {"E06000051", "W92000004"}  # Shropshire or Wales


def test_a_name_in_two_councils_asks_which():
    found = look_up("Whitby")
    assert {c.code for c in found.choices} == {"E06000050", "E06000065"}  # Cheshire West or North Yorkshire
    assert look_up("cumbria").choices  # Cumberland or Westmorland and Furness


def test_wide_names_ask_for_a_postcode():
    assert look_up("London").too_wide and find_area("London") is None


@pytest.mark.parametrize(
    "text",
    ["", "Narnia", "who can help me", "I can't deal with this any more", "x" * 50_000, "hello", "skip", "home",
     "😭😭", "{{ 7*7 }}", "<script>alert(1)</script>", "ZZ99 9ZZ", "in", "b4 court", "help me b4 court",
     "park", "church", "school"],
)
def test_unknown_or_no_place_gives_no_council(text):
    assert find_area(text) is None


def test_berwick_alone_is_asked_never_taken_for_a_name_close_to_it():
    # Berwick-upon-Tweed is in England: before the alias she was offered Lerwick (Scotland).
    found = look_up("i live in berwick", default_areas())
    assert found.area is None
    labels = [c.label for c in found.choices]
    assert labels and all("Berwick" in label for label in labels)
    assert any("Northumberland" in label for label in labels)


def test_names_are_compared_the_same_way_in_the_data_and_the_bot():
    import importlib.util

    spec = importlib.util.spec_from_file_location("refresh_areas", ROOT / "scripts" / "refresh_areas.py")
    refresh = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(refresh)
    for text in ("St. Leonards-on-Sea", "Brighton & Hove", "King's Lynn", "Saint Albans", "Stoke–on–Trent"):
        assert refresh.normal(text) == directory.normal(text)


# -- opening hours -------------------------------------------------------------------

FRG = parse_opening({"mon-fri": "09:30-15:00", "bank_holidays": "closed"})
CLA = parse_opening({"mon-fri": "09:00-20:00", "sat": "09:00-12:30"})
LATE = parse_opening({"daily": ["18:00-24:00"], "bank_holidays": "open"})


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=LONDON)


@pytest.mark.parametrize(
    "opening, now, status",
    [
        # A weekday: before, during, at closing, after.
        (FRG, "2026-12-02 09:29", {"status": "today", "time": "9:30am", "day": "Wednesday"}),
        (FRG, "2026-12-02 09:30", {"status": "open", "until": "3pm"}),
        (FRG, "2026-12-02 14:59", {"status": "open", "until": "3pm"}),
        (FRG, "2026-12-02 15:00", {"status": "tomorrow", "time": "9:30am", "day": "Thursday"}),
        (FRG, "2026-12-02 22:00", {"status": "tomorrow", "time": "9:30am", "day": "Thursday"}),
        # Friday evening and the weekend open on Monday.
        (FRG, "2026-12-04 16:00", {"status": "later", "time": "9:30am", "day": "Monday"}),
        (FRG, "2026-12-05 11:00", {"status": "later", "time": "9:30am", "day": "Monday"}),
        (FRG, "2026-12-06 23:30", {"status": "tomorrow", "time": "9:30am", "day": "Monday"}),
        (CLA, "2026-12-05 11:00", {"status": "open", "until": "12:30pm"}),
        (CLA, "2026-12-05 13:00", {"status": "later", "time": "9am", "day": "Monday"}),
        # Bank holidays in England: Christmas, Boxing Day (observed on Monday 28th), Easter Monday.
        (FRG, "2026-12-24 16:00", {"status": "later", "time": "9:30am", "day": "Tuesday"}),
        (FRG, "2026-12-25 10:00", {"status": "later", "time": "9:30am", "day": "Tuesday"}),
        (FRG, "2026-12-28 10:00", {"status": "tomorrow", "time": "9:30am", "day": "Tuesday"}),
        (FRG, "2026-04-06 10:00", {"status": "tomorrow", "time": "9:30am", "day": "Tuesday"}),
        (FRG, "2026-04-02 16:00", {"status": "later", "time": "9:30am", "day": "Tuesday"}),  # Good Friday too
        (CLA, "2026-12-28 10:00", {"status": "tomorrow", "time": "9am", "day": "Tuesday"}),
        (LATE, "2026-12-25 19:00", {"status": "open", "until": ""}),                        # open on bank holidays
        (LATE, "2026-12-25 17:00", {"status": "today", "time": "6pm", "day": "Friday"}),
    ],
)
def test_opening_hours_table(opening, now, status):
    assert open_status(opening, at(now)) == status


@pytest.mark.parametrize(
    "utc, is_open",
    [
        # Clocks go forward on Sunday 29 March 2026: 08:45 UTC on Monday is 09:45 in England.
        ("2026-03-30 08:45", True),
        ("2026-03-30 08:15", False),
        ("2026-03-27 09:15", False),   # Friday before: still GMT, 09:15 in England
        ("2026-03-27 09:45", True),
        # Clocks go back on Sunday 25 October 2026: 09:15 UTC on Monday is 09:15 in England.
        ("2026-10-26 09:15", False),
        ("2026-10-26 09:35", True),
        ("2026-10-23 08:35", True),    # Friday before: BST, 09:35 in England
        ("2026-10-23 14:05", False),   # 15:05 in England
    ],
)
def test_opening_hours_across_the_clock_changes(utc, is_open):
    moment = dt.datetime.fromisoformat(utc).replace(tzinfo=dt.timezone.utc)
    assert FRG.is_open(moment) is is_open


def test_the_night_of_the_clock_change_still_opens_at_local_time():
    # Saturday night into the spring change: the next opening is Monday 09:30 BST (08:30 UTC).
    moment = FRG.next_open(at("2026-03-28 23:00"))
    assert moment.astimezone(dt.timezone.utc).hour == 8 and moment.hour == 9 and moment.minute == 30
    moment = FRG.next_open(at("2026-10-24 23:00"))
    assert moment.astimezone(dt.timezone.utc).hour == 9  # GMT again


def test_round_the_clock_and_the_words_for_times():
    always = Opening(always=True)
    assert always.is_open(at("2026-12-25 03:00")) and open_status(always, at("2026-12-25 03:00")) == {"status": "always"}
    assert [clock_text(dt.time(*t)) for t in ((9, 30), (15, 0), (0, 0), (12, 0), (12, 30))] == \
        ["9:30am", "3pm", "12am", "12pm", "12:30pm"]


@pytest.mark.parametrize("value, message", [
    ({"mon-fri": "9.30 to 3"}, "24-hour clock"),
    ({"weekdays": "09:00-17:00"}, "use days like"),
    ({"mon": "17:00-09:00"}, "closes before it opens"),
    ({"mon": "closed"}, "no open times"),
    ({"always": True, "mon": "09:00-10:00"}, "needs nothing else"),
    ({"mon": "09:00-10:00", "bank_holidays": "sometimes"}, "closed or open"),
    ("weekdays", "should be"),
])
def test_opening_that_cannot_be_read_is_refused(value, message):
    with pytest.raises(OpeningError, match=message):
        parse_opening(value)


def test_every_line_she_can_call_has_opening_times(content):
    for key, fields in content.services.items():
        if fields.get("phone") or fields.get("text_number"):
            assert "opening" in fields, key
            if fields["opening"] != "not_published":
                assert parse_opening(fields["opening"]), key


# -- who is open now -------------------------------------------------------------------

@pytest.fixture
def clock(monkeypatch):
    def set_to(text):
        monkeypatch.setattr(directory, "clock", lambda: at(text))
    return set_to


def test_talk_to_a_person_at_night_puts_round_the_clock_lines_first(content):
    people = people_to_talk_to(content, now=at("2026-12-02 22:00"))
    keys = [p.key for p in people]
    assert keys[0] == "samaritans" and "frg" in keys
    first_shut = next(i for i, p in enumerate(people) if not p.opening.is_open(at("2026-12-02 22:00")))
    assert all(p.opening.is_open(at("2026-12-02 22:00")) for p in people[:first_shut])
    assert all(p.opening.always for p in people[:first_shut])


def test_talk_to_a_person_in_the_day_lists_family_rights_group_first(content):
    people = people_to_talk_to(content, now=at("2026-12-02 10:00"))
    assert people[0].key == "frg"


def test_never_only_lines_that_are_shut(content, tmp_path):
    # An item naming only Family Rights Group, asked on Christmas Day: open lines are added.
    from bot.content import load

    root = tmp_path / "content"
    shutil.copytree(ROOT / "content", root)
    path = root / "items" / "help" / "talk-to-person.yml"
    item = yaml.safe_load(path.read_text())
    item["more"] = 'Call {{ name("frg") }}.'
    path.write_text(yaml.safe_dump(item))
    people = people_to_talk_to(load(root), now=at("2026-12-25 10:00"))
    assert people[0].opening.is_open(at("2026-12-25 10:00"))
    assert "frg" in [p.key for p in people]


@pytest.mark.parametrize("channel", ["rest", "sms"])
def test_the_help_list_at_night_starts_with_lines_open_now_and_still_names_the_advocacy_line(clock, channel):
    clock("2026-12-02 22:00")   # a Wednesday night: Family Rights Group opens at 9:30am
    tracker = make_tracker("skip_area", {"area_asked": True}, channel=channel, text="skip")
    messages, _ = run_action(ActionFindAdvocate(), tracker)
    text = messages[-1]["text"]
    assert ids(messages) == ["help/services-national"]
    assert text.index("Samaritans") < text.index("Family Rights Group")   # someone to talk to now
    assert "Family Rights Group" in text                                   # advocacy still listed


def test_the_help_list_in_the_day_keeps_advocacy_first(clock):
    clock("2026-12-02 10:00")
    messages, _ = run_action(ActionFindAdvocate(), make_tracker("skip_area", {"area_asked": True}, text="skip"))
    text = messages[-1]["text"]
    assert text.index("Family Rights Group") < text.index("Rights of Women")
    assert "Samaritans" not in text


def test_talk_to_a_person_says_when_family_rights_group_opens(clock):
    clock("2026-12-02 22:00")
    messages, slots = run_action(ActionTalkToPerson(), make_tracker("help_talk_to_person", text="can i talk to someone"))
    assert ids(messages) == ["help/talk-to-person"]
    text = messages[0]["text"]
    assert "Family Rights Group" in text and "Opens at 9:30am tomorrow" in text
    assert text.index("Samaritans") < text.index("Family Rights Group")
    assert "Open now, day and night" in text
    assert slots["last_item"] == "help/talk-to-person"


def test_talk_to_a_person_in_the_day_and_by_text(clock):
    clock("2026-12-02 10:00")
    messages, _ = run_action(ActionTalkToPerson(), make_tracker("help_talk_to_person", text="talk to a person"))
    assert "Open now until 3pm" in messages[0]["text"]
    clock("2026-12-05 23:00")
    messages, _ = run_action(ActionTalkToPerson(),
                             make_tracker("help_talk_to_person", channel="sms", text="talk to a person"))
    text = messages[0]["text"]
    assert segments(text) <= 3 and "1. Samaritans" in text and "open now" in text


def test_ordering_puts_open_lines_first(content):
    from bot.directory import all_services

    services = all_services(content)
    ordered = order_by_opening([services["frg"], services["civil_legal_advice"], services["samaritans"]],
                               at("2026-12-05 11:00"))  # Saturday
    assert [s.key for s in ordered] == ["civil_legal_advice", "samaritans", "frg"]


# -- the linter ------------------------------------------------------------------------

@pytest.mark.parametrize("fixture, message", [
    ("opening-missing", "add `opening`"),
    ("opening-bad-time", "24-hour clock"),
    ("opening-backwards", "closes before it opens"),
    ("opening-bad-day", "use days like"),
    ("opening-unpublished-unchecked", "needs a `check` note"),
    ("source-not-address", "full address"),
    ("unsourced", "add at least one source"),
    ("undated", "add `last_verified`"),
    ("stale", "check it again"),
    ("unknown-area", "is not in content/areas/local_authorities.csv"),
])
def test_the_linter_names_each_broken_service(fixture, message):
    codes = {a for a in default_areas().authorities}
    data = yaml.safe_load((FIXTURES / f"{fixture}.yml").read_text())
    findings = [f for key, fields in data.items()
                for f in lint_service(fixture, key, fields, dt.date(2026, 12, 1), codes) if f.error]
    assert any(message in f.message for f in findings), [f.message for f in findings]


def test_the_good_fixture_passes_the_linter():
    data = yaml.safe_load((FIXTURES / "good.yml").read_text())
    for key, fields in data.items():
        assert lint_service("good", key, fields, dt.date(2026, 12, 1), set()) == []


def test_the_linter_names_a_council_without_its_entries(tmp_path):
    from bot.content import load

    root = tmp_path / "content"
    shutil.copytree(ROOT / "content", root)
    generated = root / "services" / "local" / "councils.yml"
    data = yaml.safe_load(generated.read_text())
    data = {k: v for k, v in data.items() if v["areas"] != ["E08000035"]}  # Leeds's entries gone
    generated.write_text(yaml.safe_dump(data))
    findings = lint_area_coverage(load(root), root)
    assert {f.message.split(" (")[0] for f in findings} == {"Leeds"}
    assert lint_area_coverage(load(ROOT / "content"), ROOT / "content") == []


# -- the conversation ------------------------------------------------------------------------

def test_find_an_advocate_in_hastings_lists_local_first(clock):
    clock("2026-12-02 10:00")
    messages, slots = run_action(ActionFindAdvocate(), make_tracker("help_advocacy", text="find an advocate in Hastings"))
    assert ids(messages) == ["help/services-local", "help/services-national"]
    assert "East Sussex children's services" in messages[0]["text"]
    assert messages[0]["text"].index("children's services") < messages[0]["text"].index("Citizens Advice")
    assert "Family Rights Group" in messages[1]["text"] and "Open now until 3pm" in messages[1]["text"]
    assert slots["area"] == HASTINGS          # the council code only
    assert "Hastings" not in str(slots.values()).replace("help/", "")


def test_help_asked_for_just_after_another_nation_is_help_there(content):
    # "who can help me there" after she said she lives in Wales: where to get help where
    # she lives, not "which town in England?".
    tracker = make_tracker("help_advocacy", {"last_item": "help/other-nations"}, text="who can help me there")
    messages, _ = run_action(ActionFindAdvocate(), tracker)
    assert ids(messages) == ["help/other-nations"]
    assert messages[0]["metadata"]["part"] == "answer"
    assert "Wales" in messages[0]["text"] and "Scotland" in messages[0]["text"]


def test_leeds_gets_leeds(clock):
    clock("2026-12-02 10:00")
    messages, slots = run_action(ActionFindAdvocate(), make_tracker("give_area", {"area_asked": True}, text="Leeds"))
    assert ids(messages) == ["help/services-local", "help/services-national"]
    assert "Leeds children's services" in messages[0]["text"] and "Lewes" not in messages[0]["text"]
    assert slots["area"] == LEEDS


def test_a_close_name_is_asked_about_and_the_button_answers(clock):
    clock("2026-12-02 10:00")
    messages, slots = run_action(ActionFindAdvocate(), make_tracker("give_area", {"area_asked": True}, text="leds"))
    assert ids(messages) == ["help/did-you-mean-place"]
    assert [b["title"] for b in messages[0]["buttons"]] == ["Leeds"]
    assert slots["area_asked"] is True and "area" not in slots
    payload = messages[0]["buttons"][0]["payload"]
    messages, slots = run_action(ActionFindAdvocate(), make_tracker("give_area", {"area_asked": True}, text=payload))
    assert ids(messages) == ["help/services-local", "help/services-national"] and slots["area"] == LEEDS


def test_a_place_in_another_nation_gets_the_other_nations_item():
    for text in ("Cardiff", "I live in Glasgow", "BT1 1AA"):
        messages, slots = run_action(ActionFindAdvocate(), make_tracker("give_area", {"area_asked": True}, text=text))
        assert ids(messages) == ["help/other-nations"] and "area" not in slots


def test_london_is_asked_again():
    messages, slots = run_action(ActionFindAdvocate(), make_tracker("give_area", {"area_asked": True}, text="London"))
    assert ids(messages) == ["help/ask-area"] and slots == {"area_asked": True}


def test_without_a_place_her_question_is_answered_then_she_is_asked_where_with_a_skip_button():
    messages, slots = run_action(ActionFindAdvocate(), make_tracker("help_advocacy", text="how do i get an advocate"))
    assert ids(messages) == ["help/advocacy", "help/ask-area"] and slots["area_asked"] is True
    assert "Ask your social worker if there is a parent advocate" in messages[0]["text"]
    assert {"title": "Skip", "payload": "/skip_area"} in messages[1]["buttons"]
    messages, slots = run_action(
        ActionFindAdvocate(), make_tracker("give_area", {"area_asked": True}, text="TN34 1AA"))
    assert ids(messages) == ["help/services-local", "help/services-national"]
    assert slots["area"] == HASTINGS and "TN34" not in str(slots)


def test_what_is_an_advocate_is_answered_first_with_local_help_offered(content):
    for intent, text in (("help_advocacy", "what is an advocate"), ("advocate_mode_on", "advocate"),
                         ("advocate_mode_on", "what does an advocate actually do")):
        messages, slots = run_action(ActionFindAdvocate(), make_tracker(intent, text=text))
        assert ids(messages) == ["help/advocacy"], text
        assert {"title": content.labels["find_near_me"], "payload": "/help_advocacy"} in messages[0]["buttons"]
        assert "area_asked" not in slots or slots["area_asked"] is False
    messages, _ = run_action(ActionFindAdvocate(), make_tracker("help_advocacy", {"last_item": "help/advocacy"},
                                                                text="/help_advocacy"))
    assert ids(messages) == ["help/ask-area"], "the button then asks where she is, without repeating the answer"


def test_she_may_skip_and_gets_national_help():
    messages, slots = run_action(ActionFindAdvocate(), make_tracker("skip_area", {"area_asked": True}, text="skip"))
    assert ids(messages) == ["help/services-national"] and slots["area_asked"] is False
    assert "Family Rights Group" in messages[0]["text"]
    assert "area" not in slots


def test_skip_out_of_the_blue_is_not_understood():
    messages, _ = run_action(ActionFindAdvocate(), make_tracker("skip_area", text="skip"))
    assert ids(messages) == ["meta/fallback"]


def test_an_unknown_place_says_so_and_gives_national_help():
    messages, slots = run_action(ActionFindAdvocate(), make_tracker("give_area", {"area_asked": True}, text="Narnia"))
    assert ids(messages) == ["help/area-unknown", "help/services-national"]
    assert "area" not in slots


def test_the_area_she_gave_earlier_is_used_again():
    messages, _ = run_action(ActionFindAdvocate(), make_tracker("help_advocacy", {"area": HASTINGS}, text="who can help"))
    assert ids(messages) == ["help/services-local", "help/services-national"]


def test_on_sms_the_lists_are_numbered_short_and_fit_three_texts(clock):
    for when in ("2026-12-02 10:00", "2026-12-05 23:00"):
        clock(when)
        for text in ("find an advocate in Hastings", "find an advocate in Leeds", "advocate in Kent"):
            messages, _ = run_action(ActionFindAdvocate(), make_tracker("help_advocacy", channel="sms", text=text))
            assert ids(messages) == ["help/services-local", "help/services-national"]
            for message in messages:
                assert "1. " in message["text"] and "https://" not in message["text"]
                assert segments(message["text"]) <= 3
                assert not message.get("buttons")  # numbered services, so no numbered choices after them


@pytest.mark.parametrize("text", ["", "😭", "{{ 7*7 }}", "<b>x</b>", "x" * 50_000, '/give_area{"area":"E99999999"}'])
def test_bad_input_gets_a_kind_reply(text):
    messages, _ = run_action(ActionFindAdvocate(), make_tracker("give_area", {"area_asked": True}, text=text))
    assert messages and all(m["metadata"]["content_id"] for m in messages)
    assert all("49" not in m["text"] and "<b>" not in m["text"] for m in messages)


def test_web_lists_render_the_services_data(renderer):
    from bot.directory import service_lines

    local, national = services_for(HASTINGS, renderer.content)
    html = service_lines(national, Channel.HTML, renderer, 1, now=at("2026-12-02 10:00"))
    assert '<a href="tel:08088010366">' in html and "Open now until 3pm" in html
    web = service_lines(local, Channel.WEB, renderer)
    assert web.startswith("- ") and "citizensadvice1066.co.uk" in web


def test_adding_an_area_entry_is_a_data_only_change(tmp_path):
    from bot.content import load

    root = tmp_path / "content"
    shutil.copytree(ROOT / "content", root)
    (root / "services" / "local" / "kent.yml").write_text(
        "kent_test:\n  name: Kent test service\n  for: Parents in Kent.\n  areas: [E10000016]\n"
        "  web: https://example.org\n  sources: [{title: t, url: 'https://example.org'}]\n"
        "  last_verified: 2026-11-25\n"
    )
    local, _ = services_for("E07000110", load(root), load_areas(root))  # Maidstone, in Kent
    assert "kent_test" in [s.key for s in local] and local[0].kind == "childrens_services"


def test_the_printed_local_pages_use_the_same_data(renderer):
    from bot.scripts import who_can_help

    place = who_can_help.find_place("Leeds")
    assert place.code == LEEDS
    local, national = who_can_help.services_for_stage(renderer, renderer.content.item("stage/icpc"), place)
    assert local and local[0].key == "leeds_childrens_services"
    assert who_can_help.find_place("leds") is None and who_can_help.find_place("Cardiff") is None


def test_the_talk_to_person_item_types_no_hours(content):
    item = content.item("help/talk-to-person")
    for text in (item.web, item.more, item.sms):
        assert "9:30" not in text and "Monday" not in text


def test_a_word_taken_for_a_place_when_none_was_asked_is_answered_from_the_other_guesses():
    # "nrpf" (no recourse to public funds) out of the blue: the classifier's best guess is
    # a place name, its next one the topic. No place was asked for and none is known.
    tracker = make_tracker("give_area", text="nrpf")
    tracker.latest_message["intent_ranking"] = [
        {"name": "give_area", "confidence": 0.74}, {"name": "rights_immigration", "confidence": 0.14},
        {"name": "meta_feeling_swearing", "confidence": 0.01}]
    messages, _ = run_action(ActionFindAdvocate(), tracker)
    assert ids(messages)[0] == "rights/immigration"
    assert "help/area-unknown" not in ids(messages)
