#!/usr/bin/env bash
# The whole suite, fast checks first. Called by `make test` (and so by .ci/run).
set -euo pipefail
cd "$(dirname "$0")/.."
export PYTHONPATH=$PWD
py=.venv/bin/python
t0=$(date +%s)
step() { echo; echo "== $1 ($(( $(date +%s) - t0 )) s)"; }

step "Content lint (make lint-content)"
make --no-print-directory lint-content

step "Unit tests: content, rendering, actions, dates"
$py -m pytest -q -p no:cacheprovider tests --ignore=tests/live

step "Validate data, then train if anything changed"
make --no-print-directory train

step "Conversation tests (rasa test core)"
make --no-print-directory stories

step "Held-out NLU evaluation"
$py scripts/nlu_eval.py --min-accuracy 0.95

step "Live servers over HTTP"
$py -m pytest -q -p no:cacheprovider tests/live

step "All passed"
