#!/usr/bin/env bash
# Create .venv from requirements/lock.txt, exactly, and only when the lock changed.
# --no-deps: the lock is the whole tree. --ignore-requires-python: rasa and rasa-sdk
# declare Python <3.11 but run on 3.11 with these pins (shared/rasa-py311.md).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3.11}
bash scripts/install-pdf.sh   # Debian libraries for PDF scripts; quick when present
stamp=.venv/.lock-sha
want=$(sha256sum requirements/lock.txt | cut -d' ' -f1)
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then exit 0; fi
start=$(date +%s)
[ -x .venv/bin/python ] || "$PY" -m venv .venv
.venv/bin/pip install -q --upgrade pip 2>&1 | grep -v 'is ignored: it is neither' || true
.venv/bin/pip install -q --no-deps --ignore-requires-python -r requirements/lock.txt 2>&1 \
  | grep -v 'is ignored: it is neither' || true
.venv/bin/python -c "import rasa, rasa_sdk, holidays, textstat, jinja2" # fail loudly if incomplete
echo "$want" > "$stamp"
echo "installed .venv in $(( $(date +%s) - start )) s"
