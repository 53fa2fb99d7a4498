"""Settings of the background work: Celery (broker, time limits, beat), the outbox relay, the
workers' heartbeat and what /readyz tolerates. Part of `config.settings`."""

from __future__ import annotations

import json
import os

from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

from .env import env_float, env_int
from .notifications import NOTIFICATIONS_DIGEST_HOUR

# --- Celery: a broker URL turns on real workers; without one, tasks run in-process ----------
REDIS_URL = os.environ.get("REDIS_URL", "")
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "") or REDIS_URL
# Task results are never read (the outbox records completions): no result backend unless set.
CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND", "") or None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
# Work that must not be lost, in the order of Celery's documentation (outbox/options.py): late
# acknowledgement, requeue when the pool process is killed, one message per process, and per
# task soft < hard time limit < the broker's visibility timeout.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# On a broker connection loss a running task cannot be acknowledged any more; Celery can cancel
# it (its 6.0 default). Every task here is safe to run twice, so it is better to let it finish
# its work: the copy delivered again later finds nothing left to do.
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = False
# Seconds (soft, hard) per task; CELERY_TASK_TIME_LIMITS='{"name": [soft, hard]}' overrides.
CELERY_TASK_TIME_LIMITS: dict[str, tuple[int, int]] = {
    "matching.tasks.embed_subject": (120, 150),
    "matching.tasks.refresh_matches_for": (300, 360),
    "matching.tasks.rebuild_all": (1800, 1900),
    "matching.tasks.match_all_chunk": (300, 360),
    "matching.tasks.finish_run": (1800, 1900),
    "matching.tasks.refresh_stale": (1800, 1900),
    "matching.tasks.learn_weights": (300, 360),
    "matching.tasks.notify_review_queue": (300, 360),
    "matching.tasks.notify_weekly_needs": (600, 660),
    "matching.tasks.reassign_need": (300, 360),
    "matching.tasks.seed_alerts": (300, 360),
    "matching.tasks.seeds_alerts": (600, 720),
    "notifications.tasks.send_email": (60, 90),
    "notifications.tasks.send_daily_digests": (300, 360),
    "notifications.tasks.sweep_deliveries": (120, 150),
    "matching.tasks.refresh_search_index": (600, 660),
    "matching.tasks.embed_backlog": (300, 360),
    "matching.tasks.embed_chunk": (300, 360),
    "profiles.tasks.run_import_job": (540, 600),
    "profiles.tasks.run_researchmap_import": (540, 600),
    "profiles.tasks.sweep_import_jobs": (120, 150),
    "profiles.tasks.send_invitation_email": (60, 90),
    "profiles.tasks.send_password_reset_email": (60, 90),
    "outbox.tasks.relay": (60, 90),
}
_limits_raw = os.environ.get("CELERY_TASK_TIME_LIMITS", "")
try:
    _limits_override = json.loads(_limits_raw) if _limits_raw else {}
    if not isinstance(_limits_override, dict):
        raise ValueError("not an object")
    for _task, _pair in _limits_override.items():
        CELERY_TASK_TIME_LIMITS[_task] = (int(_pair[0]), int(_pair[1]))
except (ValueError, TypeError, IndexError, KeyError) as exc:
    raise ImproperlyConfigured(
        f'CELERY_TASK_TIME_LIMITS must be a JSON object {{"task": [soft, hard]}}: {exc}'
    ) from exc
# The defaults of tasks declared without their own limits (Celery's built-in ones).
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 600)
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 660)
# Redis redelivers a message that no worker acknowledged within this many seconds (a worker
# killed mid-task); it must exceed every hard time limit, or a slow task would run twice.
CELERY_VISIBILITY_TIMEOUT = env_int("CELERY_VISIBILITY_TIMEOUT", 2400)
for _task, (_soft, _hard) in {
    "(default)": (CELERY_TASK_SOFT_TIME_LIMIT, CELERY_TASK_TIME_LIMIT),
    **CELERY_TASK_TIME_LIMITS,
}.items():
    if not 0 < _soft < _hard < CELERY_VISIBILITY_TIMEOUT:
        raise ImproperlyConfigured(
            f"{_task}: soft time limit {_soft} < hard time limit {_hard} < "
            f"CELERY_VISIBILITY_TIMEOUT {CELERY_VISIBILITY_TIMEOUT} does not hold "
            "(CELERY_TASK_TIME_LIMITS, CELERY_VISIBILITY_TIMEOUT)"
        )
