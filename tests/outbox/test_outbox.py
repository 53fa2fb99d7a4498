"""The transactional outbox behind `enqueue`: the request is written with the change (and rolled
back with it), handed to the broker on commit, kept when the broker is down (without making
the request wait), relayed until the broker accepts it, and sent again when the broker lost it."""

from __future__ import annotations

import json
import time

import pytest
from django.core.management import call_command
from django.db import transaction

from outbox import relay
from outbox.dispatch import enqueue
from outbox.models import OutboxMessage, WorkerHeartbeat

pytestmark = pytest.mark.django_db(transaction=True)


def _queued(client) -> list[dict]:
    """The task messages waiting in the broker's default queue."""
    return [json.loads(raw) for raw in client.lrange("celery", 0, -1)]


def test_without_a_broker_the_task_runs_in_process_after_commit_and_no_row_is_written(
    monkeypatch,
):
    from matching import tasks

    calls = []
    monkeypatch.setattr(tasks.learn_weights, "run", lambda: calls.append("ran"))
    with transaction.atomic():
        enqueue("matching.tasks.learn_weights")
        assert calls == []  # not before the commit
    assert calls == ["ran"]
    assert not OutboxMessage.objects.exists()


def test_an_unknown_task_name_fails_at_once():
    with pytest.raises(KeyError):
        enqueue("matching.tasks.no_such_task", 1)


def test_the_request_is_rolled_back_with_the_change(dead_broker):
    with pytest.raises(RuntimeError), transaction.atomic():
        enqueue("matching.tasks.embed_subject", "seed", 1)
        assert OutboxMessage.objects.count() == 1
        raise RuntimeError("the change failed")
    assert not OutboxMessage.objects.exists()


def test_with_the_broker_down_enqueueing_is_an_insert_and_the_request_does_not_wait(dead_broker):
    started = time.monotonic()
    for i in range(20):
        with transaction.atomic():
            enqueue("matching.tasks.embed_subject", "seed", i)
    elapsed = time.monotonic() - started
    assert elapsed < 1.0, elapsed
    rows = list(OutboxMessage.objects.all())
    assert len(rows) == 20 and {r.status for r in rows} == {OutboxMessage.Status.PENDING}

    result = relay.relay_once()
    assert result["error"] and result["sent"] == 0
    assert OutboxMessage.objects.filter(status=OutboxMessage.Status.PENDING).count() == 20


def test_on_commit_the_rows_go_to_the_broker_and_a_worker_finishing_marks_them_done(
    redis_broker,
):
    _, client = redis_broker
    with transaction.atomic():
        enqueue("matching.tasks.embed_subject", "seed", 7)
        enqueue("matching.tasks.refresh_matches_for", "need", 8)
        assert _queued(client) == []  # nothing leaves before the commit
    rows = list(OutboxMessage.objects.order_by("id"))
    assert [r.status for r in rows] == [OutboxMessage.Status.SENT] * 2
    assert rows[0].broker_epoch and rows[0].broker_epoch == rows[1].broker_epoch
    queued = _queued(client)
    assert sorted(m["headers"]["id"] for m in queued) == sorted(str(r.task_id) for r in rows)
    assert {m["headers"]["task"] for m in queued} == {
        "matching.tasks.embed_subject",
        "matching.tasks.refresh_matches_for",
    }

    relay.mark_finished(str(rows[0].task_id), failed=False)
    relay.mark_finished(str(rows[1].task_id), failed=True)
    relay.mark_finished("not-a-uuid", failed=False)  # a task that is not ours: ignored
    assert list(OutboxMessage.objects.order_by("id").values_list("status", flat=True)) == [
        OutboxMessage.Status.DONE,
        OutboxMessage.Status.FAILED,
    ]
    # A second delivery finishing later does not change the record.
    relay.mark_finished(str(rows[1].task_id), failed=False)
    assert OutboxMessage.objects.get(pk=rows[1].pk).status == OutboxMessage.Status.FAILED


