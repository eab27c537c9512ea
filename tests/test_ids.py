"""Every id the code relies on is a real item, and the code names none of them twice."""
from __future__ import annotations

import re

import pytest

from bot import ids
from tests.conftest import ROOT


@pytest.mark.parametrize("content_id", ids.SPECIAL)
def test_every_special_id_is_an_item(content, content_id):
    assert content_id in content.items, f"bot/ids.py names {content_id}, which content/items lacks"


def test_the_special_ids_are_written_only_in_bot_ids():
    quoted = re.compile("|".join(re.escape(f'"{content_id}"') for content_id in ids.SPECIAL))
    found = [f"{path.relative_to(ROOT)}: {match.group(0)}"
             for folder in ("bot", "actions") for path in (ROOT / folder).rglob("*.py")
             if path.name != "ids.py" for match in quoted.finditer(path.read_text(encoding="utf-8"))]
    assert not found, "use bot.ids instead:\n" + "\n".join(found)
