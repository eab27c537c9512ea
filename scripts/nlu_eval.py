"""Evaluate intent recognition on tests/nlu/, examples kept out of training.

The held-out files were written separately from data/nlu/ (not split from it), but some
of their lines are still near-copies of training lines (a difflib ratio of at least 0.85
after normalising, scripts/near_copies.py). Those say little about wording the bot has
never seen, so they are counted and scored apart: the headline figure is every line, the
novel figure only the lines with no near-copy. --min-accuracy gates the novel figure.
Prints the worst intents, the misses on novel lines, and both accuracies.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

from near_copies import NEAR_COPY, near_copy, training_lines

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "build" / "results" / "nlu"


def predictions() -> list[dict]:
    """Every held-out line as Rasa scored it: text, intent, intent_prediction."""
    found = []
    for name in ("intent_successes.json", "intent_errors.json"):
        if (OUT / name).exists():
            found += json.loads((OUT / name).read_text())
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--min-accuracy", type=float, default=0.0,
                        help="fail below this accuracy on the novel lines (no near-copy in data/nlu)")
    parser.add_argument("--model", default=str(ROOT / "models" / "current.tar.gz"))
    args = parser.parse_args()
    rasa = Path(sys.executable).parent / "rasa"
    # The intent-labelled held-out files (the content-id sets are scored by conversation_eval.py).
    held_out = OUT.parent / "nlu-held-out"
    held_out.mkdir(parents=True, exist_ok=True)
    for path in (ROOT / "tests" / "nlu").glob("held_out*.yml"):
        (held_out / path.name).write_text(path.read_text())
    for name in ("intent_successes.json", "intent_errors.json"):
        (OUT / name).unlink(missing_ok=True)
    subprocess.run(
        [str(rasa), "test", "nlu", "--model", args.model, "--nlu", str(held_out),
         "--out", str(OUT), "--no-plot", "--quiet", "--successes"],
        check=True, cwd=ROOT, env={**os.environ, "RASA_TELEMETRY_ENABLED": "false"},
        stdout=subprocess.DEVNULL,
    )
    report = json.loads((OUT / "intent_report.json").read_text())
    accuracy = report["accuracy"]
    intents = {k: v for k, v in report.items() if isinstance(v, dict) and "f1-score" in v and k not in
               ("macro avg", "weighted avg", "micro avg")}
    worst = sorted(intents.items(), key=lambda kv: kv[1]["f1-score"])[:10]
    print("Weakest intents (f1, support):")
    for name, scores in worst:
        print(f"  {scores['f1-score']:.2f}  {scores['support']:>3}  {name}")

    training = training_lines()
    scored = predictions()
    novel = [p for p in scored if not near_copy(p["text"], training)]
    dropped = len(scored) - len(novel)
    right = [p for p in novel if p["intent_prediction"]["name"] == p["intent"]]
    novel_accuracy = len(right) / max(len(novel), 1)
    for miss in [p for p in novel if p not in right][:15]:
        print(f"  missed: {miss['text'][:70]!r} -> {miss['intent_prediction']['name']} (want {miss['intent']})")

    total = sum(v["support"] for v in intents.values())
    print(f"Held-out intent accuracy: {accuracy:.3f} on {total} examples, {len(intents)} intents")
    print(f"Near-copies of training lines (similarity >= {NEAR_COPY}): {dropped} of {len(scored)} left out")
    print(f"Novel-line intent accuracy: {novel_accuracy:.3f} on {len(novel)} examples with no near-copy"
          f" (the gated figure)")
    if novel_accuracy < args.min_accuracy:
        print(f"FAIL: novel-line accuracy is below the target of {args.min_accuracy:.2f}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
