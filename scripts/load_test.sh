#!/usr/bin/env bash
# The load test of issue 12 (docs/benchmark.md, "Load test"): 50 users (benchmarks/locustfile.py)
# over landing, seed list API, search, proposals, notifications and /healthz against gunicorn
# (2 workers x 4 threads) with 2 Celery worker processes, a beat, the outbox relay and a Redis of
# its own, on a THROW-AWAY database: first on a steady platform of 10k seeds, then during the
# embedding backlog of a 10k-seed import. Prints the tables, the RSS of the web processes and
# the load average. Bounded: every phase has a fixed duration; all processes are stopped at the
# end (by their process group).
#
#   LOAD_DATABASE_URL=postgres://postgres@127.0.0.1:5432/sangaku_load bash scripts/load_test.sh
#
# Options (environment): LOAD_PORT (8640), LOAD_REDIS_PORT (6381), LOAD_USERS (50),
# LOAD_SECONDS (60 per phase), LOAD_SEEDS (10000), LOAD_IMPORT (10000), LOAD_SKIP_SETUP (1 to
# reuse the platform of an earlier run), LOAD_WEB_WORKERS / LOAD_WEB_THREADS (gunicorn, 2 / 4),
# LOAD_WORKER_PROCESSES (Celery pool processes, 2; 0 starts no worker: the backlog then stays,
# which separates what the web itself pays for pending seeds from the workers' competition),
# LOAD_WEB_CPUS / LOAD_WORKER_CPUS (taskset CPU lists, e.g. 0 and 1: web and workers on cores of
# their own, as docker-compose's `cpuset` would do; unset: the scheduler decides).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
BIN=$(dirname "$PY")
: "${LOAD_DATABASE_URL:?set LOAD_DATABASE_URL to a throw-away database}"
PORT=${LOAD_PORT:-8640}
REDIS_PORT=${LOAD_REDIS_PORT:-6381}
USERS=${LOAD_USERS:-50}
SECONDS_PER_PHASE=${LOAD_SECONDS:-60}
SEEDS=${LOAD_SEEDS:-10000}
IMPORT=${LOAD_IMPORT:-10000}
WEB_WORKERS=${LOAD_WEB_WORKERS:-2}
WEB_THREADS=${LOAD_WEB_THREADS:-4}
WORKER_PROCESSES=${LOAD_WORKER_PROCESSES:-2}
OUT=test-artifacts/load
mkdir -p "$OUT"
INDEX_DIR=${LOAD_INDEX_DIR:-$OUT/index}

export DATABASE_URL=$LOAD_DATABASE_URL
export CELERY_BROKER_URL=redis://127.0.0.1:$REDIS_PORT/0 REDIS_URL=redis://127.0.0.1:$REDIS_PORT/1
export MATCHING_INDEX_DIR=$INDEX_DIR HF_HUB_OFFLINE=1 DEBUG=false SECRET_KEY=load-test-only
export ALLOWED_HOSTS=127.0.0.1,localhost
# The load test measures speed, not the throttles.
export API_THROTTLE_USER=10000000/hour API_THROTTLE_ANON=10000000/hour API_THROTTLE_BURST=1000000/minute
export LOAD_PASSWORD=${LOAD_PASSWORD:-load-Sangaku-2026} LOAD_ACCOUNTS=$USERS LOAD_USERS_PREFIX=load-user-
# Two worker processes of one thread each on this two-core machine (threads x processes = cores).
export MATCHING_WORKER_THREADS=1

PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill -TERM -- "-$pid" 2>/dev/null || true; done
  sleep 2
  for pid in "${PIDS[@]}"; do kill -KILL -- "-$pid" 2>/dev/null || true; done
}
trap cleanup EXIT

start() {  # start a command in its own process group, remember its id
  setsid "$@" >>"$OUT/processes.log" 2>&1 &
  PIDS+=($!)
}

load() { cut -d' ' -f1-3 /proc/loadavg; }

start redis-server --port "$REDIS_PORT" --save "" --appendonly no
for _ in $(seq 50); do redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && break; sleep 0.1; done

"$PY" manage.py migrate --noinput >/dev/null
if [ "${LOAD_SKIP_SETUP:-0}" != "1" ]; then
  echo "setup: $SEEDS seeds, $USERS accounts (load average $(load))"
  "$PY" manage.py benchmark_load_setup --seeds "$SEEDS" --accounts "$USERS"
