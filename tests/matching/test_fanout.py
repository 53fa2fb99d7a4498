"""Embedding fan-out (issue 12): a bulk import is embedded in chunks, one task per chunk, with
its progress on /readyz and the coordinator's health page; its end publishes the search index
and starts one rebuild."""

from __future__ import annotations

import pytest
from django.urls import reverse

from matching.models import EmbeddingVector, MatchRun, MatchScore
from matching.services.fanout import embed_chunk_run, embedding_fan_out
from profiles.choices import OrgKind
from profiles.services.imports import catalog_import
from tests.factories import make_admin, make_need, make_org, make_seed

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("hashing_embedder")]


def _catalog(n: int) -> dict:
    return {
        "format": "catalog/1",
        "organizations": [
            {"key": "u-fan", "kind": "university", "name": "扇大学", "prefecture": "宮城県"},
            {"key": "c-fan", "kind": "company", "name": "扇株式会社", "prefecture": "大阪府"},
        ],
        "seeds": [
            {
                "key": f"s-fan-{i}",
                "organization": "u-fan",
                "title": f"全固体電池の研究 {i}",
                "summary": f"固体電解質 {i} 番の試料",
                "keywords": ["電池"],
                "trl": 4,
            }
            for i in range(n)
        ],
        "needs": [
            {
                "key": "n-fan",
                "organization": "c-fan",
                "title": "電池の安全性",
                "description": "全固体電池の固体電解質",
            }
        ],
    }


def test_a_bulk_import_is_embedded_in_chunks_and_ends_in_one_rebuild(
    settings, django_capture_on_commit_callbacks
):
    settings.MATCHING_EMBED_CHUNK = 16
    settings.MATCHING_SWEEP_REBUILD_ABOVE = 20
    with django_capture_on_commit_callbacks(execute=True):
        report = catalog_import(data=_catalog(100), embed=True)
    assert report.created["seeds"] == 100

    fan_out = MatchRun.objects.get(kind=MatchRun.Kind.REEMBED)
    assert fan_out.status == MatchRun.Status.DONE
    # 100 seeds in chunks of 16 (7) and the need (1): one task per chunk.
    assert fan_out.total_chunks == fan_out.done_chunks == 8
    assert sorted(len(c.need_ids) for c in fan_out.chunks.all()) == [1, 4, 16, 16, 16, 16, 16, 16]
    assert EmbeddingVector.objects.filter(kind="seed").count() == 100
    rebuild = MatchRun.objects.get(kind=MatchRun.Kind.FULL)
    assert rebuild.status == MatchRun.Status.DONE and rebuild.corpus_version
    assert MatchScore.objects.filter(need__key="n-fan").count() == 50


def test_a_few_rows_are_refreshed_one_by_one(settings, django_capture_on_commit_callbacks):
    university = make_org(kind=OrgKind.UNIVERSITY)
    need = make_need(org=make_org(kind=OrgKind.COMPANY), description="全固体電池")
    seeds = [make_seed(org=university, summary=f"全固体電池 {i}") for i in range(3)]
    rows = [("seed", s.id) for s in seeds] + [("need", need.id)]
    with django_capture_on_commit_callbacks(execute=True):
        run = embedding_fan_out(rows=rows)
    run.refresh_from_db()
    assert run.status == MatchRun.Status.DONE
    assert not MatchRun.objects.filter(kind=MatchRun.Kind.FULL).exists()
    assert MatchScore.objects.filter(need=need).count() == 3


def test_a_chunk_delivered_twice_embeds_once_and_a_second_fan_out_joins_the_running_one(
    settings, monkeypatch
):
    settings.MATCHING_EMBED_CHUNK = 2
    university = make_org(kind=OrgKind.UNIVERSITY)
    seeds = [make_seed(org=university, summary=f"水素触媒 {i}") for i in range(5)]
    run = embedding_fan_out(rows=[("seed", s.id) for s in seeds[:3]])  # nothing runs: no commit
    assert run.total_chunks == 2
    again = embedding_fan_out(rows=[("seed", s.id) for s in seeds])
    assert again.pk == run.pk and again.total_chunks == 3  # only seeds 4 and 5 were added
    assert not embed_chunk_run(run_id=run.pk, number=0)
    assert not embed_chunk_run(run_id=run.pk, number=0)  # a second delivery changes nothing
    run.refresh_from_db()
    assert run.done_chunks == 1
    assert EmbeddingVector.objects.filter(kind="seed").count() == 2


def test_the_backlog_and_the_fan_out_progress_are_on_readyz_and_the_health_page(client):
    run = MatchRun.objects.create(
        kind=MatchRun.Kind.REEMBED, status=MatchRun.Status.RUNNING, total_chunks=10, done_chunks=3
    )
    make_seed(org=make_org(kind=OrgKind.UNIVERSITY))  # published, no vector yet
    body = client.get("/readyz").json()
    assert body["checks"]["embedding"]["fan_out"]["percent"] == 30.0
    assert body["checks"]["embedding"]["missing_vectors"] == 1
    client.force_login(make_admin())
    html = client.get(reverse("console_health")).content.decode()
    assert 'data-testid="fan-out-bar"' in html and 'value="3"' in html and "3/10" in html
    run.status = MatchRun.Status.DONE
    run.save()
    assert client.get("/readyz").json()["checks"]["embedding"]["fan_out"] is None
