"""What the background processes report: completions of outbox tasks and heartbeats.

Connected to Celery's signals in `OutboxConfig.ready()`; they fire only in Celery processes.

- `task_postrun`: a task that finished (success, or failure once its retries are spent) marks
  its outbox row done/failed. A retry is not a completion.
- `worker_ready` / `beat_init`: a daemon thread writes a `WorkerHeartbeat` row every
  WORKER_HEARTBEAT_SECONDS (its own short database connection each time, so a connection cut
  by the database costs one beat, not the thread). `worker_shutdown` deletes the row.
"""

from __future__ import annotations

import logging
import os
import socket
import threading

from celery import signals
from django.conf import settings
from django.db import close_old_connections, connection
from django.utils import timezone

logger = logging.getLogger(__name__)


class Heartbeat(threading.Thread):
    """Writes `WorkerHeartbeat(name)` now and every `interval` seconds until stopped."""

    def __init__(self, *, kind: str, name: str, processed=lambda: 0) -> None:
        super().__init__(name=f"heartbeat-{kind}", daemon=True)
        self.kind, self.beat_name, self.processed = kind, name[:200], processed
        self.interval = settings.WORKER_HEARTBEAT_SECONDS
        self.started = timezone.now()
        self.halt = threading.Event()
        self._failing = False

    def beat(self) -> None:
        from .models import WorkerHeartbeat

        try:
            WorkerHeartbeat.objects.update_or_create(
                name=self.beat_name,
                defaults={
                    "kind": self.kind,
                    "pid": os.getpid(),
                    "started_at": self.started,
                    "seen_at": timezone.now(),
                    "processed": int(self.processed()),
                },
            )
            if self._failing:
                logger.info("heartbeat of %s written again", self.beat_name)
            self._failing = False
        except Exception as exc:  # the database is away: say so once, keep beating
            if not self._failing:
                logger.warning("heartbeat of %s not written: %s", self.beat_name, exc)
            self._failing = True
        finally:
            connection.close()

    def run(self) -> None:
        self.beat()
        while not self.halt.wait(self.interval):
            self.beat()

    def stop(self, *, forget: bool) -> None:
        self.halt.set()
        if self.is_alive():
            self.join(timeout=5)
        if forget:
            from .models import WorkerHeartbeat

            try:
                WorkerHeartbeat.objects.filter(name=self.beat_name).delete()
            except Exception:
                pass
            finally:
                close_old_connections()


_threads: dict[str, Heartbeat] = {}


def start_heartbeat(kind: str, name: str, processed=lambda: 0) -> Heartbeat | None:
    if settings.WORKER_HEARTBEAT_SECONDS <= 0 or kind in _threads:
        return None
    thread = Heartbeat(kind=kind, name=name, processed=processed)
    _threads[kind] = thread
    thread.start()
    return thread


def stop_heartbeat(kind: str) -> None:
    thread = _threads.pop(kind, None)
    if thread is not None:
        thread.stop(forget=True)


def _processed_tasks() -> int:
    from celery.worker import state

    return sum(state.total_count.values())


def _on_task_postrun(task_id=None, state=None, **_kwargs) -> None:
    if state not in ("SUCCESS", "FAILURE"):
        return
    from .relay import mark_finished

    try:
        mark_finished(task_id, failed=state == "FAILURE")
    except Exception as exc:  # the database went away: the row stays `sent`, nothing is lost
        logger.warning("could not record the end of task %s: %s", task_id, exc)


def _on_worker_ready(sender=None, **_kwargs) -> None:
    hostname = getattr(sender, "hostname", None) or socket.gethostname()
    start_heartbeat("worker", f"{hostname}:{os.getpid()}", _processed_tasks)


def _on_worker_shutdown(**_kwargs) -> None:
    stop_heartbeat("worker")


def _on_beat_init(**_kwargs) -> None:
    start_heartbeat("beat", f"beat@{socket.gethostname()}:{os.getpid()}")


def connect() -> None:
    signals.task_postrun.connect(_on_task_postrun, dispatch_uid="outbox.task_postrun", weak=False)
    signals.worker_ready.connect(_on_worker_ready, dispatch_uid="outbox.worker_ready", weak=False)
    signals.worker_shutdown.connect(
        _on_worker_shutdown, dispatch_uid="outbox.worker_shutdown", weak=False
    )
    signals.beat_init.connect(_on_beat_init, dispatch_uid="outbox.beat_init", weak=False)
