"""The widget in Chromium with the bot's answers set by the test (or the bot unreachable).

These need no trained model: quick exit, safe rendering, the error state with the
crisis numbers, accessibility (axe, keyboard, zoom, reduced motion) and privacy.
"""
from __future__ import annotations

from urllib.parse import urlencode

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import answer_as_bot, axe_violations

pytestmark = pytest.mark.browser

LOG = ".bw-log"
BOT = ".bw-msg--bot"

MARKUP_REPLY = [{
    "recipient_id": "x", "content_id": "help/test", "part": "main",
    "text": (
        "Look at https://localhost:1/help/page. Or call 116 123 now.\n\n"
        "<img src=x onerror=\"window.__pwned=1\"> {{ 7*7 }} <b>not bold</b>\n\n"
        "- first point\n- second point with 999"
    ),
    "buttons": [{"title": "Tell me more", "payload": "/nav_more"}, {"title": "<i>Safe</i>", "payload": "/x"}],
}]


def open_chat(visit, web):
    visit.page.goto(web.url + "/")
    expect(visit.page.locator(f'{BOT}[data-content-id="meta/greet"]')).to_be_visible()
    return visit.page


def send(page, content, text):
    page.get_by_label(content.labels["message_label"]).fill(text)
    page.get_by_role("button", name=content.labels["send"], exact=True).click()


# ------------------------------------------------------------------ quick exit
def test_exit_button_leaves_clears_and_back_does_not_return(visit, offline_web, neutral_site, content):
    page = visit.page
    page.goto(neutral_site + "/before")
    open_chat(visit, offline_web)
    answer_as_bot(page, lambda message: MARKUP_REPLY)
    send(page, content, "hello")
    expect(page.locator(f'{BOT}[data-content-id="help/test"]')).to_be_visible()
    assert page.evaluate("sessionStorage.getItem('bw-sender')")

    page.get_by_role("button", name=content.labels["exit_page"]).click()
    page.wait_for_url(neutral_site + "/weather")
    page.go_back()
    assert page.url == neutral_site + "/before", "Back must skip the chat"

    # Same tab, same origin again: nothing of the conversation was kept anywhere.
    page.goto(offline_web.url + "/")
    stored = page.evaluate("[sessionStorage.length, localStorage.length, document.cookie]")
    assert stored == [0, 0, ""]
    assert visit.context.cookies() == []
    expect(page.locator(".bw-msg--user")).to_have_count(0)


def test_exit_button_is_first_in_tab_order_and_says_emergency(visit, offline_web, content):
    page = open_chat(visit, offline_web)
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent")
    assert focused == f'{content.labels["exit_emergency"]} {content.labels["exit_page"]}'
    expect(page.get_by_role("button", name=content.labels["exit_page"])).to_be_in_viewport()
    page.mouse.wheel(0, 2000)  # still in view when the page scrolls
    expect(page.get_by_role("button", name=content.labels["exit_page"])).to_be_in_viewport()


def test_escape_twice_leaves(visit, offline_web, neutral_site, content):
    page = open_chat(visit, offline_web)
    page.get_by_label(content.labels["message_label"]).focus()
    page.keyboard.press("Escape")
    expect(page.locator(".bw-exit [role=status]")).to_have_text(content.labels["exit_escape_1"])
    page.keyboard.press("Escape")
    page.wait_for_url(neutral_site + "/weather")


def test_shift_three_times_leaves_and_other_keys_reset_the_count(visit, offline_web, neutral_site, content):
    page = visit.page
    page.clock.install()
    open_chat(visit, offline_web)
    status = page.locator(".bw-exit [role=status]")
    page.keyboard.press("Shift")
    expect(status).to_have_text(content.labels["exit_shift_2"])
    page.keyboard.press("Shift")
    expect(status).to_have_text(content.labels["exit_shift_1"])
    page.keyboard.press("a")                      # any other key starts again
    expect(status).to_have_text(content.labels["exit_expired"])
    page.keyboard.press("Shift")
    expect(status).to_have_text(content.labels["exit_shift_2"])
    page.clock.fast_forward(6000)                 # too slow: the count expires
    expect(status).to_have_text(content.labels["exit_expired"])
    page.keyboard.press("Shift+I")                # typing capitals is not a request to leave
    page.keyboard.press("Shift")
    page.keyboard.press("Shift")
    assert page.url.startswith(offline_web.url)
    assert page.url.startswith(offline_web.url)
    for _ in range(3):
        page.keyboard.press("Shift")
    page.wait_for_url(neutral_site + "/weather")


