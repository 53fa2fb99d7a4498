"""The fault drill: a real PostgreSQL (the test database), a Redis started here on its own port,
real Celery worker, beat and relay processes, and gunicorn; parts are killed on purpose.

1. `kill -9` of the whole worker at random points of a rebuild, 10 times: every run completes
   with the proposals of a clean run, none duplicated.
2. Redis stopped with `shutdown nosave` while 50 changes wait in it: all 50 are embedded and
   matched after Redis returns (the relay sends what the broker lost), and (4) writes made
   while Redis is down answer in under a second.
3. PostgreSQL connections cut (`pg_terminate_backend`, this test database's only) while web and
   worker are busy: both recover without a restart.

Run with `-m faults` (scripts/fault_drill.sh; `.ci/run` runs it as its own bounded step).
Figures: test-artifacts/fault-drill.json, docs/reliability.md.
"""

from __future__ import annotations

import json
import random
import threading
import time

import pytest
from django.db import connection
from django.utils import timezone

from matching.models import EmbeddingVector, MatchRun, MatchScore
from outbox.models import OutboxMessage
from tests.faults.conftest import (
    duplicate_proposals,
    make_world,
    proposals,
    record,
    start_rebuild,
)
from tests.faults.stack import Http, wait_for

pytestmark = [pytest.mark.faults, pytest.mark.usefixtures("hashing_embedder")]

RUN_DEADLINE = 60.0


def _run(run_id: int) -> MatchRun:
    return MatchRun.objects.get(pk=run_id)


def _finished(run_id: int) -> MatchRun | None:
    run = _run(run_id)
    return run if run.status in (MatchRun.Status.DONE, MatchRun.Status.FAILED) else None


def _wait_run(stack, run_id: int, what: str) -> MatchRun:
    try:
        run = wait_for(lambda: _finished(run_id), timeout=RUN_DEADLINE, what=what)
    except AssertionError as exc:
        raise AssertionError(f"{exc}\n--- worker\n{stack.log('worker')}") from None
    assert run.status == MatchRun.Status.DONE, run.error
    return run


def _clean_run(stack, *, before=None) -> tuple[set, float]:
    """A rebuild with nothing killed: the proposals every other run must end with."""
    started = time.monotonic()
    run = start_rebuild(before=before)
    _wait_run(stack, run.pk, "the clean rebuild")
    expected = proposals()
    assert expected and duplicate_proposals() == 0
    return expected, time.monotonic() - started


def _worker_ready(stack):
    from outbox.models import WorkerHeartbeat

    return WorkerHeartbeat.objects.filter(kind="worker", name__startswith=f"drill{stack.workers}@")


def _progress(run: MatchRun, chunks: int) -> int:
    """Where a rebuild is, as one number: 0 pending, 1 start, 2 + k after k chunks scored,
    2 + chunks finish, 3 + chunks done (or failed)."""
    if run.status in (MatchRun.Status.DONE, MatchRun.Status.FAILED):
        return 3 + chunks
    if run.status == MatchRun.Status.PENDING:
        return 0
    if run.phase == MatchRun.Phase.START:
        return 1
    if run.phase == MatchRun.Phase.SCORE:
        return 2 + run.done_chunks
    return 2 + chunks


