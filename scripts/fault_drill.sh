#!/usr/bin/env bash
# The fault drill (docs/reliability.md): kills a real Celery worker (kill -9, 10 times during
# rebuilds), stops a Redis of its own with `shutdown nosave` while 50 changes wait in it, cuts
# this test database's PostgreSQL connections while gunicorn and the worker are busy, and
# times writes made while Redis is down. pytest tests marked `faults` (tests/faults/), against
# DATABASE_URL (pytest-django creates test_<name>); Redis and every process are started here.
#
#   DATABASE_URL=postgres://postgres@127.0.0.1:5432/sangaku bash scripts/fault_drill.sh
#
# Bounded: the whole drill is stopped after FAULT_DRILL_TIMEOUT seconds (default 420). Ports:
# FAULT_DRILL_REDIS_PORTS / FAULT_DRILL_WEB_PORTS ("6390-6399") or any free port. Figures:
# test-artifacts/fault-drill.json, one line per scenario, printed at the end.
set -euo pipefail
cd "$(dirname "$0")/.."

PY=${PY:-.venv/bin/python}
export DATABASE_URL=${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/sangaku}
FIGURES=${FAULT_DRILL_FIGURES:-test-artifacts/fault-drill.json}
export FAULT_DRILL_FIGURES=$FIGURES
command -v redis-server >/dev/null || { echo "fault drill: redis-server is not installed" >&2; exit 1; }

echo "fault drill: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $(date -u +%FT%TZ)"
rm -f "$FIGURES"
start=$(date +%s)
status=0
timeout --kill-after=30 "${FAULT_DRILL_TIMEOUT:-420}" \
  "$PY" -m pytest -p no:cacheprovider -q -m faults tests/faults "$@" || status=$?
echo "fault drill: $(( $(date +%s) - start )) s, exit $status"
if [ -f "$FIGURES" ]; then
  "$PY" - "$FIGURES" <<'PYEOF'
import json, sys
for line in json.load(open(sys.argv[1])):
    print(" ", json.dumps(line, ensure_ascii=False))
PYEOF
fi
exit $status
