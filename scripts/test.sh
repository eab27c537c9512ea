#!/usr/bin/env bash
# The whole suite, fast checks first. Called by `make test` (and so by .ci/run).
set -euo pipefail
cd "$(dirname "$0")/.."
export PYTHONPATH=$PWD
py=.venv/bin/python
t0=$(date +%s)
step() { echo; echo "== $1 ($(( $(date +%s) - t0 )) s)"; }
pytest() { $py -m pytest -q -p no:cacheprovider -W ignore::DeprecationWarning "$@"; }

step "Content lint (make lint-content)"
LINT_AS_OF="$(git log -1 --format=%cs 2>/dev/null)" make --no-print-directory lint-content

step "Unit tests: content, rendering, actions, dates, safety, SMS, privacy, scripts"
pytest tests --ignore=tests/live --ignore=tests/browser --ignore=tests/cluster

step "Validate data, then train if anything changed"
make --no-print-directory train

step "Conversation tests (rasa test core)"
make --no-print-directory stories

step "Held-out NLU evaluation (the older intent-labelled set; every line reported, the lines with no near-copy in data/nlu gated at 0.85)"
$py scripts/nlu_eval.py --min-accuracy 0.85

step "Safety sets through the model (recall and false alarms; the fresh sets are gated)"
make --no-print-directory safety-eval

step "Conversations and single first messages written apart from training, through the live bot"
$py scripts/conversation_eval.py --gate

step "Live servers over HTTP: web, dates, directory, advocate mode, SMS, privacy"
pytest tests/live

step "Browser tests: the chat page in Chromium"
make --no-print-directory install-browser-tests
pytest tests/browser

step "All passed"
