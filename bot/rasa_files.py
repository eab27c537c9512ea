"""Generate the parts of the Rasa project that follow from content/.

Run as `python -m bot.rasa_files` (make does it before validating or training).
Writes build/domain/ (domain.yml plus one intent per item and static responses for
the items that must work without the action server) and build/data/answers.yml (a
rule for each item that is not a plain answer: safety, dates, its own action; a plain
answer is started by bot/in_process.PlanSteps, with no rule). Generated, so adding an
item never means editing three files.
"""
from __future__ import annotations

import shutil
import sys
from pathlib import Path

import yaml

from bot import ids
from bot.content import Content, load
from bot.render import Channel, Renderer

ROOT = Path(__file__).resolve().parent.parent
BUILD = ROOT / "build"

# Items sent as static responses from the Rasa server itself, so they are said even
# when the action server is down.
STATIC_GROUPS = ("safety/",)
# (The fallback is no longer one of them: unsure messages get the likeliest topics,
# which the action works out; with the action server down, REST says meta/error.)
STATIC_ITEMS: set[str] = set()
# What answers every other item: the Rasa server's own answer path (bot/in_process.py).
ANSWER = "utter_answer"
# What every endpoints file says so that `utter_answer` is rendered from content
# (tests/test_in_process.py checks the repository's own; test servers append it).
NLG_ENDPOINT = "nlg:\n  type: bot.in_process.ContentNLG\n"
# Items answered by their own action rather than the answer path.
OWN_ACTION = {ids.FORGET_ME: "action_forget_me", ids.ADVOCACY: "action_find_advocate",
              ids.TALK_TO_PERSON: "action_talk_to_person"}
DEADLINE_FORM = "deadline_form"
# After these safety replies, the question she may also have asked is answered.
ANSWER_ALSO_AFTER = {ids.CRISIS, ids.DANGER, ids.DOMESTIC_ABUSE}
# After any safety reply, a question the bot was waiting on (a date) is dropped.
DROP_QUESTION = [{"action": "action_deactivate_loop"}, {"active_loop": None}]
# Set by the safety check (bot/nlu/safety_check.py) when risk is possible but unclear.
CHECK_IN_INTENT = "safety_check_in"


def is_static(content_id: str) -> bool:
    return content_id in STATIC_ITEMS or content_id.startswith(STATIC_GROUPS)


def first_action(item) -> str:
    """The action that answers an asked item first."""
    return response_name(item.id) if is_static(item.id) else OWN_ACTION.get(item.id, ANSWER)


def plain_answer(item) -> bool:
    """An asked item answered by the Rasa server's own answer path from the start, with
    no rule: no date to work out, no action of its own, no safety steps. (Rasa's
    RulePolicy checks every rule at every prediction; 118 fewer rules made it cheaper.)"""
    return (item.asked and not item.ask and first_action(item) == ANSWER and item.group != "safety"
            and item.id not in ANSWER_ALSO_AFTER)


def response_name(content_id: str) -> str:
    return "utter_" + content_id.replace("/", "_").replace("-", "_")


def _response(renderer: Renderer, content_id: str) -> list[dict]:
    variations = []
    for channel, extra in ((Channel.WEB, {}), (Channel.SMS, {"channel": "sms"})):
        message = renderer.message(content_id, channel).as_dict()
        variations.append({**message, **extra})
    return variations


def domain_part(content: Content) -> dict:
    renderer = Renderer(content)
    asked = [item for item in content.items.values() if item.asked]
    return {
        "version": "3.1",
        "intents": [item.intent for item in asked] + ([CHECK_IN_INTENT] if ids.CHECK_IN in content.items else []),
        "responses": {
            # What `utter_answer` says only if Rasa's own generator renders it (an endpoints
            # file without bot.in_process.ContentNLG): the kind error, never nothing.
            ANSWER: _response(renderer, ids.ERROR),
            **{response_name(cid): _response(renderer, cid) for cid in sorted(content.items) if is_static(cid)},
        },
    }


def rules(content: Content) -> dict:
    steps = []
    for item in content.items.values():
        # `asked: false` in the item: no intent, no rule; a plain answer: no rule either
        if not item.asked or plain_answer(item):
            continue
        actions = [{"action": first_action(item)}]
        if item.ask:  # a deadline worked out from a date: in her message, or asked for
            actions = [{"action": "action_deadline_start"}, {"action": DEADLINE_FORM},
                       {"active_loop": DEADLINE_FORM}]
        if item.group == "safety":
            actions += DROP_QUESTION
        if item.id in ANSWER_ALSO_AFTER:
            actions.append({"action": "action_answer_also"})
        steps.append({"rule": f"answer {item.id}", "steps": [{"intent": item.intent}, *actions]})
    if ids.CHECK_IN in content.items:
        steps.append({"rule": "ask her directly when risk is unclear", "steps": [
            {"intent": CHECK_IN_INTENT}, {"action": response_name(ids.CHECK_IN)}, *DROP_QUESTION]})
    return {"version": "3.1", "rules": steps}


def write(build: Path = BUILD) -> None:
    content = load()
    domain_dir = build / "domain"
    if domain_dir.exists():
        shutil.rmtree(domain_dir)
    domain_dir.mkdir(parents=True)
    (build / "data").mkdir(parents=True, exist_ok=True)
    shutil.copy(ROOT / "domain.yml", domain_dir / "domain.yml")
    header = "# Generated from content/ by `python -m bot.rasa_files`. Do not edit.\n"
    dump = lambda data: header + yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=1000)
    (domain_dir / "content.yml").write_text(dump(domain_part(content)), encoding="utf-8")
    (build / "data" / "answers.yml").write_text(dump(rules(content)), encoding="utf-8")


if __name__ == "__main__":
    write(Path(sys.argv[1]) if len(sys.argv) > 1 else BUILD)
