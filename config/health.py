"""Health probes for load balancers, docker-compose and the coordinator console.

- `GET /healthz`: liveness. The process answers; nothing else is touched (a database or broker
  outage must not make an orchestrator restart healthy web processes).
- `GET /readyz`: readiness, "can the service do its job": the database answers, the broker
  answers (when one is configured), at least one Celery worker beats, no outbox row has waited
  for the broker longer than HEALTH_MAX_BACKLOG_AGE_SECONDS, and no rebuild is stalled. 200
  with `"status": "ok"` (or `"degraded"`: backlogs older than that limit, which the service
  is working through), 503 with `"status": "error"` and the problems otherwise, as stable codes
  (`database_unreachable`, `broker_unreachable`, `no_live_worker`, `outbox_waiting`,
  `runs_stalled`; warnings `no_relay`, `outbox_behind`, `embedding_behind`). The JSON holds
  counts, ages and booleans only (it is public): process names are on the console page.

`readiness_report()` is what both the probe and the console (`/console/health/`) show.
"""

from __future__ import annotations

import json
import time
from datetime import timedelta

from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.utils import timezone

LIVE = {"status": "ok"}


def healthz(request):
    return JsonResponse(LIVE)


def answer_liveness_first(app):
    """The WSGI application, with `GET /healthz` answered before Django: the same answer as
    the view above, without the middleware (sessions, locale, lockout, ~2 ms of CPU under the
    GIL). Under load a probe then needs one slice of the interpreter instead of several, so it
    is not queued behind the searches of the other threads of its process (docs/benchmark.md,
    issue 12). Every other request, and /healthz in tests, goes through Django."""
    body = json.dumps(LIVE).encode()
    headers = [
        ("Content-Type", "application/json"),
        ("Content-Length", str(len(body))),
        ("Cache-Control", "no-store"),
    ]

    def application(environ, start_response):
        if environ.get("PATH_INFO") == "/healthz" and environ.get("REQUEST_METHOD") in (
            "GET",
            "HEAD",
        ):
            start_response("200 OK", headers)
            return [b""] if environ["REQUEST_METHOD"] == "HEAD" else [body]
        return app(environ, start_response)

    return application


def _seconds_since(moment) -> float | None:
    return None if moment is None else round((timezone.now() - moment).total_seconds(), 1)


def _database() -> dict:
    started = time.monotonic()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any database failure means "not ready"
        connection.close()
        return {"ok": False, "error": type(exc).__name__}
    return {"ok": True, "ms": round(1000 * (time.monotonic() - started), 1)}


def _processes(detail: bool) -> dict:
    from outbox.models import WorkerHeartbeat

    fresh = timezone.now() - timedelta(seconds=3 * settings.WORKER_HEARTBEAT_SECONDS)
    rows = list(WorkerHeartbeat.objects.filter(seen_at__gte=fresh).order_by("kind", "name"))
    out = {
        kind: sum(1 for r in rows if r.kind == kind)
        for kind in WorkerHeartbeat.Kind.values  # worker, beat, relay
    }
    if detail:
        out["rows"] = list(WorkerHeartbeat.objects.order_by("kind", "name")[:50])
        out["fresh_after"] = fresh
    return out


def _outbox() -> dict:
    from django.db.models import Count, Min

    from outbox.models import OutboxMessage

    S = OutboxMessage.Status
    open_rows = OutboxMessage.objects.filter(status__in=[S.PENDING, S.SENT])
    by_status = dict(
        open_rows.order_by()
        .values_list("status")
        .annotate(n=Count("id"))
        .values_list("status", "n")
    )
    oldest_pending = OutboxMessage.objects.filter(status=S.PENDING).aggregate(m=Min("created_at"))[
        "m"
    ]
    oldest_open = open_rows.aggregate(m=Min("created_at"))["m"]
    day_ago = timezone.now() - timedelta(days=1)
    return {
        "pending": by_status.get(S.PENDING, 0),
        "sent": by_status.get(S.SENT, 0),
        "failed_24h": OutboxMessage.objects.filter(
            status=S.FAILED, finished_at__gte=day_ago
        ).count(),
        "oldest_pending_seconds": _seconds_since(oldest_pending),
        "oldest_unfinished_seconds": _seconds_since(oldest_open),
    }


def _embedding() -> dict:
    from django.db.models import Min

    from matching.services.embedding import embedding_backlog
    from outbox.models import OutboxMessage

    backlog = embedding_backlog()
    queued = OutboxMessage.objects.filter(
        task_name="matching.tasks.embed_subject",
        status__in=[OutboxMessage.Status.PENDING, OutboxMessage.Status.SENT],
    )
    return {
        "missing_vectors": backlog["missing"],
        "oldest_missing_seconds": _seconds_since(backlog["oldest"]),
        "queued": queued.count(),
        "oldest_queued_seconds": _seconds_since(queued.aggregate(m=Min("created_at"))["m"]),
        "fan_out": _fan_out(),
        "index": _index(backlog["model_id"]),
    }


def _fan_out() -> dict | None:
    """The running embedding fan-out (a bulk import or a model switch): chunks done of all."""
    from matching.models import MatchRun

    run = (
        MatchRun.objects.filter(
            kind=MatchRun.Kind.REEMBED,
            status__in=[MatchRun.Status.PENDING, MatchRun.Status.RUNNING],
        )
        .order_by("-created_at")
        .first()
    )
    if run is None:
        return None
    return {
        "done_chunks": run.done_chunks,
        "total_chunks": run.total_chunks,
        "percent": round(100 * run.progress, 1),
        "started_seconds": _seconds_since(run.started_at),
    }


