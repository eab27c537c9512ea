"""The chat as a chat on her phone (issue 18), in Chromium at 360x740 and 1280x800.

The bot's answers are real items rendered as the REST channel sends them, answered
for the bot by the test (no trained model): the message box stays in view and each
answer opens at its start; at most four buttons; every leave button leaves; the
"Where am I?" map by keyboard, with her stage and the 26-week clock; read aloud;
text size; tap targets; axe. Screenshots go to build/artefacts/.
"""
from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from playwright.sync_api import expect

from bot import deadlines
from bot.content import intent_for
from bot.journey import journey_json
from bot.render import Channel
from tests.browser.conftest import ARTEFACTS, answer_as_bot, axe_violations

pytestmark = pytest.mark.browser

BOT = ".bw-msg--bot"
SIZES = [pytest.param({"width": 360, "height": 740}, id="360x740"),
         pytest.param({"width": 1280, "height": 800}, id="1280x800")]
# The same sizes for tests that take the `visit` fixture (its param).
VISIT_SIZES = [pytest.param({"viewport": size.values[0]}, id=size.id) for size in SIZES]
STILL = {"reduced_motion": "reduce"}   # scrolling is instant, so positions can be read at once
TODAY = dt.date(2026, 6, 15)


def as_rest(renderer, content_id, part="main", **extra):
    """One item as Rasa's REST channel answers with it (content id beside the text)."""
    message = renderer.message(content_id, Channel.WEB, part=part, values=extra.pop("template", None)).as_dict()
    metadata = message.pop("metadata")
    return {"recipient_id": "x", **message, **metadata, **extra}


def long_answer(renderer, content_id="stage/care-proceedings"):
    """A long answer: the item's main text and its "tell me more" in one message."""
    reply = as_rest(renderer, content_id)
    reply["text"] += "\n\n" + renderer.message(content_id, Channel.WEB, part="more").text
    return reply


def open_chat(page, web):
    page.goto(web.url + "/")
    expect(page.locator(f'{BOT}[data-content-id="meta/greet"]')).to_be_visible()
    expect(page.locator(".bw-map-toggle")).to_be_visible()   # the journey map has loaded
    return page


def send(page, content, text):
    page.get_by_label(content.labels["message_label"]).fill(text)
    page.get_by_role("button", name=content.labels["send"], exact=True).click()


def box(locator):
    found = locator.bounding_box()
    assert found, f"{locator} is not on the page"
    return found


def viewport_of(page):
    return page.evaluate("[window.innerWidth, window.innerHeight]")


def in_view(page, locator) -> bool:
    width, height = viewport_of(page)
    b = box(locator)
    return b["y"] >= 0 and b["y"] + b["height"] <= height + 0.5 and b["x"] >= 0 and b["x"] + b["width"] <= width + 0.5


def new_visit(browser, viewport, **options):
    context = browser.new_context(viewport=viewport, **options)
    context.set_default_timeout(15_000)
    return context, context.new_page()


