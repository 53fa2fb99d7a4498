"""The search benchmark command: synthetic seeds with stored vectors, timings as one JSON line."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command

from matching.models import EmbeddingVector
from profiles.models import Seed

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("hashing_embedder")]


def test_benchmark_search_creates_seeds_once_and_reports_percentiles():
    out = StringIO()
    call_command("benchmark_search", seeds=60, queries=4, dim=64, orgs=8, stdout=out)
    result = json.loads(out.getvalue().strip().splitlines()[-1])
    assert result["seeds"] == 60
    assert result["queries"] == 4
    assert 0 < result["p50_ms"] <= result["p95_ms"] <= result["max_ms"]
    assert result["index"] and result["build_s"] >= 0 and result["rss_after_mib"]["VmRSS"] > 0
    assert EmbeddingVector.objects.filter(kind="seed", model_id__endswith=":64").count() == 60

    call_command("benchmark_search", seeds=60, queries=2, dim=64, orgs=8, stdout=StringIO())
    assert Seed.objects.filter(key__startswith="bench-search-seed-").count() == 60
