"""The Celery application. Without CELERY_BROKER_URL the tasks run in-process (eager).

A Celery process is a worker for the thread policy (config/threads.py: every core for batch
embedding and index builds, passive OpenMP waiting), applied before any task module loads."""

import os
import sys

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

if "celery" in os.path.basename(sys.argv[0] if sys.argv else ""):
    from config import threads

    threads.apply("worker")

app = Celery("sangaku")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
