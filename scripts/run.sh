#!/usr/bin/env bash
# Start the action server (5055) and Rasa (5005, REST channel) in the foreground.
# Ctrl-C stops both. Loopback only unless RASA_INTERFACE says otherwise.
set -uo pipefail
cd "$(dirname "$0")/.."
mkdir -p var
iface=${RASA_INTERFACE:-127.0.0.1}
SANIC_HOST="${ACTIONS_INTERFACE:-127.0.0.1}" .venv/bin/rasa run actions --actions actions --port "${ACTIONS_PORT:-5055}" &
actions=$!
.venv/bin/rasa run --model models/current.tar.gz --interface "$iface" --port "${RASA_PORT:-5005}" \
  --credentials credentials.yml --endpoints "${RASA_ENDPOINTS:-endpoints.yml}" &
rasa=$!
trap 'kill $actions $rasa 2>/dev/null; wait; exit 0' INT TERM
echo "Starting: Rasa on http://$iface:${RASA_PORT:-5005} and actions on port ${ACTIONS_PORT:-5055}. Ctrl-C stops both."
wait -n $actions $rasa
kill $actions $rasa 2>/dev/null
wait
