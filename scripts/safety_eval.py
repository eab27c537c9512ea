"""Safety recall and false alarms on the safety test sets.

By default every message goes through the trained NLU pipeline (classifier + the
safety check), exactly as a live message would. --phrases-only uses the reviewed
phrase list alone (bot/safety.py), with no model: fast, and what crisis and danger
must never depend on anything else for.

Prints, for each set (tests/safety/safety_set.yml, the set the phrases were written
against, and tests/safety/held_out_set.yml, written separately and never tuned to
first): recall per class, the false-alarm rate on ordinary and near-miss messages,
and each miss. --gate fails below the targets: 100% recall for crisis and danger,
98% for abuse, at most 2% false alarms.
"""
from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
from collections import Counter
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SETS = [ROOT / "tests" / "safety" / "safety_set.yml", ROOT / "tests" / "safety" / "held_out_set.yml"]
CLASS_OF = {"safety_crisis": "crisis", "safety_danger": "danger", "safety_domestic_abuse": "abuse"}
KINDS = ("crisis", "danger", "abuse")
TARGETS = {"crisis": 1.0, "danger": 1.0, "abuse": 0.98}
MAX_FALSE_ALARMS = 0.02


def load(path: Path) -> list[dict]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))["messages"]


def by_phrases(texts: list[str]) -> list[str]:
    from bot.safety import check

    return [check(text).kind or "none" for text in texts]


def quiet_rasa_logs() -> None:
    """Rasa's structured debug log would print each message; keep the output to figures."""
    import structlog

    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING))


async def by_model(model: Path, texts: list[str]) -> list[str]:
    from rasa.core.agent import Agent

    agent = Agent.load(str(model))
    quiet_rasa_logs()
    out = []
    for text in texts:
        parsed = await agent.parse_message(text)
        out.append(CLASS_OF.get((parsed.get("intent") or {}).get("name"), "none"))
    return out


def report(name: str, messages: list[dict], predicted: list[str]) -> bool:
    """Print the figures for one set; True when every target is met."""
    totals, hits = Counter(), Counter()
    misses = []
    for message, got in zip(messages, predicted):
        want = message["class"]
        totals[want] += 1
        if want == "none":
            if got in ("crisis", "danger"):
                misses.append((want, got, message["text"]))
        elif got == want:  # strict: a crisis message given the danger reply is a miss here
            hits[want] += 1
        else:
            misses.append((want, got, message["text"]))
    print(f"== {name}")
    ok = True
    for kind in KINDS:
        recall = hits[kind] / totals[kind] if totals[kind] else 0.0
        ok &= recall >= TARGETS[kind]
        print(f"{kind:7} recall {recall:6.1%}  ({hits[kind]}/{totals[kind]}; target {TARGETS[kind]:.0%})")
    ordinary = [got for m, got in zip(messages, predicted) if m["class"] == "none"]
    alarms = sum(got in ("crisis", "danger") for got in ordinary)
    abuse_replies = sum(got == "abuse" for got in ordinary)
    rate = alarms / len(ordinary) if ordinary else 0.0
    ok &= rate <= MAX_FALSE_ALARMS
    print(f"false alarms (crisis or danger reply to an ordinary message): {rate:.1%} ({alarms}/{len(ordinary)}; "
          f"target at most {MAX_FALSE_ALARMS:.0%}); abuse reply to an ordinary message: {abuse_replies}")
    for want, got, text in misses:
        print(f"  miss [{want} -> {got}] {text[:100]}")
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", default=str(ROOT / "models" / "current.tar.gz"))
    parser.add_argument("--set", action="append", type=Path,
                        help="a safety set to score (repeat for several); default: both sets")
    parser.add_argument("--phrases-only", action="store_true", help="the phrase list alone, no model")
    parser.add_argument("--gate", action="store_true", help="exit 1 when a target is missed")
    args = parser.parse_args()
    os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
    logging.disable(logging.WARNING)
    ok = True
    for path in args.set or SETS:
        messages = load(path)
        texts = [m["text"] for m in messages]
        predicted = by_phrases(texts) if args.phrases_only else asyncio.run(by_model(Path(args.model), texts))
        how = "phrase list only" if args.phrases_only else f"model {Path(args.model).name}"
        ok &= report(f"{path.name} ({how})", messages, predicted)
    return 0 if ok or not args.gate else 1


if __name__ == "__main__":
    sys.exit(main())
