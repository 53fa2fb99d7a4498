"""The options every Celery task of this project is declared with: `task_options(name)`.

The same for every task, in the order Celery's documentation gives them for work that must not
be lost (Tasks → "acks_late", "reject_on_worker_lost"; Optimizing → prefetch limits; Workers →
time limits; Redis broker → visibility timeout):

1. `acks_late`: the message is acknowledged after the task returns, so a worker that dies
   mid-task leaves it in the broker;
2. `reject_on_worker_lost`: a pool process killed mid-task (kill -9, OOM) requeues the
   message instead of acknowledging it as failed;
3. prefetch 1 (`CELERY_WORKER_PREFETCH_MULTIPLIER`, a worker setting): a worker holds no more
   messages than it runs, so a killed worker strands at most its running tasks;
4. soft time limit < hard time limit (per task, `CELERY_TASK_TIME_LIMITS`) < the broker's
   `visibility_timeout` (`CELERY_VISIBILITY_TIMEOUT`): a running task is never redelivered to a
   second worker while the first may still be on it. Checked at start-up (config/settings/)
   and by `manage.py check` (config/checks.py) for every registered task.

Retries: only errors that can pass (database or broker connection), with exponential backoff
and a cap below the visibility timeout.
"""

from __future__ import annotations

from django.conf import settings
from django.db import InterfaceError, OperationalError
from kombu.exceptions import OperationalError as KombuOperationalError
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

TRANSIENT: tuple[type[BaseException], ...] = (
    OperationalError,
    InterfaceError,
    KombuOperationalError,
    RedisConnectionError,
    RedisTimeoutError,
    ConnectionError,
    TimeoutError,
)


def task_options(name: str, *, retry_on: tuple[type[BaseException], ...] = ()) -> dict:
    """Keyword arguments for `shared_task` of the task `name` (its limits come from settings)."""
    soft, hard = settings.CELERY_TASK_TIME_LIMITS[name]
    return {
        "name": name,
        "acks_late": True,
        "reject_on_worker_lost": True,
        "soft_time_limit": soft,
        "time_limit": hard,
        "autoretry_for": TRANSIENT + retry_on,
        "retry_backoff": 2,
        "retry_backoff_max": 120,
        "retry_jitter": True,
        "max_retries": 5,
    }