def _index(model_id: str) -> dict:
    """The published search index of the active model: its size and age (the pointer file)."""
    import time

    from matching.services.search_index import index_dir, read_pointer

    pointer = read_pointer(index_dir(model_id)) if model_id else None
    if pointer is None:
        return {"published": False}
    return {
        "published": True,
        "seeds": pointer.get("n"),
        "age_seconds": round(time.time() - pointer.get("built_at", 0), 1),
    }


def _runs() -> dict:
    from matching.models import MatchRun

    active = MatchRun.objects.filter(
        kind=MatchRun.Kind.FULL, status__in=[MatchRun.Status.PENDING, MatchRun.Status.RUNNING]
    ).order_by("-created_at")
    # Silent for twice the stall time: the sweep should have resumed it by now.
    cutoff = timezone.now() - timedelta(seconds=2 * settings.MATCHING_RUN_STALL_SECONDS)
    stalled = [
        r.pk for r in active if (r.progress_at or r.created_at) < cutoff
    ]  # few rows: at most a handful of active runs exist
    latest = active.first()
    return {
        "active": active.count(),
        "stalled": len(stalled),
        "latest_progress_seconds": _seconds_since(latest.progress_at if latest else None),
    }


def readiness_report(*, detail: bool = False) -> dict:
    """Every check, the problems that make the service unable to work (503) and the warnings,
    as stable codes (`describe` turns them into sentences for people)."""
    from outbox.broker import broker_ping, eager

    checks: dict = {"database": _database()}
    problems: list[str] = []
    warnings: list[str] = []
    with_broker = not eager()
    if with_broker:
        ok, detail_text = broker_ping()
        checks["broker"] = {"ok": ok} if ok else {"ok": False, "error": detail_text}
        if not ok:
            problems.append("broker_unreachable")
    else:
        checks["broker"] = {"ok": True, "mode": "in-process"}
    if not checks["database"]["ok"]:
        problems.insert(0, "database_unreachable")
        return {"status": "error", "problems": problems, "warnings": warnings, "checks": checks}
    limit = settings.HEALTH_MAX_BACKLOG_AGE_SECONDS
    try:
        checks["processes"] = _processes(detail)
        checks["outbox"] = _outbox()
        checks["embedding"] = _embedding()
        checks["runs"] = _runs()
    except Exception as exc:  # the database went away between the checks
        connection.close()
        checks["database"] = {"ok": False, "error": type(exc).__name__}
        problems.insert(0, "database_unreachable")
        return {"status": "error", "problems": problems, "warnings": warnings, "checks": checks}
    if with_broker and checks["processes"]["worker"] == 0:
        problems.append("no_live_worker")
    if with_broker and not (checks["processes"]["relay"] or checks["processes"]["beat"]):
        warnings.append("no_relay")
    pending_age = checks["outbox"]["oldest_pending_seconds"]
    if pending_age is not None and pending_age > limit:
        problems.append("outbox_waiting")
    open_age = checks["outbox"]["oldest_unfinished_seconds"]
    if open_age is not None and open_age > limit:
        warnings.append("outbox_behind")
    missing_age = checks["embedding"]["oldest_missing_seconds"]
    if missing_age is not None and missing_age > limit:
        warnings.append("embedding_behind")
    if checks["runs"]["stalled"]:
        problems.append("runs_stalled")
    status = "error" if problems else ("degraded" if warnings else "ok")
    return {"status": status, "problems": problems, "warnings": warnings, "checks": checks}


def describe(report: dict) -> dict[str, list[str]]:
    """The report's problems and warnings as sentences in the reader's language."""
    from django.utils.translation import gettext as _

    checks = report["checks"]
    outbox = checks.get("outbox", {})
    embedding = checks.get("embedding", {})
    texts = {
        "database_unreachable": _("データベースに接続できません。"),
        "broker_unreachable": _("メッセージブローカーに接続できません。"),
        "no_live_worker": _("稼働中のワーカーがありません。"),
        "no_relay": _("送信リレーも定期実行も稼働していません。"),
        "outbox_waiting": _("タスクが %(s)s 秒間ブローカーへの送信を待っています。")
        % {"s": outbox.get("oldest_pending_seconds")},
        "outbox_behind": _("最も古い未完了のタスクは %(s)s 秒前のものです。")
        % {"s": outbox.get("oldest_unfinished_seconds")},
        "embedding_behind": _("ベクトルのない行が %(n)s 件あり、最も古い変更は %(s)s 秒前です。")
        % {
            "n": embedding.get("missing_vectors"),
            "s": embedding.get("oldest_missing_seconds"),
        },
        "runs_stalled": _("止まっている再計算が %(n)s 件あります。")
        % {"n": checks.get("runs", {}).get("stalled")},
    }
    return {
        "problems": [texts.get(code, code) for code in report["problems"]],
        "warnings": [texts.get(code, code) for code in report["warnings"]],
    }


def readyz(request):
    report = readiness_report()
    return JsonResponse(report, status=503 if report["status"] == "error" else 200)