# ------------------------------------------------------------ phone layout
@pytest.mark.parametrize("viewport", SIZES)
def test_message_box_stays_in_view_and_each_answer_opens_at_its_start(browser, offline_web, renderer, content, viewport):
    context, page = new_visit(browser, viewport, **STILL)
    try:
        open_chat(page, offline_web)
        message_box = page.get_by_label(content.labels["message_label"])
        assert in_view(page, message_box), "the message box is on screen when the page opens"

        answers = iter([long_answer(renderer, "stage/care-proceedings"), long_answer(renderer, "stage/section-47"),
                        long_answer(renderer, "stage/icpc")])
        answer_as_bot(page, lambda message: [next(answers)])
        for said, content_id in (("court", "stage/care-proceedings"), ("s47", "stage/section-47"),
                                 ("conference", "stage/icpc")):
            send(page, content, said)
            answer = page.locator(f'{BOT}[data-content-id="{content_id}"]')
            expect(answer).to_be_visible()
            page.wait_for_function("() => document.activeElement && document.activeElement.classList.contains('bw-input')")
            assert in_view(page, message_box), f"the message box is on screen after {content_id}"
            exit_bar = box(page.locator(".bw-exit"))
            dock = box(page.locator(".bw-dock"))
            first_line = box(answer.locator(".bw-text > :first-child"))
            # The answer's first line is on screen: below "Exit this page", above the message box.
            assert first_line["y"] >= exit_bar["y"] + exit_bar["height"] - 1, (first_line, exit_bar)
            assert first_line["y"] + 24 <= dock["y"], (first_line, dock)
            # Scrolled to the answer's start (just under "Exit this page"), unless the page ends first.
            at_end = page.evaluate("window.scrollY >= document.documentElement.scrollHeight - window.innerHeight - 1")
            top = box(answer)["y"] - (exit_bar["y"] + exit_bar["height"])
            assert 0 <= top <= 24 or at_end, f"{content_id} starts {top} px below the exit bar"

        ARTEFACTS.mkdir(parents=True, exist_ok=True)
        shot = ARTEFACTS / f"widget-{viewport['width']}x{viewport['height']}.png"
        page.screenshot(path=str(shot))
        assert shot.stat().st_size > 10_000
    finally:
        context.close()


def test_the_message_box_is_in_view_with_the_map_open_and_at_double_text_size(browser, offline_web, content):
    context, page = new_visit(browser, {"width": 360, "height": 740}, **STILL)
    try:
        open_chat(page, offline_web)
        page.get_by_role("button", name=content.labels["journey_open"]).click()
        expect(page.locator(".bw-map")).to_be_visible()
        assert in_view(page, page.get_by_label(content.labels["message_label"]))
        page.get_by_role("button", name=content.labels["journey_close"]).click()
        for _ in range(4):
            page.get_by_role("button", name=content.labels["text_larger"]).click()
        assert in_view(page, page.get_by_label(content.labels["message_label"]))
        sizes = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        assert sizes[0] <= sizes[1], "no sideways scrolling at the largest text size"
    finally:
        context.close()


def test_at_most_four_buttons_and_more_options_shows_the_rest(visit, offline_web, renderer, content):
    page = open_chat(visit.page, offline_web)
    stage = as_rest(renderer, "stage/section-47")
    assert len(stage["buttons"]) > 4
    sent = answer_as_bot(page, lambda message: [stage])
    send(page, content, "s47")
    answer = page.locator(f'{BOT}[data-content-id="stage/section-47"]')
    expect(answer).to_be_visible()
    choices = answer.locator(".bw-choices button:visible")
    expect(choices).to_have_count(4)
    more = answer.get_by_role("button", name=content.labels["more_options"])
    expect(more).to_have_attribute("aria-expanded", "false")
    shown = [b["title"] for b in stage["buttons"][:3]]
    assert choices.all_inner_texts()[:3] == shown

    more.click()
    expect(more).to_be_hidden()
    expect(choices).to_have_count(len(stage["buttons"]))
    hidden_first = stage["buttons"][3]
    assert page.evaluate("document.activeElement.textContent") == hidden_first["title"], "focus moves to what appeared"
    page.keyboard.press("Enter")
    expect(page.locator(".bw-msg--user").last).to_contain_text(hidden_first["title"])
    assert sent[-1][1]["message"] == hidden_first["payload"]


def test_typing_a_choice_of_the_latest_answer_sends_that_choice(visit, offline_web, renderer, content):
    # She types "a court decided" instead of tapping it: the bot gets the button's choice.
    page = open_chat(visit.page, offline_web)
    triage = as_rest(renderer, "meta/triage-removed")
    choice = triage["buttons"][1]
    sent = answer_as_bot(page, lambda message: [triage])
    answers = page.locator(f'{BOT}[data-content-id="meta/triage-removed"]')
    send(page, content, "they took my kids")
    expect(answers).to_have_count(1)
    typed = choice["title"].lower().rstrip(".") + "!"
    send(page, content, typed)
    expect(answers).to_have_count(2)
    expect(page.locator(".bw-msg--user").last).to_contain_text(typed)   # her words are shown
    assert sent[-1][1]["message"] == choice["payload"]
    # Words that are not a choice go as she typed them.
    send(page, content, "what does that mean")
    expect(answers).to_have_count(3)
    assert sent[-1][1]["message"] == "what does that mean"


