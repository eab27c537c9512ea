"""The Rasa project follows from content/: an intent, examples and a rule per item."""
from __future__ import annotations

from collections import Counter
from pathlib import Path

import yaml

from bot import rasa_files
from tests.conftest import ROOT


def nlu_examples(folder: Path) -> Counter:
    counts: Counter = Counter()
    for path in folder.rglob("*.yml"):
        for block in (yaml.safe_load(path.read_text()) or {}).get("nlu", []):
            if "intent" in block:
                counts[block["intent"]] += sum(1 for line in block["examples"].splitlines() if line.strip().startswith("- "))
    return counts


def asked_intents(content) -> set[str]:
    return {item.intent for item in content.items.values() if item.asked}


def domain_intents() -> set[str]:
    return set(yaml.safe_load((ROOT / "domain.yml").read_text())["intents"])


def test_every_asked_item_has_an_intent_and_a_rule_or_the_plain_answer_path(content):
    domain = rasa_files.domain_part(content)
    rules = rasa_files.rules(content)
    assert set(domain["intents"]) == asked_intents(content) | {rasa_files.CHECK_IN_INTENT}
    ruled = {rule["steps"][0]["intent"] for rule in rules["rules"]}
    plain = {item.intent for item in content.items.values() if rasa_files.plain_answer(item)}
    assert ruled | plain == asked_intents(content) | {rasa_files.CHECK_IN_INTENT} and not ruled & plain


def test_every_intent_has_at_least_20_training_examples(content):
    counts = nlu_examples(ROOT / "data" / "nlu")
    for intent in asked_intents(content) | domain_intents():
        assert counts[intent] >= 20, f"{intent} has {counts[intent]} examples; write at least 20"


def test_no_held_out_line_is_a_training_example():
    # The older intent-labelled held-out files must share no line with training. The
    # fresh content-id sets are written apart; a short fragment both writers happened to
    # write ("kinship allowance") is left out of the scores by scripts/conversation_eval.py.
    training = set()
    for path in (ROOT / "data" / "nlu").rglob("*.yml"):
        for block in yaml.safe_load(path.read_text())["nlu"]:
            training |= {l.strip()[2:].strip().lower() for l in block["examples"].splitlines() if l.strip()}
    held_out = []
    for path in (ROOT / "tests" / "nlu").glob("held_out*.yml"):
        for block in yaml.safe_load(path.read_text())["nlu"]:
            held_out += [line.strip()[2:] for line in block["examples"].splitlines() if line.strip()]
    copies = [line for line in held_out if line.strip().lower() in training]
    assert not copies, f"held-out lines in data/nlu: {copies[:5]}"


def test_safety_answers_are_static_responses_on_web_and_sms(content):
    responses = rasa_files.domain_part(content)["responses"]
    for content_id in [i for i in content.items if i.startswith("safety/")]:
        variations = responses[rasa_files.response_name(content_id)]
        assert {v.get("channel") for v in variations} == {None, "sms"}
        assert all(v["metadata"]["content_id"] == content_id for v in variations)


def test_safety_intents_answer_without_the_action_server(content):
    for rule in rasa_files.rules(content)["rules"]:
        if rule["steps"][0]["intent"].startswith("safety_"):
            assert rule["steps"][1]["action"].startswith("utter_"), rule
