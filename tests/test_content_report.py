"""`make content-report`: one HTML page for the content owner, escaped, listing every item."""
from __future__ import annotations

import datetime as dt
import shutil
from html.parser import HTMLParser

from bot.content import load
from bot.content_report import render, write
from tests.conftest import ROOT


class _Rows(HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "tr" and attrs.get("id"):
            self.ids.append(attrs["id"])


def test_the_report_lists_every_item_with_grade_words_review_sources_and_channels(tmp_path, content):
    path = write(tmp_path / "report.html")
    html = path.read_text(encoding="utf-8")
    parser = _Rows()
    parser.feed(html)
    assert sorted(parser.ids) == sorted(content.items)
    for heading in ("Reading grade (web)", "Words (web)", "Last reviewed", "Sources", "Channels"):
        assert heading in html
    assert "https://frg.org.uk/telephony-advice-service-privacy-policy/" in html   # a source
    assert "web, sms, html" in html                                                 # channels
    assert "ca_1066" in html and "E07000062" in html                                # local services


def test_the_report_escapes_item_text_and_marks_overdue_reviews(tmp_path):
    root = tmp_path / "content"
    shutil.copytree(ROOT / "tests" / "fixtures" / "lint" / "good", root)
    item = root / "items" / "meta" / "thanks.yml"
    item.write_text(item.read_text().replace("title: Thanks", "title: \"<script>alert(1)</script>\"")
                    .replace("last_reviewed: 2026-11-01", "last_reviewed: 2024-01-01"))
    html = render(load(root), dt.date(2026, 11, 25), root)
    assert "<script>alert" not in html and "&lt;script&gt;" in html
    assert 'class="overdue" id="meta/thanks"' in html
