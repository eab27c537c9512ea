"""The advocates' printable visit scripts and the rights card (bot/scripts/).

They are renderings of the same content items as the chat: same ids, same words.
"""
from __future__ import annotations

import io
import re
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from pypdf import PdfReader

from bot.render import Channel
from bot.scripts import ScriptBuilder, write_scripts
from bot.scripts.__main__ import main as scripts_main
from bot.scripts.build import CARD, CARD_RIGHTS, TEMPLATES
from tests.helpers import answer_turn, ids, make_tracker, run_action


class Page(HTMLParser):
    """The parts of a script page the tests look at: ids, sections, visible text."""

    def __init__(self, html: str):
        super().__init__()
        self.ids: list[str] = []
        self.parts: list[tuple[str, str]] = []
        self.sections: list[str] = []
        self.links: list[str] = []
        self._text: list[str] = []
        self._skip = 0
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "data-content-id" in attrs:
            self.ids.append(attrs["data-content-id"])
            if "data-part" in attrs:
                self.parts.append((attrs["data-content-id"], attrs["data-part"]))
        if tag == "section":
            self.sections.append(attrs.get("class", ""))
        if tag == "a":
            self.links.append(attrs.get("href", ""))
        if tag in ("style", "title"):
            self._skip += 1

    def handle_endtag(self, tag):
        if tag in ("style", "title"):
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self._text.append(data)

    @property
    def text(self) -> str:
        return squash(" ".join(self._text))


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def pdf_text(path: Path) -> tuple[str, int]:
    reader = PdfReader(io.BytesIO(path.read_bytes()))
    return squash(" ".join(page.extract_text() for page in reader.pages)), len(reader.pages)


def stem(content_id: str) -> str:
    return content_id.split("/", 1)[1]


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """Every script and the card, HTML and PDF, as `make scripts` writes them."""
    out = tmp_path_factory.mktemp("scripts")
    write_scripts(out)
    return out


# -- make scripts: every stage, HTML and PDF --------------------------------------
def test_every_stage_has_an_html_and_a_pdf_script_and_the_card_is_there(content, built):
    for stage_id in content.stage_order:
        assert (built / f"{stem(stage_id)}.html").stat().st_size > 0, stage_id
        assert (built / f"{stem(stage_id)}.pdf").read_bytes().startswith(b"%PDF"), stage_id
    assert (built / f"{CARD}.html").exists() and (built / f"{CARD}.pdf").exists()


def test_each_pdf_shows_its_stage_title_its_sources_and_review_date(content, built):
    for stage_id in content.stage_order:
        item = content.item(stage_id)
        text, _ = pdf_text(built / f"{stem(stage_id)}.pdf")
        assert item.title in text, stage_id
        for source in item.sources:
            assert squash(source.title) in text, (stage_id, source.title)
        assert str(item.last_reviewed.year) in text and content.labels["script_reviewed"] in text


def test_each_script_has_every_section_an_advocate_needs(content, built):
    for stage_id in content.stage_order:
        item = content.item(stage_id)
        page = Page((built / f"{stem(stage_id)}.html").read_text())
        expected = ["explain", "rights", "help", "notes"]
        expected += ["ask-her"] if item.ask_her else []
        expected += ["check"] if item.check else []
        expected += ["next"] if item.next else []
        assert set(expected) <= set(page.sections), stage_id
        for key in ("script_explain", "script_who_can_help", "script_notes", "script_sources"):
            assert content.labels[key] in page.text, (stage_id, key)


def test_the_index_lists_every_script_and_the_card(content, built):
    page = Page((built / "index.html").read_text())
    for stage_id in content.stage_order:
        assert stage_id in page.ids
        assert {f"{stem(stage_id)}.html", f"{stem(stage_id)}.pdf"} <= set(page.links)
    assert {f"{CARD}.html", f"{CARD}.pdf"} <= set(page.links)


def test_next_stage_links_point_to_scripts_that_exist(content, built):
    for stage_id in content.stage_order:
        for link in Page((built / f"{stem(stage_id)}.html").read_text()).links:
            if not link.startswith(("http", "tel:")):
                assert (built / link).exists(), (stage_id, link)


# -- one source: the script and the chat say the same thing under the same id --------
def test_script_content_ids_are_the_ids_the_chat_sends(content, built):
    for stage_id in content.stage_order:
        item = content.item(stage_id)
        page = Page((built / f"{stem(stage_id)}.html").read_text())
        chat, _ = answer_turn(make_tracker(item.intent))
        assert page.ids[0] == ids(chat)[0] == stage_id
        assert {cid for cid, _ in page.parts} == {stage_id}
        advocate_chat, _ = answer_turn(make_tracker(item.intent, {"advocate_mode": True}))
        assert ids(advocate_chat)[0] == stage_id


def test_script_words_are_the_items_own_rendering(content, renderer):
    builder = ScriptBuilder(content)
    for stage_id in content.stage_order:
        item = content.item(stage_id)
        html = builder.stage_html(stage_id)
        for name in ("web", "more", "rights"):
            if getattr(item, name):
                assert renderer.text(getattr(item, name), Channel.HTML) in html, (stage_id, name)
        chat_text = renderer.message(stage_id, Channel.ADVOCATE).text
        for line in item.ask_her + item.check:
            assert renderer.text(line, Channel.HTML) in html
            assert renderer.text(line, Channel.WEB) in chat_text