def test_kill_9_of_the_whole_worker_at_random_points_of_a_rebuild_10_times(stack):
    stack.start_beat()
    stack.start_worker()
    wait_for(lambda: _worker_ready(stack).exists(), timeout=60, what="the first worker")
    first, _ = _clean_run(stack, before=make_world)  # embeds the catalogue
    expected, clean_seconds = _clean_run(stack)
    assert first == expected  # two clean runs agree
    chunks = _run(MatchRun.objects.latest("id").pk).total_chunks
    record("kill9-clean", seconds=round(clean_seconds, 2), proposals=len(expected), chunks=chunks)
    # Ten random points of a rebuild, always including the start and the finish: the worker
    # dies as soon as the run reaches the point (polled every 10 ms).
    rng = random.Random(20261201)
    middle = rng.sample([0, *range(2, 2 + chunks)], 8)
    points = sorted([1, 2 + chunks, *middle])
    rng.shuffle(points)
    stalled = lost = duplicated = mismatched = missed = 0
    for trial, point in enumerate(points, start=1):
        run = start_rebuild()
        started = time.monotonic()
        reached = wait_for(
            lambda run_id=run.pk, point=point: _progress(_run(run_id), chunks) >= point,
            timeout=30,
            what=f"run {run.pk} to reach point {point}",
            interval=0.01,
        )
        assert reached
        kill_after = time.monotonic() - started
        at_kill = _run(run.pk)
        stack.kill_worker()
        missed += int(_progress(at_kill, chunks) > 2 + chunks)  # it ended before the kill
        restarted = time.monotonic()
        stack.start_worker()
        try:
            done = _wait_run(stack, run.pk, f"run {run.pk} after kill {trial}")
        except AssertionError:
            stalled += 1
            raise
        got = proposals()
        duplicated += duplicate_proposals()
        mismatched += int(got != expected)
        lost += len(expected - got)
        record(
            "kill9",
            trial=trial,
            run=run.pk,
            point=point,
            killed_after_s=round(kill_after, 2),
            phase_at_kill=f"{at_kill.status}/{at_kill.phase}",
            chunks_at_kill=f"{at_kill.done_chunks}/{at_kill.total_chunks}",
            completed_after_restart_s=round(time.monotonic() - restarted, 2),
            total_s=round(time.monotonic() - started, 2),
            resumes=done.resumes,
            proposals=len(got),
            same_as_clean=got == expected,
        )
        assert got == expected, (
            f"trial {trial}: missing {sorted(expected - got)}, extra {sorted(got - expected)}"
        )
    record(
        "kill9-summary",
        runs=10,
        stalled=stalled,
        proposals_lost=lost,
        duplicates=duplicated,
        runs_differing_from_clean=mismatched,
        kills_after_the_run_had_ended=missed,
    )
    assert stalled == lost == duplicated == mismatched == 0


def _token_client(stack) -> Http:
    """An HTTP client to gunicorn as a company member, with an API token."""
    from rest_framework.authtoken.models import Token

    from profiles.choices import OrgKind
    from tests.factories import make_org, make_user

    user = make_user(org=make_org(kind=OrgKind.COMPANY))
    return Http(stack.web, Token.objects.create(user=user).key)


def _timed(call) -> tuple[int, float]:
    started = time.monotonic()
    status, _ = call()
    return status, time.monotonic() - started


