"""Whole conversations and single first messages, through the live bot, scored by content id.

Two pairs of sets (SETS below), each written apart from the training data, from the
issues and the content only. A turn is
right when any expected content id is among the reply's messages (and the reply's
text carries every `facts` word); a `button` turn taps the previous reply's button
whose label contains that text. Held-out lines with a near-copy in data/nlu
(similarity >= 0.85, scripts/near_copies.py) are left out and counted.

    python scripts/conversation_eval.py [--gate]
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import uuid
from collections import Counter
from pathlib import Path

import yaml

from near_copies import NEAR_COPY, near_copy, training_lines

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
# Two pairs, each written apart from training: the first was run first and read for
# planner bugs; set C was written later and kept unread, for the final figures.
SETS = {
    "first": (ROOT / "tests" / "nlu" / "fresh_2026_12.yml", ROOT / "tests" / "conversations" / "conversations.yml"),
    "C (final)": (ROOT / "tests" / "nlu" / "fresh_c.yml", ROOT / "tests" / "conversations" / "conversations_c.yml"),
    # Written 2026-12-02, after C had been read for misses; its first run was read for misses.
    "D": (ROOT / "tests" / "nlu" / "fresh_d.yml", ROOT / "tests" / "conversations" / "conversations_d.yml"),
    # Written 2026-12-02 after D's misses were read, and run once for the closing figures.
    "E (final)": (ROOT / "tests" / "nlu" / "fresh_e.yml", ROOT / "tests" / "conversations" / "conversations_e.yml"),
    # Written 2026-12-02 after this session's changes, by a helper that read only issues
    # 14-16, the contract and content/items; run once for the closing figures.
    "F (final)": (ROOT / "tests" / "nlu" / "fresh_f.yml", ROOT / "tests" / "conversations" / "conversations_f.yml"),
    # Written 2026-12-04 the same way, after F had been read; its first run is the figure
    # to quote, and any later run on it is no longer held out.
    "G": (ROOT / "tests" / "nlu" / "fresh_g.yml", ROOT / "tests" / "conversations" / "conversations_g.yml"),
    # Written 2026-12-04 the same way while G's misses were being fixed; its first run was
    # read for misses.
    "H": (ROOT / "tests" / "nlu" / "fresh_h.yml", ROOT / "tests" / "conversations" / "conversations_h.yml"),
    # Written 2026-12-04 after every change of the day, and run once for the closing figures;
    # read for misses on 2026-12-06.
    "I": (ROOT / "tests" / "nlu" / "fresh_i.yml", ROOT / "tests" / "conversations" / "conversations_i.yml"),
    # Written 2026-12-06 the same way before that day's changes; run once at the start for
    # the figures before them (not read), and once at the end for the closing figures.
    "J (final)": (ROOT / "tests" / "nlu" / "fresh_j.yml", ROOT / "tests" / "conversations" / "conversations_j.yml"),
    # Written 2026-12-07 the same way (issues 15 and 16, the contract, content/items only),
    # alongside new training lines it never saw; run for figures only, not read.
    "K": (ROOT / "tests" / "nlu" / "fresh_k.yml", ROOT / "tests" / "conversations" / "conversations_k.yml"),
}
HARD_KINDS = ("situation", "feeling", "fragment", "third-person")
# The targets (15), and what --gate holds make test to: the figures reached,
# so a change that loses ground fails.
TARGETS = {"messages": 0.92, "hard": 0.88, "turns": 0.85, "bare_fallback": 0.05}
# Reached on 2026-12-01 (first / C): messages 0.905/0.897, hard 0.902/0.893, turns 0.738/0.828,
# bare fallback 0.005/0.000.
GATES = {"messages": 0.86, "hard": 0.85, "turns": 0.70, "bare_fallback": 0.03}


def right(reply: list[dict], expect: list[str], facts: list[str]) -> bool:
    ids = {m.get("content_id") for m in reply}
    text = " ".join(m.get("text") or "" for m in reply).lower()
    return bool(ids & set(expect)) and all(f.lower() in text for f in facts or [])


def bare_fallback(reply: list[dict]) -> bool:
    return [m.get("content_id") for m in reply] in ([], ["meta/fallback"], ["meta/error"])


def run_messages(servers, messages: list[dict], training: list[str]) -> dict:
    kept = [m for m in messages if not near_copy(m["text"], training)]
    totals, hits, misses = Counter(), Counter(), []
    for message in kept:
        reply = servers.say(f"eval-{uuid.uuid4().hex[:12]}", message["text"])
        ok = right(reply, message["expect"], message.get("facts"))
        totals[message["kind"]] += 1
        hits[message["kind"]] += ok
        if not ok:
            misses.append((message["kind"], message["text"], message["expect"],
                           [m.get("content_id") for m in reply]))
    return {"kept": len(kept), "dropped": len(messages) - len(kept), "totals": totals, "hits": hits,
            "misses": misses}


def run_conversations(servers, conversations: list[dict]) -> dict:
    turns = good = fallbacks = whole = 0
    misses = []
    for conversation in conversations:
        sender, previous, all_right = f"conv-{uuid.uuid4().hex[:12]}", [], True
        for turn in conversation["turns"]:
            message = turn.get("user")
            if "button" in turn:
                label = turn["button"].lower()
                buttons = [b for m in previous for b in m.get("buttons") or [] if label in b["title"].lower()]
                message = buttons[0]["payload"] if buttons else turn["button"]
            reply = servers.say(sender, message)
            turns += 1
            ok = right(reply, turn["expect"], turn.get("facts"))
            good += ok
            fallbacks += bare_fallback(reply)
            all_right &= ok
            if not ok:
                misses.append((conversation["name"], message, turn["expect"],
                               [m.get("content_id") for m in reply]))
            previous = reply
        whole += all_right
    return {"turns": turns, "good": good, "fallbacks": fallbacks, "whole": whole,
            "conversations": len(conversations), "misses": misses}


def report(name: str, messages_path: Path, conversations_path: Path, single: dict, whole: dict, misses: int) -> bool:
    totals, hits = single["totals"], single["hits"]
    overall = sum(hits.values()) / max(sum(totals.values()), 1)
    hard = sum(hits[k] for k in HARD_KINDS) / max(sum(totals[k] for k in HARD_KINDS), 1)
    turns = whole["good"] / max(whole["turns"], 1)
    fallback_rate = whole["fallbacks"] / max(whole["turns"], 1)
    print(f"== Set {name}: single first messages ({messages_path.name}): {single['kept']} scored, "
          f"{single['dropped']} left out as near-copies of training lines (>= {NEAR_COPY})")
    for kind in sorted(totals):
        print(f"  {kind:13} {hits[kind] / totals[kind]:.3f} ({hits[kind]}/{totals[kind]})")
    print(f"  overall {overall:.3f} (target {TARGETS['messages']}); situations, feelings, fragments and third "
          f"person {hard:.3f} (target {TARGETS['hard']})")
    for kind, text, expect, got in single["misses"][:misses]:
        print(f"    miss [{kind}] {text[:70]!r} want {expect[:3]} got {got}")
    print(f"== Set {name}: conversations ({conversations_path.name}): {whole['conversations']} conversations, "
          f"{whole['turns']} turns")
    print(f"  turns right {turns:.3f} (target {TARGETS['turns']}); bare fallback {fallback_rate:.3f} of turns "
          f"(target at most {TARGETS['bare_fallback']}); conversations right at every turn "
          f"{whole['whole']}/{whole['conversations']}")
    for conversation, message, expect, got in whole["misses"][:misses]:
        print(f"    miss [{conversation[:30]}] {str(message)[:60]!r} want {expect[:3]} got {got}")
    passed = (overall >= GATES["messages"] and hard >= GATES["hard"] and turns >= GATES["turns"]
              and fallback_rate <= GATES["bare_fallback"])
    if not passed:
        print(f"FAIL: set {name} is below the gates {GATES}")
    return passed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--gate", action="store_true", help="exit 1 below the gates")
    parser.add_argument("--misses", type=int, default=0, help="how many misses to print per set")
    parser.add_argument("--set", choices=list(SETS), action="append", help="score only these sets")
    args = parser.parse_args()
    from tests.live.servers import Servers

    chosen = {name: SETS[name] for name in (args.set or SETS)}
    training = training_lines()
    passed = True
    with tempfile.TemporaryDirectory() as workdir:
        with Servers(Path(workdir), rasa_port=15105, actions_port=15155).running() as servers:
            for name, (messages_path, conversations_path) in chosen.items():
                single = run_messages(servers, yaml.safe_load(messages_path.read_text())["messages"], training)
                whole = run_conversations(servers, yaml.safe_load(conversations_path.read_text())["conversations"])
                passed &= report(name, messages_path, conversations_path, single, whole, args.misses)
    return 0 if passed or not args.gate else 1


if __name__ == "__main__":
    sys.exit(main())