def test_templates_hold_no_words_of_their_own():
    """Every word a person reads comes from content/; templates only arrange it."""
    for path in TEMPLATES.glob("*.html"):
        source = re.sub(r"{%.*?%}|{{.*?}}|{#.*?#}", " ", path.read_text(), flags=re.S)
        source = re.sub(r"<style>.*?</style>|<[^>]+>", " ", source, flags=re.S)
        assert re.sub(r"[\s\-:]", "", source) == "", f"{path.name}: {squash(source)!r}"


# -- the rights card -----------------------------------------------------------------
def test_the_rights_card_is_one_page_with_every_right_and_who_to_call(content, built):
    text, pages = pdf_text(built / f"{CARD}.pdf")
    assert pages == 1
    assert content.item("rights/overview").title in text
    for content_id in CARD_RIGHTS:
        assert content.item(content_id).title in text, content_id
    for key in ("frg", "samaritans", "emergency"):
        assert content.services[key]["phone"] in text, key
    # A card kept at home may be found: domestic abuse help stays in the private chat.
    assert content.services["nda_helpline"]["phone"] not in text


def test_the_card_carries_the_chat_ids_of_its_rights(content, built):
    page = Page((built / f"{CARD}.html").read_text())
    assert page.ids[0] == "rights/overview"
    for content_id, _ in page.parts:
        item = content.item(content_id)
        chat, _ = answer_turn(make_tracker(item.intent))
        assert ids(chat) == [content_id]


# -- who can help, with and without an area ---------------------------------------------
def test_without_a_directory_the_national_services_of_the_stage_are_listed(content):
    page = Page(ScriptBuilder(content).stage_html("stage/icpc"))
    assert content.services["frg"]["name"] in page.text
    assert content.labels["script_local"] not in page.text


def test_an_area_puts_its_local_services_first(content):
    from bot.directory import find_area, services_for

    local, _ = services_for(find_area("Hastings").code, content)
    assert local, "the directory should know services near Hastings"
    text = Page(ScriptBuilder(content, area="Hastings").stage_html("stage/icpc")).text
    assert content.labels["script_area"] + ": Hastings" in text
    who_can_help = text[text.index(content.labels["script_who_can_help"]):]
    national_at = who_can_help.index(content.labels["script_national"])
    assert who_can_help.index(content.labels["script_local"]) < national_at
    for service in local:
        assert who_can_help.index(service.name) < national_at, service.key
    assert who_can_help.index(content.services["frg"]["name"]) > national_at


def test_a_postcode_finds_the_same_area_and_a_misspelling_is_not_guessed(content):
    by_name = ScriptBuilder(content, area="Hastings").place
    assert ScriptBuilder(content, area="TN34 1AA").place == by_name
    with pytest.raises(ValueError, match="try a town, council or postcode"):
        ScriptBuilder(content, area="hastngs")  # no guess across places (issue 17)


@pytest.mark.parametrize("area", ["{{ 7*7 }}", "<script>alert(1)</script>", "😀", "x" * 60, "Atlantis"])
def test_an_area_nobody_knows_is_refused_kindly_not_guessed(content, area):
    with pytest.raises(ValueError, match="try a town, council or postcode"):
        ScriptBuilder(content, area=area)


def test_without_the_directory_scripts_still_list_national_services(content, monkeypatch):
    monkeypatch.setitem(sys.modules, "bot.directory", None)  # import now fails
    text = Page(ScriptBuilder(content).stage_html("stage/icpc")).text
    assert content.services["frg"]["name"] in text
    with pytest.raises(ValueError):
        ScriptBuilder(content, area="Hastings")


# -- the command ------------------------------------------------------------------------
def test_the_command_writes_one_stage_in_the_format_asked(tmp_path, capsys):
    assert scripts_main(["--stage", "icpc", "--format", "html", "--out", str(tmp_path)]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["icpc.html", "index.html"]
    assert scripts_main(["--stage", "stage/epo", "--format", "pdf", "--out", str(tmp_path)]) == 0
    assert (tmp_path / "epo.pdf").exists() and not (tmp_path / "epo.html").exists()
    assert {"stage/icpc", "stage/epo"} <= set(Page((tmp_path / "index.html").read_text()).ids)


def test_the_command_with_an_area_writes_to_its_own_folder(tmp_path, monkeypatch):
    monkeypatch.setattr("bot.scripts.__main__.OUT_DIR", tmp_path)
    assert scripts_main(["--stage", "icpc", "--format", "html", "--area", "TN34 1AA"]) == 0
    assert (tmp_path / "hastings-east-sussex" / "icpc.html").exists()


def test_the_command_refuses_a_stage_that_does_not_exist(tmp_path, capsys):
    assert scripts_main(["--stage", "no-such-stage", "--out", str(tmp_path)]) == 2
    assert "stage/icpc" in capsys.readouterr().err  # says what would work
    assert not list(tmp_path.iterdir())


@pytest.mark.parametrize("area", ["", "   ", "😀😀", "x" * 61, "{{ 7*7 }}"])
def test_the_command_refuses_an_area_without_a_usable_name(area, tmp_path):
    with pytest.raises(SystemExit) as stopped:
        scripts_main(["--area", area, "--out", str(tmp_path)])
    assert stopped.value.code == 2


def test_script_parts_are_named_as_the_chat_names_them(content, built, renderer):
    page = Page((built / "icpc.html").read_text())
    chat_parts = {renderer.message("stage/icpc", Channel.WEB, part).part for part in ("main", "more", "rights")}
    assert {"main", "more", "rights"} == chat_parts
    assert chat_parts <= {part for _, part in page.parts}
