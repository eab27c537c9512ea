"""The content linter: the shipped content passes; each rule fails a broken fixture
with a message that names the file and the fix (tests/fixtures/lint/<rule>/)."""
from __future__ import annotations

import datetime as dt
import subprocess
import sys

import pytest

from bot.lint import lint_tree
from tests.conftest import ROOT, committed_on

FIXTURES = ROOT / "tests" / "fixtures" / "lint"
TODAY = dt.date(2026, 11, 25)   # the fixtures' dates are set against this day

# rule folder -> (file the message names, words of the fix it gives)
BROKEN = {
    "schema": ("thanks.yml", "`sms` is missing"),
    "unsourced": ("thanks.yml", "add at least one source"),
    "review-overdue": ("thanks.yml", "update the date"),
    "grade": ("thanks.yml", "use shorter words and sentences"),
    "sentence-length": ("thanks.yml", "split it"),
    "web-words": ("thanks.yml", "move detail to `more`"),
    "setting-on": ("thanks.yml", "move detail to `more`"),
    "sms-segments": ("thanks.yml", "must fit 3 texts"),
    "blame-words": ("thanks.yml", "describe what happened, not what she is"),
    "typed-contact": ("thanks.yml", "use phone()/web()"),
    "not-a-lawyer": ("thanks.yml", "says it once, from meta/not-a-lawyer"),
    "unmarked-doubt": ("thanks.yml", "write UNVERIFIED"),
    "follow-ups": ("thanks.yml", "which does not exist"),
    "service-stale": ("services.yml (frg)", "update the date"),
    "service-unsourced": ("test-area.yml (ca_test)", "add at least one source"),
    "service-area": ("test-area.yml (ca_test)", "fix the code or add the area"),
    "service-for": ("test-area.yml (ca_test)", "add `for`"),
    "service-abolished-site": ("test-area.yml (ca_test)", "is the website of Allerdale, a council abolished on 2023-04-01 (now Cumberland)"),
    "service-slash-after-file": ("test-area.yml (ca_test)", "after a file name; remove that"),
}


def errors(findings):
    return [f for f in findings if f.error]


def test_every_rule_has_a_broken_fixture():
    assert {p.name for p in FIXTURES.iterdir() if p.is_dir()} == set(BROKEN) | {"good", "review-due"}


def test_the_good_fixture_passes():
    assert lint_tree(FIXTURES / "good", TODAY) == []


@pytest.mark.parametrize("rule", sorted(BROKEN))
def test_a_broken_fixture_fails_naming_the_file_and_the_fix(rule):
    found = errors(lint_tree(FIXTURES / rule, TODAY))
    file, fix = BROKEN[rule]
    assert any(file in str(f) and fix in str(f) for f in found), [str(f) for f in found]


def test_a_review_due_within_a_month_warns_but_passes():
    findings = lint_tree(FIXTURES / "review-due", TODAY)
    assert findings and not errors(findings)
    assert "due for review" in str(findings[0])


def test_the_same_fixture_fails_a_year_later():
    assert errors(lint_tree(FIXTURES / "review-due", TODAY + dt.timedelta(days=40)))


def test_the_shipped_content_passes():
    found = errors(lint_tree(today=committed_on()))
    assert not found, "\n".join(str(f) for f in found)


def test_make_lint_content_exits_non_zero_with_the_message():
    run = subprocess.run(
        [sys.executable, "-m", "bot.lint", "--root", str(FIXTURES / "typed-contact"), "--today", "2026-11-25"],
        capture_output=True, text=True, cwd=ROOT, timeout=120,
    )
    assert run.returncode == 1
    assert "thanks.yml" in run.stdout and "use phone()/web()" in run.stdout


def test_a_council_home_page_of_an_abolished_council_or_with_a_slash_after_a_file_is_refused(tmp_path):
    # Cumberland given Allerdale's old site, Havering "index.aspx/": the two faults the refresh script made.
    import shutil

    from bot.lint import lint_area_homepages

    shutil.copytree(FIXTURES / "service-abolished-site" / "areas", tmp_path / "areas")
    (tmp_path / "areas" / "local_authorities.csv").write_text(
        "code,name,upper_tier_code,upper_tier_name,kind,slug,homepage\n"
        "E06000063,Cumberland,E06000063,Cumberland,unitary,cumberland,https://www.allerdale.gov.uk/\n"
        "E09000016,Havering,E09000016,Havering,london,havering,https://www.havering.gov.uk/Pages/index.aspx/\n"
        "E10000011,East Sussex,E10000011,East Sussex,county,east-sussex,https://www.eastsussex.gov.uk/\n"
        "E10000012,Essex,E10000012,Essex,county,essex,https://www.essex.gov.uk/Pages/Default.aspx\n")
    found = [str(f) for f in lint_area_homepages(tmp_path)]
    assert len(found) == 2, found
    assert "E06000063 Cumberland" in found[0] and "Allerdale" in found[0]
    assert "E09000016 Havering" in found[1] and "after a file name" in found[1]


def test_the_shipped_council_home_pages_are_current_websites():
    from bot.lint import lint_area_homepages

    assert [str(f) for f in lint_area_homepages(ROOT / "content")] == []