def test_talk_to_a_person_is_a_button_in_the_greeting_and_never_hidden(visit, offline_web, renderer, content):
    page = open_chat(visit.page, offline_web)
    talk = content.item("help/talk-to-person")
    greeting = page.locator(f'{BOT}[data-content-id="meta/greet"]')
    sent = answer_as_bot(page, lambda message: [as_rest(renderer, "help/talk-to-person")])
    greeting.get_by_role("button", name=talk.title).click()
    expect(page.locator(f'{BOT}[data-content-id="help/talk-to-person"]')).to_be_visible()
    assert sent[0][1]["message"] == "/help_talk_to_person"

    # In an answer with many buttons it stays out of "More options".
    crowded = as_rest(renderer, "stage/section-47")
    crowded["buttons"] = crowded["buttons"] + [{"title": talk.title, "payload": "/help_talk_to_person"}]
    page.unroute("**/webhooks/rest/webhook")
    answer_as_bot(page, lambda message: [crowded])
    send(page, content, "s47")
    answer = page.locator(f'{BOT}[data-content-id="stage/section-47"]')
    expect(answer.get_by_role("button", name=talk.title)).to_be_visible()
    expect(answer.locator(".bw-choices button:visible")).to_have_count(4)


@pytest.mark.parametrize("visit", VISIT_SIZES, indirect=True)
def test_tap_targets_are_at_least_24_px(visit, offline_web, renderer, content):
    page = open_chat(visit.page, offline_web)
    answer_as_bot(page, lambda message: [as_rest(renderer, "safety/danger"), as_rest(renderer, "stage/icpc")])
    send(page, content, "help")
    expect(page.locator(f'{BOT}[data-content-id="stage/icpc"]')).to_be_visible()
    page.get_by_role("button", name=content.labels["journey_open"]).click()
    expect(page.locator(".bw-map")).to_be_visible()
    small = page.evaluate(
        """() => [...document.querySelectorAll('.bw button, .bw input, .bw-exit button')]
             .filter(e => e.getClientRects().length)
             .map(e => [e.textContent.trim(), e.getBoundingClientRect()])
             .filter(([, r]) => r.width < 24 || r.height < 24).map(([t, r]) => [t, r.width, r.height])"""
    )
    assert small == [], "WCAG 2.2 2.5.8: every control at least 24 by 24 px"
    assert page.locator(".bw-stage-open").count() == len(content.stage_order)


def test_text_size_control(visit, offline_web, content):
    page = open_chat(visit.page, offline_web)
    size = "() => parseFloat(getComputedStyle(document.querySelector('.bw-text p')).fontSize)"
    smaller = page.get_by_role("button", name=content.labels["text_smaller"])
    larger = page.get_by_role("button", name=content.labels["text_larger"])
    expect(page.get_by_role("group", name=content.labels["text_size"])).to_be_visible()
    normal = page.evaluate(size)
    expect(smaller).to_be_disabled()
    larger.click()
    assert page.evaluate(size) == pytest.approx(normal * 1.25)
    assert page.evaluate("parseFloat(getComputedStyle(document.querySelector('.bw-input')).fontSize)") > normal
    for _ in range(3):
        larger.click()
    expect(larger).to_be_disabled()
    assert page.evaluate(size) == pytest.approx(normal * 2)
    assert page.evaluate("document.activeElement.textContent") == content.labels["text_smaller"], "focus is not lost"
    for _ in range(4):
        smaller.click()
    assert page.evaluate(size) == pytest.approx(normal)


# ---------------------------------------------------------- leave means leave
def leave_buttons(page):
    """The text of every button on the page that says it leaves or exits."""
    return [t for t in page.evaluate("[...document.querySelectorAll('button')].map(b => b.textContent.trim())")
            if re.search(r"\b(leave|leaving|exit)\b", t, re.I)]


