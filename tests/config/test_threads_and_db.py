"""config/threads.py (thread policy per process role) and config/db.py (planner statistics)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.db import connection

from config.db import analyze
from profiles.models import Seed
from tests.factories import make_seed

ROOT = settings.BASE_DIR

PROBE = """
import json, os, django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()
from config import threads
applied = threads.apply("{role}")
print(json.dumps({{"applied": applied, "omp": os.environ["OMP_NUM_THREADS"],
    "wait": os.environ["OMP_WAIT_POLICY"], "nice": os.nice(0),
    "idle": os.sched_getscheduler(0) == os.SCHED_IDLE}}))
"""


def _probe(role: str, **env) -> dict:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("OMP_", "OPENBLAS_"))}
    out = subprocess.run(
        [sys.executable, "-c", PROBE.format(role=role)],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
        env={**clean, **env, "PYTHONPATH": str(ROOT)},
        timeout=60,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


@pytest.mark.skipif(not hasattr(os, "SCHED_IDLE"), reason="Linux scheduling policy")
def test_a_worker_runs_idle_and_niced_a_web_process_neither():
    worker = _probe("worker", MATCHING_WORKER_THREADS="1")
    assert worker["idle"] is True and worker["applied"]["sched_idle"] is True
    assert worker["nice"] >= 10
    assert (worker["omp"], worker["wait"]) == ("1", "PASSIVE")
    web = _probe("web")
    assert web["idle"] is False and web["nice"] == os.nice(0)
    assert (web["omp"], web["wait"]) == ("1", "PASSIVE")
    off = _probe("worker", MATCHING_WORKER_SCHED_IDLE="false", MATCHING_WORKER_NICE="0")
    assert off["idle"] is False and off["nice"] == os.nice(0)


@pytest.mark.django_db
def test_analyze_refreshes_the_statistics_of_the_tables_it_is_given():
    if connection.vendor != "postgresql":
        assert analyze(Seed) is False
        return
    make_seed()
    assert analyze(Seed) is True
    with connection.cursor() as cursor:
        # Statistics of the table exist now (pg_stats has rows only after an ANALYZE).
        cursor.execute("SELECT count(*) FROM pg_stats WHERE tablename = %s", [Seed._meta.db_table])
        assert cursor.fetchone()[0] > 0
    assert analyze() is False
