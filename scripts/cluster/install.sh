#!/usr/bin/env bash
# Install what the loopback cluster needs from Debian's packages, only if missing:
# PostgreSQL (tracker store), Redis (lock store) and nginx (sticky routing in front).
# Services are not started by the packages (RUNLEVEL=1): scripts/cluster/cluster.py runs
# its own instances in var/cluster/ on loopback ports.
set -euo pipefail
need=()
ls -d /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
command -v redis-server >/dev/null || need+=(redis-server)
command -v nginx >/dev/null || need+=(nginx)
if (( ${#need[@]} )); then
  echo "installing: ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive RUNLEVEL=1
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
echo "cluster tools: $(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1), $(redis-server --version | cut -d' ' -f1-3), $(nginx -v 2>&1)"