def danger_replies(renderer, content):
    """A danger answer, and a bot button labelled as leaving (any of the leave labels)."""
    odd = as_rest(renderer, "meta/what-can-you-do")
    odd["buttons"] = [{"title": content.labels["exit_page"], "payload": "/anything"}]
    return [as_rest(renderer, "safety/danger"), odd]


@pytest.mark.parametrize("viewport", SIZES)
def test_every_leave_button_leaves_and_back_does_not_return(browser, offline_web, neutral_site, renderer, content, viewport):
    """Find every button labelled as leaving, then press each in a fresh tab."""
    context, page = new_visit(browser, viewport)
    try:
        page.goto(neutral_site + "/before")
        open_chat(page, offline_web)
        answer_as_bot(page, lambda message: danger_replies(renderer, content))
        send(page, content, "he is here and i am scared")
        expect(page.locator(f'{BOT}[data-content-id="safety/danger"]')).to_be_visible()
        for more in page.get_by_role("button", name=content.labels["more_options"]).all():
            more.click()
        found = leave_buttons(page)
        assert content.labels["leave_page"] in found and content.labels["exit_page"] in " ".join(found)
        assert content.item("safety/quick-exit").title not in found, "the how-to item is not labelled as leaving"
    finally:
        context.close()

    for index in range(len(found)):
        context, page = new_visit(browser, viewport)
        try:
            page.goto(neutral_site + "/before")
            open_chat(page, offline_web)
            sent = answer_as_bot(page, lambda message: danger_replies(renderer, content))
            send(page, content, "he is here and i am scared")
            expect(page.locator(f'{BOT}[data-content-id="meta/what-can-you-do"]')).to_be_visible()
            for more in page.get_by_role("button", name=content.labels["more_options"]).all():
                more.click()
            buttons = [b for b in page.locator("button").all()
                       if re.search(r"\b(leave|leaving|exit)\b", b.text_content().strip(), re.I)]
            assert len(buttons) == len(found)
            buttons[index].click()
            page.wait_for_url(neutral_site + "/weather")
            assert len(sent) == 1, f"{found[index]!r} left without asking the bot anything"
            page.go_back()
            page.wait_for_load_state()
            assert page.url == neutral_site + "/before", f"Back returned to the chat after {found[index]!r}"
        finally:
            context.close()


def test_the_leave_button_is_first_in_a_danger_answer_and_red(visit, offline_web, renderer, content):
    page = open_chat(visit.page, offline_web)
    answer_as_bot(page, lambda message: [as_rest(renderer, "safety/danger")])
    send(page, content, "scared")
    answer = page.locator(f'{BOT}[data-content-id="safety/danger"]')
    first = answer.locator(".bw-choices button").first
    expect(first).to_have_text(content.labels["leave_page"])
    assert first.evaluate("b => getComputedStyle(b).backgroundColor") == "rgb(170, 42, 22)"


def test_how_to_stay_safe_online_shows_the_item_and_does_not_leave(visit, offline_web, renderer, content):
    page = open_chat(visit.page, offline_web)
    sent = answer_as_bot(page, lambda message: [as_rest(renderer, "safety/quick-exit")])
    greeting = page.locator(f'{BOT}[data-content-id="meta/greet"]')
    # The greeting's button to safety/quick-exit carries the label, whatever title the bot gave it.
    button = greeting.get_by_role("button", name=content.labels["quick_exit"], exact=True)
    expect(button).to_be_visible()
    expect(greeting.get_by_role("button", name=content.item("safety/quick-exit").title)).to_have_count(0)
    button.click()
    expect(page.locator(f'{BOT}[data-content-id="safety/quick-exit"]')).to_be_visible()
    assert sent[0][1]["message"] == "/safety_quick_exit"
    assert page.url.startswith(offline_web.url)
    page.locator(".bw-tools").get_by_role("button", name=content.labels["quick_exit"]).click()
    expect(page.locator(f'{BOT}[data-content-id="safety/quick-exit"]')).to_have_count(2)
    assert sent[1][1]["message"] == "/safety_quick_exit"


