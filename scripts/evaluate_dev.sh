#!/usr/bin/env bash
# Offline evaluation on the development set (../shared/data), exactly as docs/catalog.md
# describes: a throw-away SQLite database, import, match in-process, evaluate.
set -euo pipefail
cd "$(dirname "$0")/.."
data=${DATA_DIR:-../shared/data}
if [ ! -f "$data/dev_catalog.json" ] || [ ! -f "$data/dev_gold.json" ]; then
  echo "make evaluate: the development set is not here ($data/dev_catalog.json and dev_gold.json)." >&2
  echo "It lives outside the repository (next to it, in ../shared/data); set DATA_DIR to its folder." >&2
  exit 2
fi
db=$(mktemp -u /tmp/sangaku-eval-XXXX.db)
trap 'rm -f "$db"' EXIT
export DATABASE_URL="sqlite:///$db" HF_HUB_OFFLINE=1
unset CELERY_BROKER_URL REDIS_URL
py=.venv/bin/python
$py manage.py migrate --noinput >/dev/null
$py manage.py import_catalog "$data/dev_catalog.json"
time $py manage.py match_all --sync
$py manage.py evaluate_matching "$data/dev_gold.json"
