"""Shared fixtures. Factories live in tests/factories.py."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient


@pytest.fixture(autouse=True)
def _eager_celery(settings):
    # Unit tests run tasks in-process; tests marked `worker` switch to a real worker.
    from config.celery import app

    app.conf.task_always_eager = True
    app.conf.task_eager_propagates = True
    settings.CELERY_TASK_ALWAYS_EAGER = True
    # Search re-checks its cached corpus on every query in tests (live-server pages included).
    settings.MATCHING_SEARCH_CHECK_SECONDS = 0
    yield


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()
