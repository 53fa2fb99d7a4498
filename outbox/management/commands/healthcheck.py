"""`manage.py healthcheck worker|beat|relay`: exit 0 when a process of that kind on this host has
written its heartbeat within three intervals (WORKER_HEARTBEAT_SECONDS), 1 otherwise. The
docker-compose health checks of the worker, beat and relay containers; it reads one row and
never touches the broker (unlike `celery inspect ping`, which waits on every worker)."""

from __future__ import annotations

import socket
from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone


class Command(BaseCommand):
    help = "Is a worker, beat or relay process of this host alive (fresh heartbeat)?"

    def add_arguments(self, parser) -> None:
        parser.add_argument("kind", choices=["worker", "beat", "relay"])
        parser.add_argument(
            "--host", default=socket.gethostname(), help="host name (default: this host)"
        )

    def handle(self, *args, kind: str, host: str, **options) -> None:
        from outbox.models import WorkerHeartbeat

        fresh = timezone.now() - timedelta(seconds=3 * settings.WORKER_HEARTBEAT_SECONDS)
        try:
            alive = WorkerHeartbeat.objects.filter(
                kind=kind, name__contains=f"@{host}:", seen_at__gte=fresh
            ).exists()
        except Exception as exc:  # the database is away: not healthy
            raise CommandError(f"no heartbeat readable: {type(exc).__name__}") from exc
        if not alive:
            raise CommandError(f"no fresh {kind} heartbeat from {host}")
        self.stdout.write(f"{kind} on {host}: alive")
