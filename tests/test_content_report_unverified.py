"""`make content-report` lists every claim still marked UNVERIFIED in review notes, and
every item past its review date, in the HTML and in the printed summary (issue 16, part 3)."""
from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import sys

import pytest

from bot.content import load
from bot.content_report import marked_claims, overdue, render, rows, summary, unverified
from tests.conftest import ROOT

TODAY = dt.date(2026, 12, 1)


@pytest.fixture
def root(tmp_path):
    root = tmp_path / "content"
    shutil.copytree(ROOT / "tests" / "fixtures" / "lint" / "good", root)
    item = root / "items" / "meta" / "thanks.yml"
    item.write_text(item.read_text().replace("last_reviewed: 2026-11-01", "last_reviewed: 2025-06-30")
                    + "review_notes: |\n"
                      "  The 72-hour bar (s45(9)) may have been repealed. Whether it still applies is\n"
                      "  UNVERIFIED: check s45 on legislation.gov.uk. This line is settled.\n"
                      "  - One council says two years.\n"
                      "  - This is UNVERIFIED as a national rule.\n"
                      "  - A <b>bold</b> claim is UNVERIFIED here and must be escaped.\n")
    return root


def test_marked_sentences_are_found_with_the_claim_they_are_about():
    notes = ("First thing is fine. The 7-day limit\n  is UNVERIFIED for the current rules. Done.\n\n"
             "- Plans end in two years.\n- Nothing else.\n\nOne area says 5 days. This is UNVERIFIED.")
    claims = [c.text for c in marked_claims("stage/x", notes)]
    assert claims == ["The 7-day limit is UNVERIFIED for the current rules.",
                      "One area says 5 days. This is UNVERIFIED."]
    assert marked_claims("stage/x", "unverified in lower case is not a mark") == []


def test_the_report_lists_unverified_claims_and_overdue_items(root):
    content = load(root)
    claims = unverified(content)
    assert [c.where for c in claims] == ["meta/thanks"] * 3
    assert claims[0].text.startswith("Whether it still applies is UNVERIFIED")
    assert claims[1].text == "One council says two years. This is UNVERIFIED as a national rule."
    late = overdue(rows(content, TODAY, root))
    assert [r.item.id for r in late] == ["meta/thanks"]
    html = render(content, TODAY, root)
    assert "Claims still marked UNVERIFIED (3)" in html and "Items past their review date (1)" in html
    assert "check s45 on legislation.gov.uk" in html
    assert "<b>bold</b>" not in html and "&lt;b&gt;bold&lt;/b&gt;" in html
    assert '<tr class="overdue"><td><a href="#meta/thanks">meta/thanks</a></td><td>2025-06-30</td>' in html


def test_the_summary_counts_and_names_them(root):
    text = summary(load(root), TODAY, root)
    assert text.splitlines()[0] == "3 claims still marked UNVERIFIED, in 1 items and services:"
    assert "  meta/thanks: Whether it still applies is UNVERIFIED" in text
    assert "1 items past their review date" in text and "meta/thanks: last reviewed 2025-06-30, due 2026-06-30" in text


def test_nothing_to_report_says_none(tmp_path):
    root = tmp_path / "content"
    shutil.copytree(ROOT / "tests" / "fixtures" / "lint" / "good", root)
    html = render(load(root), TODAY, root)
    assert "Claims still marked UNVERIFIED (0)" in html and "Items past their review date (0)" in html
    assert html.count("None.") == 2


def test_the_shipped_content_names_the_facts_the_legal_review_left_unverified(content):
    where = {c.where for c in unverified(content)}
    # EPO discharge and appeal rules (s45), the interim appeal limit (r30.4(3)), the
    # commencement of the family group decision-making duty, and Mind's phone number.
    for item in ("dates/epo-end", "stage/epo", "dates/appeal-interim", "stage/fgc", "help/mental-health"):
        assert item in where, item


def test_make_content_report_prints_the_summary(tmp_path):
    out = subprocess.run([sys.executable, "-m", "bot.content_report", str(tmp_path / "r.html")], cwd=ROOT,
                         capture_output=True, text=True, check=True).stdout
    assert "claims still marked UNVERIFIED" in out and "past their review date" in out
    assert (tmp_path / "r.html").exists()
