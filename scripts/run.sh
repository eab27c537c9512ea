#!/usr/bin/env bash
# Start the action server (5055), Rasa (5005, REST channel) and the chat page (8080)
# in the foreground. Ctrl-C stops them all. Loopback only unless RASA_INTERFACE says otherwise.
set -uo pipefail
cd "$(dirname "$0")/.."
mkdir -p var
iface=${RASA_INTERFACE:-127.0.0.1}
SANIC_HOST="${ACTIONS_INTERFACE:-127.0.0.1}" .venv/bin/rasa run actions --actions actions --port "${ACTIONS_PORT:-5055}" &
actions=$!
web_port=${WEB_PORT:-8080}
# The chat page's widget calls Rasa from the browser: allow its origins (set RASA_CORS to list partner sites too).
read -r -a cors <<< "${RASA_CORS:-http://localhost:$web_port http://127.0.0.1:$web_port}"
.venv/bin/rasa run --model models/current.tar.gz --interface "$iface" --port "${RASA_PORT:-5005}" \
  --credentials credentials.yml --endpoints "${RASA_ENDPOINTS:-endpoints.yml}" --cors "${cors[@]}" &
rasa=$!
PYTHONPATH=$PWD WEB_PORT=$web_port .venv/bin/python -m bot.web.server &
web=$!
trap 'kill $actions $rasa $web 2>/dev/null; wait; exit 0' INT TERM
echo "Starting: Rasa on http://$iface:${RASA_PORT:-5005}, actions on port ${ACTIONS_PORT:-5055}," \
  "the chat page on http://${WEB_INTERFACE:-127.0.0.1}:$web_port/. Ctrl-C stops them all."
wait -n $actions $rasa $web
kill $actions $rasa $web 2>/dev/null
wait
