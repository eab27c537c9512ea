"""Shared fixtures: the shipped content, and the contract of ids (docs/content-ids.md, the
repository's copy of the team's ../shared/content-ids.md, so a clone anywhere can test)."""
from __future__ import annotations

import datetime as dt
import re
import subprocess
from pathlib import Path

import pytest

from bot.content import Content, load
from bot.render import Renderer

ROOT = Path(__file__).resolve().parent.parent
CONTRACT = ROOT / "docs" / "content-ids.md"
SHARED_CONTRACT = ROOT.parent / "shared" / "content-ids.md"
ID_IN_CONTRACT = re.compile(r"\b(?:stage|rights|help|safety|dates|glossary|meta)/[a-z0-9-]+")


def committed_on() -> dt.date:
    """The day of the newest commit: reviews are checked as of the code under test, so the
    suite does not turn red on a calendar date with nothing changed (today without git)."""
    run = subprocess.run(["git", "log", "-1", "--format=%cs"], cwd=ROOT, capture_output=True, text=True)
    return dt.date.fromisoformat(run.stdout.strip()) if run.returncode == 0 and run.stdout.strip() else dt.date.today()


def contract_ids() -> list[str]:
    """Every content id the contract names."""
    return sorted(set(ID_IN_CONTRACT.findall(CONTRACT.read_text(encoding="utf-8"))))


@pytest.fixture(scope="session")
def content() -> Content:
    return load()


@pytest.fixture(scope="session")
def renderer(content: Content) -> Renderer:
    return Renderer(content)