# ---------------------------------------------------------------- journey map
def tab_to(page, text, limit=80):
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent.trim()") == text:
            return
    pytest.fail(f"Tab never reached {text!r}")


@pytest.mark.parametrize("viewport", SIZES)
def test_journey_map_works_by_keyboard(browser, offline_web, renderer, content, viewport):
    context, page = new_visit(browser, viewport, **STILL)
    try:
        open_chat(page, offline_web)
        sent = answer_as_bot(page, lambda message: [as_rest(renderer, content.by_intent(message[1:]).id)])
        toggle = page.get_by_role("button", name=content.labels["journey_open"])
        expect(toggle).to_have_attribute("aria-expanded", "false")
        tab_to(page, content.labels["journey_open"])
        page.keyboard.press("Enter")
        expect(toggle).to_have_attribute("aria-expanded", "true")
        region = page.get_by_role("region", name=content.labels["journey_open"])
        expect(region).to_be_visible()
        assert region.get_attribute("id") == toggle.get_attribute("aria-controls")
        assert in_view(page, page.get_by_label(content.labels["message_label"]))

        # Every stage, grouped, in the usual order, with where it can lead.
        stages = region.locator(".bw-stage-open")
        assert stages.all_inner_texts() == [content.item(s).title for s in content.stage_order]
        expect(region.get_by_role("heading", level=4)).to_have_count(len(journey_json(content)["groups"]))
        icpc = region.locator('[data-stage-id="stage/icpc"]')
        expect(icpc.locator(".bw-stage-next")).to_contain_text(content.item("stage/cp-plan").title)

        # Open a stage with the keyboard: it sends its intent and shows its title as hers.
        icpc_title = content.item("stage/icpc").title
        tab_to(page, icpc_title)
        page.keyboard.press("Enter")
        expect(page.locator(f'{BOT}[data-content-id="stage/icpc"]')).to_be_visible()
        assert sent[-1][1]["message"] == "/stage_icpc"
        expect(page.locator(".bw-msg--user").last).to_contain_text(icpc_title)
        expect(region).to_be_hidden()
        expect(toggle).to_have_attribute("aria-expanded", "false")

        # Her stage is marked for eyes and for screen readers.
        toggle.focus()
        page.keyboard.press("Enter")
        here = region.locator(".bw-stage--current")
        expect(here).to_have_count(1)
        expect(here.get_by_role("button", name=icpc_title)).to_have_attribute("aria-current", "step")
        expect(here).to_contain_text(content.labels["journey_here"])
        # The close button hands focus back to the toggle.
        region.get_by_role("button", name=content.labels["journey_close"]).focus()
        page.keyboard.press("Enter")
        expect(region).to_be_hidden()
        assert page.evaluate("document.activeElement.textContent") == content.labels["journey_open"]
        if viewport["width"] == 360:
            toggle.click()
            ARTEFACTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(ARTEFACTS / "widget-map-360x740.png"))
    finally:
        context.close()


def test_she_is_placed_when_she_talks_about_a_stage_and_every_stage_opens(visit, offline_web, renderer, content):
    page = open_chat(visit.page, offline_web)
    sent = answer_as_bot(page, lambda message: [as_rest(renderer, "stage/section-47"), as_rest(renderer, "rights/overview")])
    send(page, content, "they are doing a section 47")
    expect(page.locator(f'{BOT}[data-content-id="rights/overview"]')).to_be_visible()
    page.get_by_role("button", name=content.labels["journey_open"]).click()
    expect(page.locator(".bw-stage--current")).to_have_attribute("data-stage-id", "stage/section-47")

    page.unroute("**/webhooks/rest/webhook")
    sent = answer_as_bot(page, lambda message: [as_rest(renderer, content.by_intent(message[1:]).id)])
    toggle = page.get_by_role("button", name=content.labels["journey_open"])
    for stage_id in content.stage_order:
        if toggle.get_attribute("aria-expanded") == "false":
            toggle.click()
        expect(page.locator(".bw-map")).to_be_visible()
        page.locator(f'.bw-stage[data-stage-id="{stage_id}"] .bw-stage-open').click()
        expect(page.locator(f'{BOT}[data-content-id="{stage_id}"]').last).to_be_visible()
        page.wait_for_function("() => document.activeElement.classList.contains('bw-input')")  # ready again
        assert sent[-1][1]["message"] == "/" + intent_for(stage_id)
    toggle.click()
    expect(page.locator(".bw-stage--current")).to_have_attribute("data-stage-id", content.stage_order[-1])


