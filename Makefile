# Sangaku Match: `make run` serves the embedded default with demo data; `make test` runs the suite.
# Both create .venv/ if it is missing. See README.md.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat requirements.txt requirements-dev.txt | sha1sum | cut -c1-12)

# The test suite runs against real PostgreSQL and Redis (see scripts/ensure_services.sh).
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/sangaku
TEST_BROKER_URL ?= redis://127.0.0.1:6379/15

.PHONY: run test faults venv lint migrate demo worker beat relay messages benchmark loadtest evaluate schemathesis clean

venv: $(STAMP)

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

# Embedded default: SQLite file db.sqlite3, Celery tasks in-process, demo data and demo users.
run: venv
	env -u CELERY_BROKER_URL -u REDIS_URL DEBUG=true $(PY) manage.py migrate --noinput
	env -u CELERY_BROKER_URL -u REDIS_URL DEBUG=true $(PY) manage.py load_demo
	env -u CELERY_BROKER_URL -u REDIS_URL DEBUG=true $(PY) manage.py runserver 127.0.0.1:8000

test: venv
	bash scripts/ensure_services.sh
	bash scripts/ensure_chromium.sh
	DATABASE_URL=$(TEST_DATABASE_URL) SANGAKU_TEST_BROKER_URL=$(TEST_BROKER_URL) \
		$(PY) -m pytest $(PYTEST_ARGS)

# The fault drill (docs/reliability.md): kill -9 of workers, Redis shutdown nosave, database
# connections cut; its own Redis and processes, bounded (FAULT_DRILL_TIMEOUT, default 420 s).
faults: venv
	bash scripts/ensure_services.sh
	DATABASE_URL=$(TEST_DATABASE_URL) PY=$(PY) bash scripts/fault_drill.sh $(PYTEST_ARGS)

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	env -u CELERY_BROKER_URL -u REDIS_URL $(PY) manage.py makemigrations --check --dry-run
	env -u CELERY_BROKER_URL -u REDIS_URL $(PY) manage.py spectacular --validate --fail-on-warn --file /dev/null

# Real Celery pieces, for running the production layout without Docker (see README).
worker: venv
	$(VENV)/bin/celery -A config worker --loglevel=info --concurrency=2

beat: venv
	$(VENV)/bin/celery -A config beat --loglevel=info

relay: venv
	$(PY) manage.py outbox_relay

# Translation catalogues: Japanese source strings, English in locale/<area>/en/LC_MESSAGES.
messages:
	for po in locale/*/en/LC_MESSAGES/django.po; do [ -f $$po ] || continue; msgfmt --check -o $${po%.po}.mo $$po; done

benchmark: venv
	$(PY) manage.py benchmark_matching

# The load test (docs/benchmark.md): 50 users during and after a 10k-seed import, on a throw-away
# database (LOAD_DATABASE_URL), with its own gunicorn, workers and Redis; bounded (LOAD_SECONDS).
loadtest: venv
	LOAD_DATABASE_URL=$${LOAD_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/sangaku_load} PY=$(PY) bash scripts/load_test.sh

evaluate: venv
	bash scripts/evaluate_dev.sh

# The API against its own OpenAPI schema on a live server (PostgreSQL), bounded in time.
schemathesis: venv
	bash scripts/ensure_services.sh
	bash scripts/schemathesis.sh

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles test-artifacts
