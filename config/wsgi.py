"""WSGI entry point for gunicorn: a web process (one OpenMP/BLAS thread per request, passive
waiting; config/threads.py) before any library with a thread pool loads; `/healthz` answered
before Django (config/health.py)."""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

from config import threads  # noqa: E402

threads.apply("web")

from django.core.wsgi import get_wsgi_application  # noqa: E402

from config.health import answer_liveness_first  # noqa: E402

application = answer_liveness_first(get_wsgi_application())
