#!/usr/bin/env bash
# What the browser tests need beyond the venv (which has Playwright's Python client):
# Debian's Chromium, since Playwright's own browser download cannot work here, and
# axe-core from tests/browser/package-lock.json. Each step is skipped when done.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -x /usr/bin/chromium ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  apt-get install -y -q chromium
fi

lock=tests/browser/package-lock.json
stamp=tests/browser/node_modules/.lock-sha
want=$(sha256sum "$lock" | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  (cd tests/browser && npm ci --no-audit --no-fund --ignore-scripts --loglevel=error)
  echo "$want" > "$stamp"
fi