fi
# Members already signed in (a sign-in is a deliberate password hash; see the locustfile).
"$PY" manage.py benchmark_load_setup --tokens "$OUT/tokens.txt"
export LOAD_TOKENS_FILE=$OUT/tokens.txt

WEB_PIN=(); WORKER_PIN=()
[ -n "${LOAD_WEB_CPUS:-}" ] && WEB_PIN=(taskset -c "$LOAD_WEB_CPUS")
[ -n "${LOAD_WORKER_CPUS:-}" ] && WORKER_PIN=(taskset -c "$LOAD_WORKER_CPUS")
start "${WEB_PIN[@]}" "$BIN/gunicorn" config.wsgi:application --bind "127.0.0.1:$PORT" --workers "$WEB_WORKERS" --threads "$WEB_THREADS" --timeout 60 --keep-alive 10
GUNICORN=${PIDS[-1]}
if [ "$WORKER_PROCESSES" != "0" ]; then
  start "${WORKER_PIN[@]}" "$BIN/celery" -A config worker --pool prefork --concurrency "$WORKER_PROCESSES" --loglevel WARNING
fi
start "$BIN/celery" -A config beat --loglevel WARNING --schedule "$OUT/celerybeat-schedule"
start "$PY" manage.py outbox_relay
for _ in $(seq 100); do curl -fsS "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && break; sleep 0.2; done

rss() {  # resident memory of the gunicorn workers: total, anonymous, file-backed (mapped), KiB
  for pid in $(pgrep -P "$GUNICORN"); do
    awk -v pid="$pid" '/^VmRSS|^RssAnon|^RssFile/ {printf "%s %s ", $1, $2} END {print "pid", pid}' "/proc/$pid/status"
  done
}

cpu() {  # CPU seconds (user + system) used so far by the gunicorn workers
  local ticks=0
  for pid in $(pgrep -P "$GUNICORN"); do
    ticks=$((ticks + $(awk '{print $14 + $15}' "/proc/$pid/stat")))
  done
  echo "scale=2; $ticks / $(getconf CLK_TCK)" | bc
}
requests() { awk -F, '$2 == "Aggregated" {print $3}' "$OUT/$1_stats.csv"; }

echo "== gunicorn $WEB_WORKERS workers x $WEB_THREADS threads (CPUs ${LOAD_WEB_CPUS:-any}), $WORKER_PROCESSES Celery processes (CPUs ${LOAD_WORKER_CPUS:-any}); web processes after boot"; rss | tee "$OUT/rss-boot.txt"
locust_run() {
  "$BIN/locust" -f benchmarks/locustfile.py --headless -u "$USERS" -r 10 -t "${SECONDS_PER_PHASE}s" \
    --host "http://127.0.0.1:$PORT" --csv "$OUT/$1" --only-summary >"$OUT/$1.log" 2>&1 || true
}

echo "== steady: $USERS users, ${SECONDS_PER_PHASE} s, load average before $(load)"
before=$(cpu)
locust_run steady
used=$(echo "$(cpu) - $before" | bc)
echo "load average after: $(load); web CPU $used s for $(requests steady) requests = $(echo "scale=1; 1000 * $used / $(requests steady)" | bc) ms per request"
echo "== web processes after the steady phase"; rss | tee "$OUT/rss-steady.txt"

echo "== import of $IMPORT seeds, then $USERS users during its embedding backlog"
"$PY" manage.py benchmark_load_setup --import "$IMPORT"
sleep 5
curl -sS "http://127.0.0.1:$PORT/readyz" | "$PY" -c 'import json,sys; e=json.load(sys.stdin)["checks"]["embedding"]; print("backlog at start:", e["missing_vectors"], "fan-out", e["fan_out"])'
echo "load average before: $(load)"
before=$(cpu)
locust_run during-import
used=$(echo "$(cpu) - $before" | bc)
echo "load average after: $(load); web CPU $used s for $(requests during-import) requests = $(echo "scale=1; 1000 * $used / $(requests during-import)" | bc) ms per request"
curl -sS "http://127.0.0.1:$PORT/readyz" | "$PY" -c 'import json,sys; e=json.load(sys.stdin)["checks"]["embedding"]; print("backlog at end:", e["missing_vectors"], "fan-out", e["fan_out"], "index", e["index"])'
echo "== web processes after the import phase"; rss | tee "$OUT/rss-import.txt"

"$PY" -m benchmarks.load_report "$OUT/steady" "$OUT/during-import" | tee "$OUT/report.md"
