"""gunicorn's application answers /healthz before Django, with the view's answer; everything
else reaches Django."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from wsgiref.util import setup_testing_defaults

import pytest
from django.conf import settings

pytestmark = pytest.mark.django_db


def _call(app, path, method="GET"):
    environ = {"PATH_INFO": path, "REQUEST_METHOD": method, "HTTP_HOST": "testserver"}
    setup_testing_defaults(environ)
    seen = {}

    def start_response(status, headers, exc_info=None):
        seen["status"], seen["headers"] = status, dict(headers)

    body = b"".join(app(environ, start_response))
    return seen["status"], seen["headers"], body


def test_healthz_is_answered_without_django_and_other_paths_reach_django(client):
    from config.health import answer_liveness_first

    reached = []

    def django_stand_in(environ, start_response):
        reached.append(environ["PATH_INFO"])
        start_response("404 Not Found", [("Content-Type", "text/plain")])
        return [b"django"]

    app = answer_liveness_first(django_stand_in)
    status, headers, body = _call(app, "/healthz")
    assert status == "200 OK" and headers["Content-Type"] == "application/json"
    # The same answer as the Django view (tests and runserver use the view).
    assert json.loads(body) == client.get("/healthz").json()
    assert _call(app, "/healthz", "HEAD")[2] == b""
    assert _call(app, "/healthz", "POST")[2] == b"django"
    assert _call(app, "/healthz/extra")[2] == b"django"
    assert reached == ["/healthz", "/healthz/extra"]


def test_the_wsgi_module_wraps_the_django_application():
    """In a process of its own: importing config.wsgi applies the web thread policy."""
    script = (
        "import json; from wsgiref.util import setup_testing_defaults\n"
        "from config import wsgi\n"
        "def call(path):\n"
        "    env = {'PATH_INFO': path, 'REQUEST_METHOD': 'GET'}; setup_testing_defaults(env)\n"
        "    got = {}\n"
        "    body = b''.join(wsgi.application(env, lambda s, h, e=None: got.update(s=s)))\n"
        "    return got['s'], body\n"
        "print(json.dumps([call('/healthz')[0], call('/healthz')[1].decode(),"
        " call('/no-such-page/')[0]]))\n"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", "DEBUG": "false"}
    env["ALLOWED_HOSTS"] = "testserver,localhost,127.0.0.1"
    out = subprocess.run(
        [sys.executable, "-c", script],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=settings.BASE_DIR,
    )
    assert out.returncode == 0, out.stderr[-2000:]
    healthz_status, healthz_body, other_status = json.loads(out.stdout.strip().splitlines()[-1])
    assert healthz_status == "200 OK" and json.loads(healthz_body) == {"status": "ok"}
    assert other_status.startswith("404")  # Django answered it
