"""Evaluate intent recognition on tests/nlu/, examples kept out of training.

The held-out file was written separately from data/nlu/ (not split from it), so
this measures how the bot copes with wording it has never seen.
Prints the worst intents and the overall accuracy; --min-accuracy makes it a gate.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "build" / "results" / "nlu"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--min-accuracy", type=float, default=0.0)
    parser.add_argument("--model", default=str(ROOT / "models" / "current.tar.gz"))
    args = parser.parse_args()
    rasa = Path(sys.executable).parent / "rasa"
    # The intent-labelled held-out files (the content-id sets are scored by conversation_eval.py).
    held_out = OUT.parent / "nlu-held-out"
    held_out.mkdir(parents=True, exist_ok=True)
    for path in (ROOT / "tests" / "nlu").glob("held_out*.yml"):
        (held_out / path.name).write_text(path.read_text())
    subprocess.run(
        [str(rasa), "test", "nlu", "--model", args.model, "--nlu", str(held_out),
         "--out", str(OUT), "--no-plot", "--quiet"],
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
    errors = json.loads((OUT / "intent_errors.json").read_text()) if (OUT / "intent_errors.json").exists() else []
    for error in errors[:15]:
        print(f"  missed: {error['text'][:70]!r} -> {error['intent_prediction']['name']} (want {error['intent']})")
    total = sum(v["support"] for v in intents.values())
    print(f"Held-out intent accuracy: {accuracy:.3f} on {total} examples, {len(intents)} intents")
    if accuracy < args.min_accuracy:
        print(f"FAIL: below the target of {args.min_accuracy:.2f}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
