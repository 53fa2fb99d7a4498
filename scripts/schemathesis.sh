#!/usr/bin/env bash
# The API against its own schema: a live server on a throw-away PostgreSQL database with the
# demo data, fuzzed by schemathesis (bounded by SCHEMATHESIS_SECONDS, default 240 s). Fails on
# any server error and on any response that contradicts /api/schema/ (status code, content
# type, body). Run by .ci/run; by hand: `bash scripts/schemathesis.sh`.
set -euo pipefail
cd "$(dirname "$0")/.."

py=.venv/bin/python
port=${SCHEMATHESIS_PORT:-8700}
seconds=${SCHEMATHESIS_SECONDS:-240}
db=${SCHEMATHESIS_DB:-sangaku_schemathesis}
pg=${SCHEMATHESIS_PG:-postgres://postgres@127.0.0.1:5432}
out=${SCHEMATHESIS_OUT:-test-artifacts/schemathesis}
mkdir -p "$out"

export DATABASE_URL="$pg/$db" MATCHING_EMBEDDER=hashing DEBUG=false SECRET_KEY=schemathesis-only-key
export ALLOWED_HOSTS=127.0.0.1,localhost OMP_WAIT_POLICY=PASSIVE OMP_NUM_THREADS=1
# Generous rates: the fuzzer is one client sending thousands of requests; throttling itself is
# tested in the suite. 429 is still a documented answer.
export API_THROTTLE_USER=100000/hour API_THROTTLE_ANON=100000/hour
unset CELERY_BROKER_URL REDIS_URL

psql "$pg/postgres" -qc "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db" >/dev/null
$py manage.py migrate --noinput >/dev/null
$py manage.py load_demo >/dev/null
token=$($py manage.py drf_create_token demo-company | awk '{print $3}')

$py manage.py runserver "127.0.0.1:$port" --noreload --insecure >"$out/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true; wait $server 2>/dev/null || true' EXIT
for _ in $(seq 1 60); do
  curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
  sleep 1
done

.venv/bin/schemathesis run "http://127.0.0.1:$port/api/schema/" \
  --header "Authorization: Token $token" \
  --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance \
  --phases examples,coverage,fuzzing \
  --max-time "$seconds" \
  --workers 2 \
  --request-timeout 30 \
  --suppress-health-check all \
  --report junit --report-dir "$out" --generation-database none --max-examples 30 \
  "$@"