# Requests never wait on a dead broker: connect within this many seconds, once (outbox/broker.py).
CELERY_BROKER_CONNECTION_TIMEOUT = env_float("CELERY_BROKER_CONNECTION_TIMEOUT", 0.5)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": CELERY_VISIBILITY_TIMEOUT,
    "socket_connect_timeout": CELERY_BROKER_CONNECTION_TIMEOUT,
    # A broker that vanishes without closing the connection must not hang a publish forever.
    "socket_timeout": env_float("CELERY_BROKER_SOCKET_TIMEOUT", 5.0),
    # How often a worker looks for messages whose visibility timeout passed (kombu ≥ 5.7).
    "unacked_restore_interval": env_int("CELERY_UNACKED_RESTORE_SECONDS", 10),
    "unacked_restore_throttle": 1,
}
CELERY_BEAT_SCHEDULE = {
    # Times are Asia/Tokyo (CELERY_TIMEZONE). The counts for coordinators and the weekly needs
    # are made a few minutes before the digest, so that a digest reader gets them the same day.
    "notify-review-queue": {
        "task": "matching.tasks.notify_review_queue",
        "schedule": crontab(hour=7, minute=50),
    },
    "notify-weekly-needs": {
        "task": "matching.tasks.notify_weekly_needs",
        "schedule": crontab(hour=7, minute=50, day_of_week=1),
    },
    "daily-digest": {
        "task": "notifications.tasks.send_daily_digests",
        "schedule": crontab(hour=NOTIFICATIONS_DIGEST_HOUR, minute=0),
    },
    "sweep-email-deliveries": {
        "task": "notifications.tasks.sweep_deliveries",
        "schedule": 600.0,
    },
    "refresh-stale-matches": {
        "task": "matching.tasks.refresh_stale",
        "schedule": env_float("MATCHING_STALE_SWEEP_SECONDS", 300.0),
    },
    "refresh-search-index": {
        "task": "matching.tasks.refresh_search_index",
        "schedule": env_float("MATCHING_INDEX_REFRESH_SECONDS", 10.0) or 10.0,
    },
    "sweep-import-jobs": {
        "task": "profiles.tasks.sweep_import_jobs",
        "schedule": 600.0,
    },
    "learn-weights-from-feedback": {
        "task": "matching.tasks.learn_weights",
        "schedule": 24 * 60 * 60.0,
    },
    # A backstop for the relay loop (`manage.py outbox_relay`), which normally sends first.
    "outbox-relay": {
        "task": "outbox.tasks.relay",
        "schedule": env_float("OUTBOX_BEAT_RELAY_SECONDS", 30.0),
    },
}

# --- Outbox (outbox/): task requests stored with the change, sent by the relay ----------------
# Seconds between passes of the relay loop; rows per pass.
OUTBOX_RELAY_INTERVAL = env_float("OUTBOX_RELAY_INTERVAL", 1.0)
OUTBOX_RELAY_BATCH = env_int("OUTBOX_RELAY_BATCH", 500)
# Rows a committing request hands to the broker itself (the relay sends the rest).
OUTBOX_SEND_ON_COMMIT = env_int("OUTBOX_SEND_ON_COMMIT", 100)
# After the broker failed once, a process leaves sending to the relay for this long.
OUTBOX_BREAKER_SECONDS = env_float("OUTBOX_BREAKER_SECONDS", 10.0)
OUTBOX_KEEP_DAYS = env_int("OUTBOX_KEEP_DAYS", 7)
# Workers, beat and the relay write a heartbeat this often; the readiness probe counts one as
# alive for three intervals.
WORKER_HEARTBEAT_SECONDS = env_float("WORKER_HEARTBEAT_SECONDS", 10.0)

# --- Health (config/health.py): when /readyz answers 503 -------------------------------------
# The oldest outbox row not yet accepted by the broker, and the oldest catalogue change not
# yet embedded, may be this old before the service counts as unable to do its job.
HEALTH_MAX_BACKLOG_AGE_SECONDS = env_float("HEALTH_MAX_BACKLOG_AGE_SECONDS", 600.0)
for _name in ("OUTBOX_RELAY_INTERVAL", "OUTBOX_BREAKER_SECONDS", "HEALTH_MAX_BACKLOG_AGE_SECONDS"):
    if globals()[_name] <= 0:
        raise ImproperlyConfigured(f"{_name} must be positive")
for _name in ("OUTBOX_RELAY_BATCH", "OUTBOX_SEND_ON_COMMIT", "OUTBOX_KEEP_DAYS"):
    if globals()[_name] < 1:
        raise ImproperlyConfigured(f"{_name} must be at least 1")
