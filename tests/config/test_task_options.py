"""Every task survives a lost worker by declaration: acks_late, reject_on_worker_lost, prefetch 1,
soft < hard time limit < the broker's visibility timeout (which is set), and requests connect to
the broker with a short timeout. `manage.py check` says so for every registered task."""

from __future__ import annotations

import pytest
from django.conf import settings

from config.celery import app
from config.checks import OUR_APPS, check_every_task_is_declared_to_survive_a_lost_worker
from tests.config.test_settings import _manage


def _our_tasks():
    check_every_task_is_declared_to_survive_a_lost_worker(None)  # imports the task modules
    return {n: t for n, t in app.tasks.items() if n.startswith(OUR_APPS)}


def test_every_task_of_ours_is_declared_in_the_documented_order():
    visibility = app.conf.broker_transport_options["visibility_timeout"]
    assert visibility == settings.CELERY_VISIBILITY_TIMEOUT
    assert app.conf.worker_prefetch_multiplier == 1
    tasks = _our_tasks()
    assert len(tasks) >= 10
    for name, task in tasks.items():
        assert task.acks_late and task.reject_on_worker_lost, name
        assert 0 < task.soft_time_limit < task.time_limit < visibility, name
        assert max(task.retry_backoff_max, 0) < visibility, name


def test_the_broker_is_reached_with_short_timeouts():
    options = app.conf.broker_transport_options
    assert options["socket_connect_timeout"] <= 1.0
    assert options["socket_timeout"] <= 5.0
    assert settings.CELERY_BROKER_CONNECTION_TIMEOUT <= 1.0
    assert app.conf.task_ignore_result is True


def test_the_check_reports_a_task_that_could_be_lost():
    @app.task(name="matching.tasks.careless_probe", acks_late=False, shared=False)
    def careless_probe():
        return None

    try:
        errors = check_every_task_is_declared_to_survive_a_lost_worker(None)
    finally:
        app.tasks.pop("matching.tasks.careless_probe", None)
    messages = [e.msg for e in errors if e.id == "sangaku.E002"]
    assert len(messages) == 1
    assert "acks_late is off" in messages[0] and "CELERY_TASK_TIME_LIMITS" in messages[0]
    assert check_every_task_is_declared_to_survive_a_lost_worker(None) == []


@pytest.mark.parametrize(
    "env",
    [
        {"CELERY_VISIBILITY_TIMEOUT": "100"},
        {"CELERY_TASK_TIME_LIMITS": '{"matching.tasks.embed_subject": [200, 100]}'},
        {"CELERY_TASK_TIME_LIMITS": "[1, 2]"},
    ],
)
def test_limits_that_break_the_order_stop_start_up_naming_the_variable(env):
    result = _manage("check", **env)
    assert result.returncode != 0
    assert next(iter(env)) in result.stderr
