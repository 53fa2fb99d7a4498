"""The load test's scenario (benchmarks/locustfile.py) runs for a few seconds against a live
server: every route answers without a failure. A smoke test only: the figures come from
`make loadtest` (docs/benchmark.md), never from this test."""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from profiles.choices import MemberRole, OrgKind
from tests.factories import make_org, make_seed, make_user, publish_search_index

ROOT = Path(__file__).resolve().parents[2]
LOCUST = shutil.which("locust", path=str(Path(sys.executable).parent)) or shutil.which("locust")


@pytest.mark.skipif(LOCUST is None, reason="locust is not installed (requirements-dev.txt)")
@pytest.mark.django_db(transaction=True)
def test_the_load_scenario_runs_every_route_without_a_failure(live_server, tmp_path, settings):
    company = make_org(kind=OrgKind.COMPANY)
    for i in range(3):
        make_user(
            org=company,
            username=f"smoke-user-{i}",
            password="smoke-pass-2026",
            role=MemberRole.STAFF,
        )
    university = make_org(kind=OrgKind.UNIVERSITY)
    for i in range(12):
        make_seed(org=university, title=f"全固体電池の固体電解質 {i}", summary="全固体電池")
    publish_search_index()

    env = {
        **os.environ,
        "LOAD_USERS_PREFIX": "smoke-user-",
        "LOAD_PASSWORD": "smoke-pass-2026",
        "LOAD_ACCOUNTS": "3",
        "LOAD_SMOKE": "1",
    }
    out = subprocess.run(
        [
            LOCUST,
            "-f",
            "benchmarks/locustfile.py",
            "--headless",
            "-u",
            "3",
            "-r",
            "3",
            "-t",
            "4s",
            "--host",
            live_server.url,
            "--csv",
            str(tmp_path / "smoke"),
            "--only-summary",
            "--exit-code-on-error",
            "1",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-3000:]
    with open(tmp_path / "smoke_stats.csv", newline="") as handle:
        stats = {row["Name"]: row for row in csv.DictReader(handle)}
    for name in ("sign in (token)", "landing", "search", "seed list API", "proposals", "/healthz"):
        assert int(stats[name]["Request Count"]) >= 1, name
        assert int(stats[name]["Failure Count"]) == 0, name
    assert int(stats["Aggregated"]["Failure Count"]) == 0