def proceedings_result(renderer, start: dt.date):
    """The bot's answer with the issue date: its words and dates as bot.deadlines works them
    out, with the ISO dates in `values` as actions/dates.py sends them for the clock."""
    deadline = deadlines.compute(deadlines.PROCEEDINGS, start)
    words = deadlines.values(deadline, TODAY)
    return as_rest(renderer, "dates/proceedings-deadline", part="result", template=words,
                   values={"start": deadline.start.isoformat()[:10], "due": deadline.due.isoformat()[:10]})


@pytest.mark.parametrize("visit", [{"bypass_csp": True}], indirect=True)
def test_the_26_week_clock_from_the_reply_values(visit, offline_web, renderer, content):
    page = visit.page
    page.clock.set_fixed_time(dt.datetime(TODAY.year, TODAY.month, TODAY.day, 12, 0))
    open_chat(page, offline_web)
    start = TODAY - dt.timedelta(weeks=10, days=3)
    ask = as_rest(renderer, "dates/proceedings-deadline", part="ask")
    replies = iter([[ask], [proceedings_result(renderer, start)]])
    sent = answer_as_bot(page, lambda message: next(replies))

    # No date yet: the map offers to work it out, which asks the bot.
    page.get_by_role("button", name=content.labels["journey_open"]).click()
    page.get_by_role("button", name=content.labels["clock_ask"]).click()
    expect(page.locator(f'{BOT}[data-content-id="dates/proceedings-deadline"][data-part="ask"]')).to_be_visible()
    assert sent[0][1]["message"] == "/dates_proceedings_deadline"
    send(page, content, start.strftime("%-d %B %Y"))
    result = page.locator(f'{BOT}[data-content-id="dates/proceedings-deadline"][data-part="result"]')
    expect(result).to_be_visible()

    clock = result.locator(".bw-clock")
    expect(clock).to_contain_text(content.labels["clock_heading"])
    expect(clock.locator(".bw-clock-figures")).to_have_text(
        f'{content.labels["clock_gone"]} 10 {content.labels["clock_left"]} 16')
    expect(clock.locator(".bw-clock-bar span")).to_have_count(26)
    expect(clock.locator(".bw-clock-bar .bw-clock-gone")).to_have_count(10)
    assert clock.locator(".bw-clock-bar").get_attribute("aria-hidden") == "true"
    expect(clock).to_contain_text(content.labels["clock_note"])

    # The same clock in the map, in place of the question.
    page.get_by_role("button", name=content.labels["journey_open"]).click()
    map_clock = page.locator(".bw-map .bw-clock")
    expect(map_clock.locator(".bw-clock-figures")).to_have_text(
        f'{content.labels["clock_gone"]} 10 {content.labels["clock_left"]} 16')
    expect(page.get_by_role("button", name=content.labels["clock_ask"])).to_have_count(0)
    assert axe_violations(page) == [], "the map with the clock"


def test_the_clock_after_the_26_weeks_and_without_values(visit, offline_web, renderer, content):
    page = visit.page
    page.clock.set_fixed_time(dt.datetime(TODAY.year, TODAY.month, TODAY.day, 12, 0))
    open_chat(page, offline_web)
    start = TODAY - dt.timedelta(weeks=30)
    plain = proceedings_result(renderer, start)
    plain.pop("values")
    replies = iter([[plain], [proceedings_result(renderer, start)]])
    answer_as_bot(page, lambda message: next(replies))
    send(page, content, "1 jan")
    expect(page.locator(f'{BOT}[data-part="result"]')).to_have_count(1)
    expect(page.locator(".bw-clock")).to_have_count(0)   # no values, no clock
    send(page, content, "1 jan")
    expect(page.locator(f'{BOT}[data-part="result"]')).to_have_count(2)
    clock = page.locator(f'{BOT}[data-part="result"]').last.locator(".bw-clock")
    expect(clock.locator(".bw-clock-figures")).to_have_text(
        f'{content.labels["clock_gone"]} 26 {content.labels["clock_left"]} 0')
    expect(clock).to_contain_text(content.labels["clock_over"])


