"""/healthz is a cheap liveness probe; /readyz says whether the service can do its job (503 when
not), from the database, the broker, worker heartbeats, the outbox and embedding backlogs and
stalled rebuilds; the coordinator console shows the same report."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import OperationalError
from django.utils import timezone

from matching.models import MatchRun
from outbox.models import OutboxMessage, WorkerHeartbeat
from tests.factories import make_admin, make_org, make_seed, make_user

pytestmark = pytest.mark.django_db


def test_healthz_answers_without_touching_the_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert response.status_code == 200 and response.json() == {"status": "ok"}


def test_readyz_without_a_broker_is_ok_and_reports_every_check(client):
    response = client.get("/readyz")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["database"]["ok"] is True
    assert body["checks"]["broker"] == {"ok": True, "mode": "in-process"}
    assert set(body["checks"]) >= {"processes", "outbox", "embedding", "runs"}
    assert "rows" not in body["checks"]["processes"]  # no process names in the public probe


def test_readyz_is_503_when_the_database_does_not_answer(client, monkeypatch):
    from config import health

    def broken():
        raise OperationalError("could not connect to server")

    monkeypatch.setattr(health.connection, "cursor", broken)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["problems"][0] == "database_unreachable"


def test_readyz_is_503_when_the_broker_is_down(client, dead_broker):
    response = client.get("/readyz")
    assert response.status_code == 503
    assert "broker_unreachable" in response.json()["problems"]


def test_readyz_needs_a_live_worker_heartbeat_with_a_broker(client, redis_broker, settings):
    body = client.get("/readyz").json()
    assert "no_live_worker" in body["problems"]

    WorkerHeartbeat.objects.create(name="celery@a:1", kind="worker", seen_at=timezone.now())
    WorkerHeartbeat.objects.create(name="relay@a:2", kind="relay", seen_at=timezone.now())
    response = client.get("/readyz")
    assert response.status_code == 200, response.json()
    assert response.json()["checks"]["processes"] == {"worker": 1, "beat": 0, "relay": 1}

    stale = timezone.now() - timedelta(seconds=4 * settings.WORKER_HEARTBEAT_SECONDS)
    WorkerHeartbeat.objects.filter(kind="worker").update(seen_at=stale)
    assert client.get("/readyz").status_code == 503


def test_readyz_is_503_when_a_task_waits_for_the_broker_too_long_or_a_run_is_stalled(
    client, settings
):
    settings.HEALTH_MAX_BACKLOG_AGE_SECONDS = 60
    old = timezone.now() - timedelta(minutes=5)
    message = OutboxMessage.objects.create(task_name="matching.tasks.embed_subject")
    OutboxMessage.objects.filter(pk=message.pk).update(created_at=old)
    body = client.get("/readyz").json()
    assert body["status"] == "error"
    assert body["checks"]["outbox"]["pending"] == 1
    assert body["checks"]["outbox"]["oldest_pending_seconds"] >= 299
    assert body["problems"] == ["outbox_waiting"]

    message.delete()
    settings.MATCHING_RUN_STALL_SECONDS = 60
    run = MatchRun.objects.create(status=MatchRun.Status.RUNNING)
    MatchRun.objects.filter(pk=run.pk).update(progress_at=old)
    response = client.get("/readyz")
    assert response.status_code == 503 and response.json()["problems"] == ["runs_stalled"]


def test_readyz_reports_the_embedding_backlog_and_degrades_when_it_is_old(
    client, settings, hashing_embedder
):
    from matching.services.refresh import match_all
    from profiles.models import Seed

    seed = make_seed(org=make_org())
    match_all(sync=True)  # every row embedded
    assert client.get("/readyz").json()["checks"]["embedding"]["missing_vectors"] == 0

    settings.HEALTH_MAX_BACKLOG_AGE_SECONDS = 60
    late = make_seed(org=seed.organization)
    Seed.objects.filter(pk=late.pk).update(updated_at=timezone.now() - timedelta(minutes=10))
    response = client.get("/readyz")
    body = response.json()
    assert response.status_code == 200 and body["status"] == "degraded"
    assert body["warnings"] == ["embedding_behind"]
    assert body["checks"]["embedding"]["missing_vectors"] == 1
    assert body["checks"]["embedding"]["oldest_missing_seconds"] >= 599


def test_the_console_shows_the_same_report_to_coordinators_only(client):
    WorkerHeartbeat.objects.create(name="celery@host-a:7", kind="worker", seen_at=timezone.now())
    MatchRun.objects.create(status=MatchRun.Status.RUNNING, phase=MatchRun.Phase.SCORE)
    client.force_login(make_user(org=make_org()))
    assert client.get("/console/health/").status_code == 403

    client.force_login(make_admin())
    response = client.get("/console/health/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-status="ok"' in html
    assert "celery@host-a:7" in html
    assert "スコア計算" in html


def test_the_console_names_the_problems_in_the_readers_language(client, settings):
    settings.MATCHING_RUN_STALL_SECONDS = 60
    run = MatchRun.objects.create(status=MatchRun.Status.RUNNING)
    MatchRun.objects.filter(pk=run.pk).update(progress_at=timezone.now() - timedelta(hours=1))
    client.force_login(make_admin())
    html = client.get("/console/health/").content.decode()
    assert 'data-status="error"' in html and "止まっている再計算が 1 件あります。" in html
    client.cookies["django_language"] = "en"
    html = client.get("/console/health/").content.decode()
    assert "1 rebuild(s) have stalled." in html and "System health" in html
