"""The transactional outbox and the heartbeats of the background processes.

- `OutboxMessage`: one request for a Celery task, written in the same database transaction as
  the change that asked for it (`outbox.dispatch.enqueue`). It is the durable copy of the
  message: pending until the broker accepts it, sent until a worker finishes the task, then
  done (or failed). A message the broker lost (Redis restarted without its data) is sent
  again; see outbox/relay.py.
- `WorkerHeartbeat`: a Celery worker, beat or the relay loop saying "alive" every few
  seconds; the readiness probe counts the live ones.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class OutboxMessage(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("送信待ち")
        SENT = "sent", _("送信済み")
        DONE = "done", _("完了")
        FAILED = "failed", _("失敗")

    # The Celery task id: every (re)send of this row carries it, so a worker's completion
    # finds the row again.
    task_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    task_name = models.CharField(max_length=200)
    # Ids and kinds only (JSON): never personal or confidential data.
    args = models.JSONField(default=list, blank=True)
    status = models.CharField(
        max_length=16, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    # Broker sends tried (successful or not).
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    # Identity of the broker's data set the message was accepted into (outbox/broker.py).
    broker_epoch = models.CharField(max_length=64, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="outbox_due_idx"),
            models.Index(fields=["status", "created_at"], name="outbox_age_idx"),
        ]
        verbose_name = _("タスク送信記録")
        verbose_name_plural = _("タスク送信記録")

    def __str__(self) -> str:
        return f"{self.task_name}{tuple(self.args)} {self.status}"


class WorkerHeartbeat(models.Model):
    class Kind(models.TextChoices):
        WORKER = "worker", _("ワーカー")
        BEAT = "beat", _("定期実行")
        RELAY = "relay", _("送信リレー")

    name = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=16, choices=Kind.choices)
    pid = models.PositiveIntegerField(default=0)
    started_at = models.DateTimeField(default=timezone.now)
    seen_at = models.DateTimeField(default=timezone.now, db_index=True)
    # Tasks finished (worker) or messages sent (relay) since the process started.
    processed = models.PositiveBigIntegerField(default=0)

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = _("プロセスの生存信号")
        verbose_name_plural = _("プロセスの生存信号")

    def __str__(self) -> str:
        return f"{self.kind} {self.name}"