def test_exit_only_mode_on_the_help_page(visit, offline_web, neutral_site, content):
    page = visit.page
    page.goto(offline_web.url + "/exit-help")
    expect(page.locator('[data-content-id="safety/quick-exit"]')).to_be_visible()
    expect(page.locator(".bw")).to_have_count(0)
    page.get_by_role("button", name=content.labels["exit_page"]).click()
    page.wait_for_url(neutral_site + "/weather")


def test_a_partner_site_embeds_the_widget_with_one_script_tag(visit, offline_web, neutral_site, content):
    page = visit.page
    partner_exit = neutral_site + "/partner-chosen-exit"
    query = urlencode({"chat": offline_web.url, "bot": "http://127.0.0.1:1", "exit": partner_exit})
    page.goto(f"{neutral_site}/partner?{query}")
    expect(page.locator(f'main {BOT}[data-content-id="meta/greet"]')).to_be_visible()
    sent = answer_as_bot(page, lambda message: MARKUP_REPLY)
    send(page, content, "hello")
    expect(page.locator(f'{BOT}[data-content-id="help/test"]')).to_be_visible()
    assert sent and sent[0][1]["message"] == "hello"
    assert [u for u in visit.requests if u.startswith("http://127.0.0.1:1/")], "the partner's bot address is used"
    page.get_by_role("button", name=content.labels["exit_page"]).click()
    page.wait_for_url(partner_exit)


# ------------------------------------------------------------ what is shown
def test_bot_and_user_text_are_shown_as_text_with_safe_links(visit, offline_web, content):
    page = open_chat(visit, offline_web)
    sent = answer_as_bot(page, lambda message: MARKUP_REPLY)
    send(page, content, "<b>mine</b> {{ 7*7 }}")
    reply = page.locator(f'{BOT}[data-content-id="help/test"]')
    expect(reply).to_be_visible()

    user = page.locator(".bw-msg--user").last
    expect(user).to_contain_text("<b>mine</b> {{ 7*7 }}")
    assert user.locator("b").count() == 0
    assert reply.locator("img, b, i, script").count() == 0
    assert page.evaluate("window.__pwned") is None
    expect(reply).to_contain_text('<img src=x onerror="window.__pwned=1"> {{ 7*7 }} <b>not bold</b>')

    link = reply.locator('a[href="https://localhost:1/help/page"]')
    expect(link).to_have_attribute("target", "_blank")
    assert "noopener" in link.get_attribute("rel").split()
    expect(link).to_contain_text(content.labels["new_tab"])
    expect(reply.locator('a[href="tel:116123"]')).to_have_text("116 123")
    expect(reply.locator("ul > li")).to_have_count(2)
    expect(reply.locator('li a[href="tel:999"]')).to_have_text("999")
    expect(reply.get_by_role("button", name="<i>Safe</i>")).to_be_visible()

    # The sender id: random, in the body and the X-Sender-Id header, kept only for this tab.
    header, body = sent[0]
    assert header == body["sender"] == page.evaluate("sessionStorage.getItem('bw-sender')")
    assert len(header) == 32 and int(header, 16) >= 0
    assert body["message"] == "<b>mine</b> {{ 7*7 }}"
    assert page.evaluate("localStorage.length") == 0 and visit.context.cookies() == []


def test_a_button_sends_its_payload_and_shows_its_title(visit, offline_web, content):
    page = open_chat(visit, offline_web)
    sent = answer_as_bot(page, lambda message: MARKUP_REPLY)
    greeting = page.locator(f'{BOT}[data-content-id="meta/greet"]')
    first = content.item(content.item("meta/greet").follow_ups[0])
    greeting.get_by_role("button", name=first.title).click()
    expect(page.locator(f'{BOT}[data-content-id="help/test"]')).to_be_visible()
    assert sent[0][1]["message"] == "/" + first.intent
    expect(page.locator(".bw-msg--user")).to_contain_text(first.title)
    assert page.evaluate("document.activeElement.id") == page.get_by_label(content.labels["message_label"]).get_attribute("id")


def test_typing_indicator_shows_while_waiting_and_respects_reduced_motion(browser, offline_web, content):
    context = browser.new_context(viewport={"width": 360, "height": 740}, reduced_motion="reduce")
    try:
        page = context.new_page()
        page.goto(offline_web.url + "/")
        held = []
        page.route("**/webhooks/rest/webhook", lambda route: held.append(route))
        send(page, content, "hello")
        typing = page.locator(".bw-typing")
        expect(typing).to_have_text(content.labels["typing"])
        assert typing.get_attribute("role") == "status"
        animation = page.evaluate("getComputedStyle(document.querySelector('.bw-dots span')).animationName")
        assert animation == "none"
        cors = {"Access-Control-Allow-Origin": "*", "Access-Control-Allow-Headers": "content-type, x-sender-id"}
        for route in held:
            route.fulfill(status=200, headers=cors, content_type="application/json",
                          body='[{"recipient_id": "x", "text": "done", "content_id": "meta/thanks"}]')
        expect(page.locator(f'{BOT}[data-content-id="meta/thanks"]')).to_be_visible()
        expect(typing).to_have_text("")
    finally:
        context.close()


