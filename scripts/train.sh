#!/usr/bin/env bash
# Validate, then train models/current.tar.gz. One training at a time on this machine
# (a lock), and the time it took is printed, since CI has a budget to keep.
set -euo pipefail
cd "$(dirname "$0")/.."
export RASA_TELEMETRY_ENABLED=false   # no telemetry or error reports leave this machine
mkdir -p build
exec 9>build/.train.lock
flock 9
start=$(date +%s)
.venv/bin/python -m bot.rasa_files
.venv/bin/rasa data validate --domain build/domain --data data build/data --config config.yml --fail-on-warnings
.venv/bin/rasa train --domain build/domain --data data build/data --config config.yml \
  --out models --fixed-model-name current --quiet
echo "trained models/current.tar.gz in $(( $(date +%s) - start )) s"
