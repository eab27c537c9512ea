#!/usr/bin/env bash
# Start the action server (5055), Rasa (5005, REST channel) and the chat page (8080)
# in the foreground. Ctrl-C stops them all. Loopback only unless RASA_INTERFACE says otherwise.
# Each runs under a small supervisor: if one dies (a crash, a kill), it is started again
# within a couple of seconds and the others keep serving. Safety answers are static
# responses of the Rasa server, so they never wait for the action server.
set -uo pipefail
cd "$(dirname "$0")/.."
mkdir -p var
iface=${RASA_INTERFACE:-127.0.0.1}
web_port=${WEB_PORT:-8080}
# The chat page's widget calls Rasa from the browser: allow its origins (set RASA_CORS to list partner sites too).
read -r -a cors <<< "${RASA_CORS:-http://localhost:$web_port http://127.0.0.1:$web_port}"

# keep NAME COMMAND...: run COMMAND, and start it again whenever it exits, until stopped.
# The child's pid is written to var/NAME.pid so a test (or an operator) can find it.
keep() {
  local name=$1; shift
  while true; do
    "$@" &
    echo $! > "var/$name.pid"
    wait $!
    echo "run.sh: $name stopped (exit $?); starting it again" >&2
    sleep 1
  done
}

keep actions env SANIC_HOST="${ACTIONS_INTERFACE:-127.0.0.1}" \
  .venv/bin/rasa run actions --actions actions --port "${ACTIONS_PORT:-5055}" &
sup_actions=$!
keep rasa .venv/bin/rasa run --model models/current.tar.gz --interface "$iface" --port "${RASA_PORT:-5005}" \
  --credentials credentials.yml --endpoints "${RASA_ENDPOINTS:-endpoints.yml}" --cors "${cors[@]}" &
sup_rasa=$!
keep web env PYTHONPATH="$PWD" WEB_PORT="$web_port" .venv/bin/python -m bot.web.server &
sup_web=$!

stop() {
  kill $sup_actions $sup_rasa $sup_web 2>/dev/null
  for name in actions rasa web; do [ -f "var/$name.pid" ] && kill "$(cat "var/$name.pid")" 2>/dev/null; done
  wait
  exit 0
}
trap stop INT TERM
echo "Starting: Rasa on http://$iface:${RASA_PORT:-5005}, actions on port ${ACTIONS_PORT:-5055}," \
  "the chat page on http://${WEB_INTERFACE:-127.0.0.1}:$web_port/. Ctrl-C stops them all."
wait
