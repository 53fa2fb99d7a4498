"""The alerts benchmark command: N saved searches against the synthetic seeds of the search
benchmark, timings as one JSON line."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command

from matching.models import SavedSearch

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("hashing_embedder")]


def test_benchmark_alerts_times_the_alert_task_next_to_a_plain_search():
    out = StringIO()
    call_command("benchmark_alerts", seeds=40, searches=5, changes=2, stdout=out)
    result = json.loads(out.getvalue().strip().splitlines()[-1])
    assert (result["seeds"], result["saved_searches"]) == (40, 5)
    assert 0 < result["alert_task_p50_s"] <= result["alert_task_max_s"]
    assert result["one_search_p50_ms"] > 0 and result["ratio_to_one_search"] > 0
    # Uncalibrated (hashing): every top-100 hit alerts, once per seed and saved search; the
    # fifth search filters on Kanto, where neither timed seed (Hokkaido, Tohoku) is.
    assert result["alerts"] == 8
    assert SavedSearch.objects.count() == 5