def test_when_the_bot_cannot_be_reached_the_crisis_numbers_show(visit, offline_web, renderer, content):
    page = open_chat(visit, offline_web)
    send(page, content, "i need help")
    error = page.locator(".bw-error")
    expect(error).to_be_visible(timeout=20_000)
    expect(error.get_by_role("heading", name=content.labels["chat_error"])).to_be_visible()
    for service in ("samaritans", "emergency"):
        number = content.services[service]["phone"]
        tel = "tel:" + number.replace(" ", "")
        expect(error.locator(f'a[href="{tel}"]')).to_have_text(number)
    assert error.locator("li").count() >= 3
    # Her words stay on screen, and she can try again; still one error box, not a pile.
    expect(page.locator(".bw-msg--user")).to_have_text(f'{content.labels["you_said"]} i need help')
    error.get_by_role("button", name=content.labels["retry"]).click()
    expect(page.locator(".bw-error")).to_have_count(1, timeout=20_000)
    expect(page.locator(".bw-error").get_by_role("button", name=content.labels["retry"])).to_be_visible()


def test_a_server_error_also_shows_the_error_state(visit, offline_web, content):
    page = open_chat(visit, offline_web)
    answer_as_bot(page, lambda message: {"error": "boom"}, status=500)
    send(page, content, "hello")
    expect(page.locator(".bw-error")).to_be_visible()


# ------------------------------------------------------------- accessibility
@pytest.mark.parametrize("visit", [{"bypass_csp": True}], indirect=True)
def test_axe_finds_no_violations_in_any_state(visit, offline_web, content):
    page = open_chat(visit, offline_web)
    assert axe_violations(page) == [], "the greeting"
    answer_as_bot(page, lambda message: MARKUP_REPLY)
    send(page, content, "hello")
    expect(page.locator(f'{BOT}[data-content-id="help/test"]')).to_be_visible()
    page.get_by_label(content.labels["message_label"]).focus()
    assert axe_violations(page) == [], "after a reply with links, a list and buttons"
    page.unroute("**/webhooks/rest/webhook")
    send(page, content, "again")
    expect(page.locator(".bw-error")).to_be_visible(timeout=20_000)
    assert axe_violations(page) == [], "the error state"
    page.set_viewport_size({"width": 320, "height": 640})
    assert axe_violations(page) == [], "at 320 px"
    page.goto(offline_web.url + "/exit-help")
    assert axe_violations(page) == [], "the exit help page"


@pytest.mark.parametrize("width,text_zoom", [(320, "100%"), (320, "200%"), (1280, "200%")])
def test_reflows_without_sideways_scrolling(visit, offline_web, content, width, text_zoom):
    page = visit.page
    page.set_viewport_size({"width": width, "height": 640})
    open_chat(visit, offline_web)
    page.evaluate(f"document.documentElement.style.fontSize = '{text_zoom}'")
    answer_as_bot(page, lambda message: MARKUP_REPLY)
    send(page, content, "a-very-long-word-without-spaces-" * 4)
    expect(page.locator(f'{BOT}[data-content-id="help/test"]')).to_be_visible()
    sizes = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert sizes[0] <= sizes[1], f"page is {sizes[0]} px wide in a {sizes[1]} px window"
    for name in (content.labels["send"], content.labels["exit_page"], content.labels["delete_chat"]):
        box = page.get_by_role("button", name=name).first.bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= width + 0.5, name


def test_focus_is_clearly_visible_on_every_control(visit, offline_web):
    page = open_chat(visit, offline_web)
    seen = 0
    for _ in range(12):  # bounded walk through the page with Tab
        page.keyboard.press("Tab")
        style = page.evaluate(
            """() => { const e = document.activeElement, s = getComputedStyle(e);
                 return [e.tagName, s.backgroundColor, s.outlineStyle, s.outlineColor, s.boxShadow]; }"""
        )
        tag, background, outline, outline_color, shadow = style
        if tag == "BODY":
            break
        seen += 1
        assert background == "rgb(255, 221, 0)" or (outline != "none" and "255, 221, 0" in outline_color), style
    assert seen >= 8