def test_redis_shutdown_nosave_with_50_changes_waiting_loses_none_and_writes_stay_fast(stack):
    from profiles.choices import OrgKind
    from profiles.services.catalog import need_create, need_publish
    from tests.factories import make_org, make_user

    # The stale sweep is off: whatever is embedded and matched after the outage came through
    # the outbox relay, not the sweep.
    stack.start_beat(sweep_seconds=3600)
    stack.start_worker()
    stack.start_web()
    wait_for(lambda: _worker_ready(stack).exists(), timeout=60, what="the worker")
    # Every seed gets its vector: new needs can be matched.
    _clean_run(stack, before=lambda: make_world(seeds=40, needs=10))
    http = _token_client(stack)
    for _ in range(4):  # a running service: both gunicorn processes have served requests
        http.post("/api/needs/", json_body={"title": "準備", "description": "全固体電池"})
        http.post(
            "/api/needs/import/",
            form={"dry_run": "true"},
            files={"file": ("n.csv", b"title,description\nx,y\n", "text/csv")},
        )
        http.get("/readyz")
    stack.kill_worker()  # nothing consumes: the changes wait in Redis

    company = make_org(kind=OrgKind.COMPANY)
    buyer = make_user(org=company)
    before = OutboxMessage.objects.order_by("-id").values_list("id", flat=True).first() or 0
    waiting = []
    for i in range(50):
        need = need_create(
            org=company,
            by=buyer,
            data={
                "title": f"全固体電池の課題 {i}",
                "description": "全固体電池 固体電解質 界面抵抗",
            },
        )
        need_publish(need=need, by=buyer)
        waiting.append(need.pk)
    queued = stack.redis().llen("celery")
    rows = OutboxMessage.objects.filter(id__gt=before, task_name="matching.tasks.embed_subject")
    assert rows.filter(status=OutboxMessage.Status.SENT).count() == rows.count() == 100
    assert queued >= 50, queued

    stack.redis_shutdown_nosave()
    down = time.monotonic()

    # (4) Writes while Redis is down: each answers in under a second, none is a 500.
    csv = "title,description\n" + "".join(
        f"停止中の取り込み {i},全固体電池 固体電解質 {i}\n" for i in range(5)
    )
    timings = {
        "create need (API)": _timed(
            lambda: http.post(
                "/api/needs/",
                json_body={"title": "停止中のニーズ", "description": "全固体電池 固体電解質"},
            )
        ),
        "CSV import, 5 rows (API)": _timed(
            lambda: http.post(
                "/api/needs/import/",
                form={"dry_run": "false"},
                files={"file": ("needs.csv", csv.encode(), "text/csv")},
            )
        ),
        "registration (throttled, API)": _timed(
            lambda: http.post(
                "/api/register/",
                json_body={
                    "kind": "company",
                    "name": "停止中登録株式会社",
                    "prefecture": "東京都",
                    "username": "down-reg",
                    "email": "down@example.jp",
                    "password": "kougaku-Renkei-2026",
                },
                auth=False,
            )
        ),
    }
    _, body = http.get(
        "/api/needs/?status=draft&q=%E5%81%9C%E6%AD%A2%E4%B8%AD%E3%81%AE%E3%83%8B%E3%83%BC%E3%82%BA"
    )
    new_need = json.loads(body)["results"][0]
    timings["publish need (API)"] = _timed(
        lambda: http.post(f"/api/needs/{new_need['id']}/publish/")
    )
    ready_status, _ = _timed(lambda: http.get("/readyz"))
    for what, (status, seconds) in timings.items():
        record("redis-down-write", what=what, status=status, seconds=round(seconds, 3))
    assert all(status < 300 for status, _ in timings.values()), timings
    assert all(seconds < 1.0 for _, seconds in timings.values()), timings
    assert ready_status == 503  # the probe says the broker is gone
    published_while_down = [new_need["id"]]
    pending = OutboxMessage.objects.filter(status=OutboxMessage.Status.PENDING).count()
    assert pending >= 2  # the changes made while Redis was down wait in the outbox

    stack.start_redis()  # empty: the 50 messages are gone with it
    back = time.monotonic()
    stack.start_worker()
    everything = waiting + published_while_down

    def matched() -> bool:
        embedded = EmbeddingVector.objects.filter(kind="need", object_id__in=everything).count()
        scored = MatchScore.objects.filter(need_id__in=everything).values("need_id").distinct()
        return embedded == len(everything) and scored.count() == len(everything)

    def resent() -> bool:
        return (
            not OutboxMessage.objects.filter(status__in=[OutboxMessage.Status.PENDING]).exists()
            and OutboxMessage.objects.filter(attempts__gte=2).count() >= 50
        )

    wait_for(resent, timeout=30, what="the relay to send the lost messages again")
    resent_after = time.monotonic() - back
    try:
        wait_for(matched, timeout=90, what="all changes to be embedded and matched")
    except AssertionError as exc:
        raise AssertionError(f"{exc}\n--- worker\n{stack.log('worker')}") from None
    matched_after = time.monotonic() - back
    wait_for(
        lambda: not OutboxMessage.objects.exclude(status=OutboxMessage.Status.DONE).exists(),
        timeout=60,
        what="every outbox row to be done",
    )
    lost = OutboxMessage.objects.exclude(status=OutboxMessage.Status.DONE).count()
    record(
        "redis-nosave",
        changes_waiting=len(waiting),
        messages_in_redis_before=queued,
        outage_s=round(back - down, 2),
        resent_after_s=round(resent_after, 2),
        all_embedded_and_matched_after_s=round(matched_after, 2),
        tasks_lost=lost,
        tasks_failed=OutboxMessage.objects.filter(status=OutboxMessage.Status.FAILED).count(),
    )
    assert lost == 0


def _cut_connections() -> int:
    """pg_terminate_backend on every other connection to this test database (ours only)."""
    import psycopg

    db = connection.settings_dict
    with psycopg.connect(
        host=db["HOST"] or "127.0.0.1",
        port=db["PORT"] or 5432,
        user=db["USER"],
        password=db["PASSWORD"] or None,
        dbname=db["NAME"],
        autocommit=True,
    ) as admin:
        rows = admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        ).fetchall()
    connection.close()  # this process's own connection was among them
    return sum(1 for (ok,) in rows if ok)