def test_rows_the_broker_could_not_take_are_relayed_once_it_is_back(redis_broker, settings):
    from config.celery import app

    _, client = redis_broker
    good = app.conf.broker_url
    app.conf.broker_url = "redis://127.0.0.1:1/0"  # the broker is away
    app._pool = None
    for i in range(3):
        enqueue("matching.tasks.embed_subject", "seed", i)
    assert OutboxMessage.objects.filter(status=OutboxMessage.Status.PENDING).count() == 3
    assert relay.relay_once()["error"]

    app.conf.broker_url = good  # back
    app._pool = None
    result = relay.relay_once()
    assert result == {"sent": 3, "resent": 0, "batch": 3}
    assert len(_queued(client)) == 3
    assert relay.relay_once() == {"sent": 0, "resent": 0, "batch": 0}  # nothing twice


def test_messages_the_broker_lost_are_sent_again_with_the_same_task_id(redis_broker):
    from outbox.broker import EPOCH_KEY

    _, client = redis_broker
    for i in range(5):
        enqueue("matching.tasks.embed_subject", "seed", i)
    first_epoch = OutboxMessage.objects.values_list("broker_epoch", flat=True).first()
    done = OutboxMessage.objects.order_by("id").first()
    relay.mark_finished(str(done.task_id), failed=False)
    assert relay.relay_once()["batch"] == 0  # same broker data: nothing to resend

    client.delete("celery", EPOCH_KEY)  # what `shutdown nosave` and a restart leave behind
    result = relay.relay_once()

    assert result["resent"] == 4 and result["sent"] == 4
    ids = sorted(m["headers"]["id"] for m in _queued(client))
    expected = sorted(
        str(t) for t in OutboxMessage.objects.exclude(pk=done.pk).values_list("task_id", flat=True)
    )
    assert ids == expected  # the finished one is not run again
    assert set(
        OutboxMessage.objects.exclude(pk=done.pk).values_list("broker_epoch", flat=True)
    ) != {first_epoch}


def test_the_relay_command_sends_and_the_beat_task_prunes_old_finished_rows(redis_broker):
    from datetime import timedelta

    from django.utils import timezone

    enqueue("matching.tasks.embed_subject", "seed", 1)
    OutboxMessage.objects.update(status=OutboxMessage.Status.PENDING)
    call_command("outbox_relay", "--once")
    assert OutboxMessage.objects.get().status == OutboxMessage.Status.SENT

    OutboxMessage.objects.update(
        status=OutboxMessage.Status.DONE, finished_at=timezone.now() - timedelta(days=30)
    )
    assert relay.prune() == 1
    assert not OutboxMessage.objects.exists()


def test_a_heartbeat_records_the_process_and_survives_a_database_error(settings, monkeypatch):
    from outbox.worker import Heartbeat

    beat = Heartbeat(kind="worker", name="celery@test:1", processed=lambda: 42)
    beat.beat()
    row = WorkerHeartbeat.objects.get(name="celery@test:1")
    assert row.kind == "worker" and row.processed == 42

    def broken(*args, **kwargs):
        from django.db import OperationalError

        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(WorkerHeartbeat.objects, "update_or_create", broken)
    beat.beat()  # logged once, not raised
    assert beat._failing


def test_the_healthcheck_command_reads_this_hosts_fresh_heartbeat(settings):
    import socket
    from datetime import timedelta

    from django.core.management.base import CommandError
    from django.utils import timezone

    host = socket.gethostname()
    with pytest.raises(CommandError):
        call_command("healthcheck", "worker")
    WorkerHeartbeat.objects.create(name=f"celery@{host}:12", kind="worker")
    call_command("healthcheck", "worker")
    with pytest.raises(CommandError):
        call_command("healthcheck", "relay")
    old = timezone.now() - timedelta(seconds=4 * settings.WORKER_HEARTBEAT_SECONDS)
    WorkerHeartbeat.objects.update(seen_at=old)
    with pytest.raises(CommandError):
        call_command("healthcheck", "worker")


def test_a_broker_that_accepts_connections_and_then_hangs_does_not_hold_the_request(
    dead_broker, silent_server
):
    from config.celery import app

    port, held = silent_server
    app.conf.broker_url = f"redis://127.0.0.1:{port}/0"
    app._pool = None
    relay.reset_breaker()
    started = time.monotonic()
    with transaction.atomic():
        enqueue("matching.tasks.embed_subject", "seed", 1)
    elapsed = time.monotonic() - started
    assert relay.relay_once()["error"]
    assert held  # the broker did accept the connection
    assert elapsed < 1.0, elapsed
    assert OutboxMessage.objects.get().status == OutboxMessage.Status.PENDING
