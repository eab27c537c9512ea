"""The "Where am I?" journey data (bot/journey.py): from content, served to the widget and printed."""
from __future__ import annotations

import re

from bot import journey
from bot.content import intent_for
from bot.scripts import write_scripts


def test_every_stage_once_in_the_usual_order_grouped_from_early_help_to_after_removal(content):
    data = journey.journey_json(content)
    listed = [stage["id"] for group in data["groups"] for stage in group["stages"]]
    assert listed == list(content.stage_order), "every stage, once, in STAGE_ORDER"
    keys = [group["key"] for group in data["groups"]]
    assert keys == [key for key, _ in journey.GROUP_STARTS]
    assert listed[0] == "stage/early-help"
    after = next(g for g in data["groups"] if g["key"] == "after")
    assert "stage/after-removal" in [s["id"] for s in after["stages"]]
    # The branches she asked about each have their group: plan, before court, court, orders.
    by_stage = {s["id"]: g["key"] for g in data["groups"] for s in g["stages"]}
    assert by_stage["stage/cp-plan"] == "plan" and by_stage["stage/pre-proceedings"] == "pre"
    assert by_stage["stage/care-proceedings"] == "court" and by_stage["stage/orders"] == "after"


def test_titles_links_and_payloads_come_from_the_items(content):
    for group in journey.journey_json(content)["groups"]:
        assert group["label"] == content.labels[f"journey_group_{group['key']}"]
        for stage in group["stages"]:
            item = content.item(stage["id"])
            assert stage["title"] == item.title
            assert stage["payload"] == "/" + intent_for(item.id) == "/" + item.id.replace("/", "_").replace("-", "_")
            assert [n["id"] for n in stage["next"]] == [n for n in item.next if n in content.items]
            assert [n["title"] for n in stage["next"]] == [content.item(n["id"]).title for n in stage["next"]]
    assert journey.journey_json(content)["clock"] == {
        "content_id": "dates/proceedings-deadline", "part": "result", "weeks": 26}
    assert "dates/proceedings-deadline" in content.items


def test_a_new_stage_lands_in_the_group_of_the_stage_before_it(content):
    import dataclasses
    order = list(content.stage_order)
    moved = order[:]
    moved.remove("stage/fgc")
    moved.insert(moved.index("stage/cmh") + 1, "stage/fgc")   # as if fgc were listed after the CMH
    changed = dataclasses.replace(content, stage_order=tuple(moved))
    groups = {s.id: s.group for s in journey.stages(changed)}
    assert groups["stage/fgc"] == "court"


def test_the_printed_index_shows_the_same_journey(content, tmp_path):
    write_scripts(tmp_path, stages=["stage/icpc"], formats=("html",), card=False, content=content)
    html = (tmp_path / "index.html").read_text(encoding="utf-8")
    section = re.search(r'<section class="journey">(.*?)</section>', html, re.S).group(1)
    assert content.labels["script_journey"] in section
    data = journey.journey_json(content)
    for group in data["groups"]:
        assert f"<h3>{group['label']}</h3>" in section
    assert re.findall(r'data-content-id="([^"]+)"', section) == list(content.stage_order)
    # Only scripts that were written are linked.
    assert 'href="icpc.html"' in section and 'href="cp-plan.html"' not in section
    cp_plan = content.item("stage/cp-plan")
    leads = ", ".join(content.item(n).title for n in cp_plan.next)
    assert f'{content.labels["journey_leads_to"]} {leads}' in section.replace("&#39;", "'")