def test_delete_my_chat_also_forgets_her_place_on_the_map(visit, offline_web, renderer, content):
    page = visit.page
    page.clock.set_fixed_time(dt.datetime(TODAY.year, TODAY.month, TODAY.day, 12, 0))
    open_chat(page, offline_web)
    start = TODAY - dt.timedelta(weeks=2)
    replies = iter([[as_rest(renderer, "stage/cmh"), proceedings_result(renderer, start)],
                    [as_rest(renderer, "meta/forget-me")]])
    answer_as_bot(page, lambda message: next(replies))
    send(page, content, "cmh")
    expect(page.locator(".bw-log .bw-clock")).to_have_count(1)
    expect(page.locator(".bw-map .bw-clock")).to_have_count(1)
    page.get_by_role("button", name=content.labels["delete_chat"]).click()
    expect(page.locator(f'{BOT}[data-content-id="meta/forget-me"]')).to_be_visible()
    page.get_by_role("button", name=content.labels["journey_open"]).click()
    expect(page.locator(".bw-stage--current")).to_have_count(0)
    expect(page.locator(".bw-map .bw-clock")).to_have_count(0)
    expect(page.get_by_role("button", name=content.labels["clock_ask"])).to_be_visible()


# ---------------------------------------------------------------- read aloud
SPEECH_STUB = """
(() => {
  const spoken = [], cancelled = [];
  window.__speech = { spoken, cancelled, voices: %s };
  window.SpeechSynthesisUtterance = function (text) { this.text = text; this.voice = null; this.lang = ''; };
  const synth = {
    speak(u) { spoken.push({ text: u.text, voice: u.voice && u.voice.name, lang: u.lang }); window.__speech.last = u; },
    cancel() { cancelled.push(true); },
    getVoices() { return window.__speech.voices; },
    addEventListener() {},
  };
  Object.defineProperty(window, 'speechSynthesis', { value: synth, configurable: true });
})();
"""
VOICES = [{"name": "Network English", "lang": "en-GB", "localService": False},
          {"name": "Local US", "lang": "en-US", "localService": True},
          {"name": "Local British", "lang": "en-GB", "localService": True}]


def spoken(text: str) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return "\n".join(line[2:] if line.startswith("- ") else line for line in lines)


@pytest.mark.parametrize("visit", VISIT_SIZES, indirect=True)
def test_read_aloud_uses_the_browsers_speech_synthesis_with_a_local_voice(visit, offline_web, renderer, content):
    page = visit.page
    page.add_init_script(SPEECH_STUB % json.dumps(VOICES))
    open_chat(page, offline_web)
    answer = as_rest(renderer, "safety/quick-exit")   # has a list: read without its dashes
    answer_as_bot(page, lambda message: [answer])
    send(page, content, "how do i hide this")
    reply = page.locator(f'{BOT}[data-content-id="safety/quick-exit"]')
    expect(reply).to_be_visible()
    read = reply.get_by_role("button", name=content.labels["read_aloud"])
    read.click()
    said = page.evaluate("window.__speech.spoken")
    assert said == [{"text": spoken(answer["text"]), "voice": "Local British", "lang": "en-GB"}]
    assert "- " not in said[0]["text"] and said[0]["text"].startswith(answer["text"].split("\n")[0])
    stop = reply.get_by_role("button", name=content.labels["read_stop"])
    expect(stop).to_be_visible()
    stop.click()
    expect(reply.get_by_role("button", name=content.labels["read_aloud"])).to_be_visible()
    assert len(page.evaluate("window.__speech.spoken")) == 1, "stopping does not start again"
    # Reading ends by itself: the button says "Read aloud" again.
    reply.get_by_role("button", name=content.labels["read_aloud"]).click()
    page.evaluate("window.__speech.last.onend()")
    expect(reply.get_by_role("button", name=content.labels["read_aloud"])).to_be_visible()
    # The greeting can be read too, and starting one stops the other.
    greeting = page.locator(f'{BOT}[data-content-id="meta/greet"]')
    greeting.get_by_role("button", name=content.labels["read_aloud"]).click()
    assert page.evaluate("window.__speech.spoken")[-1]["text"] == spoken(content.item("meta/greet").web)
    assert [u for u in visit.requests if "speech" in u or "tts" in u] == []