def test_postgres_connections_cut_while_web_and_worker_are_busy_both_recover(stack):
    stack.start_beat()
    stack.start_worker()
    stack.start_web()
    wait_for(lambda: _worker_ready(stack).exists(), timeout=60, what="the worker")
    # More needs than the other scenarios: the rebuild must still be running at both cuts.
    expected, _ = _clean_run(stack, before=lambda: make_world(seeds=60, needs=200))
    http = _token_client(stack)
    for _ in range(4):  # both gunicorn processes have served requests (and hold connections)
        http.get("/api/seeds/?page=1")
    results: list[tuple[float, int]] = []
    stop = threading.Event()

    def traffic() -> None:
        i = 0
        while not stop.is_set():
            i += 1
            try:
                if i % 3:
                    status, _ = http.get("/api/seeds/?page=1")
                else:
                    status, _ = http.post(
                        "/api/needs/",
                        json_body={"title": f"切断中の書き込み {i}", "description": "水素 貯蔵"},
                    )
            except OSError:
                status = 0
            results.append((time.monotonic(), status))

    worker_pid, web_pid = stack.procs["worker"].pid, stack.procs["web"].pid
    run = start_rebuild()
    thread = threading.Thread(target=traffic, daemon=True)
    thread.start()
    wait_for(
        lambda: _run(run.pk).phase == MatchRun.Phase.SCORE and len(results) >= 3,
        timeout=30,
        what="web and worker to be busy",
    )
    cuts = []
    for _ in range(2):
        cuts.append((time.monotonic(), _cut_connections(), _run(run.pk).phase))
        seen = len(results)
        wait_for(lambda seen=seen: len(results) >= seen + 3, timeout=30, what="more requests")
    last_cut = time.monotonic()
    cut_at = timezone.now()
    try:
        done = _wait_run(stack, run.pk, "the rebuild after the connections were cut")
    finally:
        wait_for(lambda: len(results) >= 10, timeout=30, what="requests")
        after_ok = wait_for(
            lambda: next((t for t, s in results if t > last_cut and 200 <= s < 300), None),
            timeout=30,
            what="a successful request after the cut",
        )
        n_before = len(results)
        wait_for(lambda: len(results) >= n_before + 10, timeout=60, what="ten more requests")
        stop.set()
        thread.join(timeout=30)
    # The processes that keep their own connections write their heartbeats again.
    from outbox.models import WorkerHeartbeat

    beating = wait_for(
        lambda: (
            set(WorkerHeartbeat.objects.filter(seen_at__gt=cut_at).values_list("kind", flat=True))
            >= {"worker", "relay", "beat"}
        ),
        timeout=30,
        what="fresh heartbeats of worker, relay and beat after the cut",
    )
    tail = [s for _, s in results[-10:]]
    errors = [s for t, s in results if not 200 <= s < 300]
    record(
        "pg-cut",
        connections_terminated=[n for _, n, _ in cuts],
        phases_at_cut=[p for _, _, p in cuts],
        requests=len(results),
        failed_requests=len(errors),
        failed_statuses=sorted(set(errors)),
        first_success_after_last_cut_s=round(after_ok - last_cut, 3),
        last_10_statuses=tail,
        run_resumes=done.resumes,
        same_proposals_as_clean=proposals() == expected,
        worker_restarted=stack.procs["worker"].pid != worker_pid or not stack.alive("worker"),
        web_restarted=stack.procs["web"].pid != web_pid or not stack.alive("web"),
        heartbeats_after_cut=bool(beating),
    )
    assert all(sum(n for _, n, _ in cuts[i : i + 1]) > 0 for i in range(len(cuts)))
    assert all(200 <= s < 300 for s in tail), tail
    assert proposals() == expected and duplicate_proposals() == 0
    assert stack.alive("worker") and stack.procs["worker"].pid == worker_pid
    assert stack.alive("web") and stack.procs["web"].pid == web_pid
    assert stack.alive("relay") and stack.alive("beat")
