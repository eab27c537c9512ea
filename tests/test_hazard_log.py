"""The hazard log's controls each point at a test that exists (docs/safety/hazard-log.md)."""
from __future__ import annotations

import ast
import re

import pytest

from tests.conftest import ROOT

LOG = ROOT / "docs" / "safety" / "hazard-log.md"
TEXT = LOG.read_text(encoding="utf-8")
TEST_REF = re.compile(r"`(tests/[\w/]+\.py)::(\w+)`")
SCRIPT_REF = re.compile(r"`(scripts/[\w/]+\.py)`")
PENDING = re.compile(r"`pending: (tests/[\w/]+\.py)(?:::(\w+))?`")


def rows(heading: str) -> list[list[str]]:
    """The body rows of the first table after a heading, as lists of cells."""
    table: list[str] = []
    for line in TEXT.split(heading, 1)[1].splitlines():
        if line.startswith("|"):
            table.append(line)
        elif table:
            break  # the table has ended
    return [[cell.strip() for cell in line.strip().strip("|").split("|")] for line in table[2:]]


HAZARDS = rows("## Hazards")
CONTROLS = rows("## Controls and the tests that prove them")


def functions_in(path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {node.name for node in ast.walk(tree) if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))}


def test_the_log_has_hazards_and_controls():
    assert len(HAZARDS) >= 10 and len(CONTROLS) >= 10
    for row in HAZARDS:
        assert re.fullmatch(r"H\d\d", row[0]) and len(row) == 7, row
        for risk in (row[4], row[6]):
            assert re.fullmatch(r"\d x \d = \d", risk), (row[0], risk)


@pytest.mark.parametrize("words", ["missed crisis", "false alarm", "wrong legal fact", "outdated or wrong phone number",
                                   "seen by an abuser", "message is lost", "wrong date computed",
                                   "after she texted stop", "kept longer than promised"])
def test_every_named_hazard_from_the_issue_is_controlled_by_a_test_that_exists(words):
    # Not only named in the log: the hazard's controls point at test functions that are there.
    [row] = [row for row in HAZARDS if words in row[1].lower()] or [None]
    assert row, f"no hazard row for {words!r}"
    described = {control[0]: control for control in CONTROLS}
    tested = [(path, name) for control in re.findall(r"C\d\d", row[5]) if control in described
              for path, name in TEST_REF.findall(described[control][3])]
    assert tested, f"{row[0]} ({words}) has no control with a test"
    for path, name in tested:
        assert (ROOT / path).is_file() and name in functions_in(ROOT / path), f"{row[0]}: {path}::{name} is missing"


def test_every_control_named_by_a_hazard_is_described_with_a_test():
    described = {row[0]: row for row in CONTROLS}
    for row in HAZARDS:
        for control in re.findall(r"C\d\d", row[5]):
            assert control in described, f"{row[0]} names {control}, which the controls table lacks"
    for control, row in described.items():
        tests = row[3]
        assert TEST_REF.search(tests) or SCRIPT_REF.search(tests) or PENDING.search(tests), \
            f"{control} names no test"
        assert any(control in hazard[5] for hazard in HAZARDS), f"{control} controls no hazard"


@pytest.mark.parametrize("path, name", sorted(set(TEST_REF.findall(TEXT))))
def test_every_test_the_log_names_exists(path, name):
    file = ROOT / path
    assert file.is_file(), f"{path} does not exist (mark it `pending: {path}` if another change adds it)"
    assert name in functions_in(file), f"{path} has no test {name}"


@pytest.mark.parametrize("path", sorted(set(SCRIPT_REF.findall(TEXT))))
def test_every_script_the_log_names_exists(path):
    assert (ROOT / path).is_file(), path


def test_pending_tests_are_only_those_not_yet_written():
    # Once the test exists, the log must name it directly so it is checked above.
    for path, name in PENDING.findall(TEXT):
        file = ROOT / path
        assert not (file.is_file() and (not name or name in functions_in(file))), \
            f"{path} exists now: name it without `pending:`"