def test_read_aloud_is_hidden_when_the_browser_only_has_network_voices(visit, offline_web, content):
    page = visit.page
    page.add_init_script(SPEECH_STUB % json.dumps(VOICES[:1]))
    open_chat(page, offline_web)
    read = page.locator(".bw-read", has_text=content.labels["read_aloud"])
    expect(read).to_have_count(1)
    expect(read).to_be_hidden()


# -------------------------------------------------------------- accessibility
@pytest.mark.parametrize("viewport", SIZES)
def test_axe_finds_no_violations_in_the_new_parts(browser, offline_web, renderer, content, viewport):
    context, page = new_visit(browser, viewport, bypass_csp=True)
    try:
        page.add_init_script(SPEECH_STUB % json.dumps(VOICES))
        open_chat(page, offline_web)
        answer_as_bot(page, lambda message: [as_rest(renderer, "safety/danger"), long_answer(renderer)])
        send(page, content, "help")
        expect(page.locator(f'{BOT}[data-content-id="stage/care-proceedings"]')).to_be_visible()
        assert axe_violations(page) == [], "a danger answer and a long answer"
        page.get_by_role("button", name=content.labels["more_options"]).first.click()
        page.get_by_role("button", name=content.labels["read_aloud"]).last.click()
        assert axe_violations(page) == [], "more options open, reading aloud"
        for _ in range(4):
            page.get_by_role("button", name=content.labels["text_larger"]).click()
        assert axe_violations(page) == [], "the largest text"
        page.get_by_role("button", name=content.labels["journey_open"]).click()
        assert axe_violations(page) == [], "the journey map open"
    finally:
        context.close()


def test_focus_in_the_dock_does_not_move_the_answer_and_nothing_focused_hides_behind_it(browser, offline_web, renderer, content):
    context, page = new_visit(browser, {"width": 360, "height": 740}, **STILL)
    try:
        open_chat(page, offline_web)
        answer_as_bot(page, lambda message: [long_answer(renderer, "stage/section-47"), as_rest(renderer, "stage/icpc")])
        send(page, content, "s47")
        answer = page.locator(f'{BOT}[data-content-id="stage/section-47"]')
        expect(page.locator(f'{BOT}[data-content-id="stage/icpc"]')).to_be_visible()
        page.wait_for_function("() => document.activeElement.classList.contains('bw-input')")
        top = box(answer)["y"]
        # Tab and Shift+Tab around the dock, open and close the map: the answer stays put.
        page.keyboard.press("Tab")
        page.keyboard.press("Shift+Tab")
        page.locator(".bw-map-toggle").focus()
        page.keyboard.press("Enter")
        expect(page.locator(".bw-map")).to_be_visible()
        page.get_by_role("button", name=content.labels["journey_close"]).focus()
        page.keyboard.press("Enter")
        expect(page.locator(".bw-map")).to_be_hidden()
        assert box(answer)["y"] == pytest.approx(top, abs=1), "focus in the dock moved the page"
        # A button under the dock comes up above it when it gets focus (WCAG 2.4.11).
        hidden_under = answer.locator(".bw-choices button").first
        assert box(hidden_under)["y"] > box(page.locator(".bw-dock"))["y"], "the test needs a button under the dock"
        hidden_under.focus()
        focused, dock = box(hidden_under), box(page.locator(".bw-dock"))
        assert focused["y"] + focused["height"] <= dock["y"], "a focused button is hidden behind the dock"
    finally:
        context.close()
