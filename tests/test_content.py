"""The content spine: every contract id exists, is sourced, reviewed, and renders."""
from __future__ import annotations


import pytest

from bot.content import ContentError, load, load_item, reference_problems
from bot.render import Channel
from tests.conftest import CONTRACT, SHARED_CONTRACT, contract_ids


def test_contract_is_readable():
    assert CONTRACT.exists(), "docs/content-ids.md is the contract the tests read"
    assert len(contract_ids()) >= 60


@pytest.mark.skipif(not SHARED_CONTRACT.exists(), reason="the team's shared folder is not beside this clone")
def test_the_repository_copy_of_the_contract_is_the_teams_current_one():
    assert CONTRACT.read_text(encoding="utf-8") == SHARED_CONTRACT.read_text(encoding="utf-8"), \
        "the contract changed: cp ../shared/content-ids.md docs/content-ids.md, then add the new items"


@pytest.mark.parametrize("content_id", contract_ids())
def test_every_contract_id_has_an_item(content, content_id):
    assert content_id in content.items, f"add content/items/{content_id}.yml"


def test_every_item_is_sourced_and_reviewed_within_a_year_of_the_newest_review(content):
    # Measured from the content's own newest review, not from today, so the suite does not
    # go red on a calendar date; items overdue against today are what `make content-report`
    # and `make lint-content` list for the editors.
    newest = max(item.last_reviewed for item in content.items.values())
    for item in content.items.values():
        assert item.sources, item.id
        assert all(s.url.startswith(("http://", "https://")) for s in item.sources), item.id
        assert (newest - item.last_reviewed).days <= 366, f"{item.id}: review is over a year older than the newest"


def test_follow_ups_and_next_stages_resolve(content):
    assert reference_problems(content) == []


def test_every_stage_offers_rights_and_a_way_on(content):
    for item in content.items.values():
        if item.is_stage:
            assert item.rights, f"{item.id}: add `rights` (her rights at this point)"
            if item.id != "stage/after-removal":
                assert item.next, f"{item.id}: add `next` stages"


@pytest.mark.parametrize("channel", list(Channel))
def test_every_template_renders_on_every_channel(content, renderer, channel):
    for item in content.items.values():
        for name in ("title", "web", "sms", "more", "rights"):
            text = renderer.field(item, name, channel)
            assert "{{" not in text and "{%" not in text, f"{item.id}.{name}"
        assert renderer.message(item.id, channel).text


def test_no_phone_number_or_address_typed_into_items(content):
    import re

    phone = re.compile(r"\b0\d{3}[ ]?\d{3}[ ]?\d{3,4}\b|\b116 ?123\b|\b999\b")
    for item in content.items.values():
        for name in ("web", "sms", "more", "rights"):
            raw = getattr(item, name)
            assert not phone.search(raw), f"{item.id}.{name}: use {{{{ phone(...) }}}} from services.yml"
            assert "http" not in raw and "www." not in raw, f"{item.id}.{name}: use {{{{ web(...) }}}}"


def test_each_channel_renders_services_its_own_way(renderer):
    template = 'Call {{ name("samaritans") }} on {{ phone("samaritans") }} or see {{ web("frg") }}.'
    assert renderer.text(template, Channel.WEB) == "Call Samaritans on 116 123 or see https://frg.org.uk."
    assert renderer.text(template, Channel.SMS) == "Call Samaritans on 116 123 or see frg.org.uk."
    html = renderer.text(template, Channel.HTML)
    assert '<a href="tel:116123">116 123</a>' in html
    assert '<a href="https://frg.org.uk" target="_blank" rel="noopener">frg.org.uk</a>' in html


def test_html_rendering_escapes_text_and_keeps_lists(renderer):
    html = renderer.text("Before <b>bold</b> & after\n\n- one\n- two", Channel.HTML)
    assert "&lt;b&gt;bold&lt;/b&gt; &amp; after" in html
    assert "<ul><li>one</li><li>two</li></ul>" in html


@pytest.mark.parametrize(
    "template, fix",
    [
        ('{{ phone("nobody") }}', "no service `nobody`"),
        ('{{ phone("pause") }}', "`pause` has no `phone`"),
        ("{{ unknown_name }}", "cannot be rendered"),
        ("{{ broken", "cannot be rendered"),
    ],
)
def test_a_broken_template_names_the_fix(renderer, template, fix):
    with pytest.raises(ContentError, match=fix):
        renderer.text(template, Channel.WEB)


def test_templates_cannot_reach_python_internals(renderer):
    # The sandbox stops an edited item from running code.
    with pytest.raises(ContentError):
        renderer.text("{{ phone.__globals__ }}", Channel.WEB)


def _write(tmp_path, relative, text):
    path = tmp_path / "items" / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


GOOD = """id: meta/thanks
title: Thanks
web: You're welcome.
sms: You're welcome.
sources: [{title: Style, url: "https://example.org"}]
last_reviewed: 2026-11-01
"""


def test_loader_accepts_a_good_item(tmp_path):
    item = load_item(_write(tmp_path, "meta/thanks.yml", GOOD), tmp_path)
    assert item.id == "meta/thanks" and item.intent == "meta_thanks"


@pytest.mark.parametrize(
    "broken, message",
    [
        (GOOD.replace("id: meta/thanks", "id: meta/other"), "`id` should be meta/thanks"),
        (GOOD.replace('sources: [{title: Style, url: "https://example.org"}]', "sources: []"), "at least one source"),
        (GOOD.replace("last_reviewed: 2026-11-01", "last_reviewed: soon"), "should be a date"),
        (GOOD.replace("sms: You're welcome.", ""), "`sms` is missing"),
        (GOOD + "next: [stage/icpc]\n", "only for stage items"),
        ("id: [unclosed", "not valid YAML"),
    ],
)
def test_loader_errors_name_the_file_and_the_fix(tmp_path, broken, message):
    with pytest.raises(ContentError, match=message) as error:
        load_item(_write(tmp_path, "meta/thanks.yml", broken), tmp_path)
    assert "thanks.yml" in str(error.value)


def test_messages_carry_their_content_id_and_buttons(renderer):
    message = renderer.message("stage/icpc").as_dict()
    assert message["metadata"]["content_id"] == "stage/icpc"
    payloads = [b["payload"] for b in message["buttons"]]
    assert {"/nav_next", "/nav_back", "/nav_rights_here", "/help_advocacy"} <= set(payloads)
    rights = renderer.message("stage/icpc", part="rights").as_dict()
    assert rights["metadata"] == {"content_id": "stage/icpc", "part": "rights"}
    assert "/nav_rights_here" not in [b["payload"] for b in rights["buttons"]]


def test_sms_rendering_uses_the_short_form(content, renderer):
    for item in content.items.values():
        assert renderer.message(item.id, Channel.SMS).text == renderer.field(item, "sms", Channel.SMS)


def test_shipped_content_loads_twice_the_same(content):
    assert load().items.keys() == content.items.keys()
