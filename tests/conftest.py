"""Shared fixtures: the shipped content, and the contract of ids from ../shared."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.content import Content, load
from bot.render import Renderer

ROOT = Path(__file__).resolve().parent.parent
CONTRACT = ROOT.parent / "shared" / "content-ids.md"
ID_IN_CONTRACT = re.compile(r"\b(?:stage|rights|help|safety|dates|glossary|meta)/[a-z0-9-]+")


def contract_ids() -> list[str]:
    """Every content id the contract names (tests read the contract, not a copy)."""
    return sorted(set(ID_IN_CONTRACT.findall(CONTRACT.read_text(encoding="utf-8"))))


@pytest.fixture(scope="session")
def content() -> Content:
    return load()


@pytest.fixture(scope="session")
def renderer(content: Content) -> Renderer:
    return Renderer(content)
