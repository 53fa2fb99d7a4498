"""`manage.py outbox_relay`: the relay loop (a process of its own in docker-compose).

Every OUTBOX_RELAY_INTERVAL seconds (at once while a full batch was sent) it sends the
outbox rows that are due (outbox/relay.py), writes its heartbeat, and every ten minutes forgets
old finished rows. A database or broker outage is logged in one line and tried again on the
next pass; SIGTERM/SIGINT end the loop after the current pass.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import time

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import close_old_connections, connection

logger = logging.getLogger("outbox.relay")

PRUNE_EVERY = 600.0


class Command(BaseCommand):
    help = "Send the transactional outbox to the broker, in a loop (or --once)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--once", action="store_true", help="one pass, then exit")
        parser.add_argument(
            "--interval",
            type=float,
            default=None,
            help="seconds between passes (default: OUTBOX_RELAY_INTERVAL)",
        )

    def handle(self, *args, once: bool = False, interval: float | None = None, **options) -> None:
        from outbox.relay import prune, relay_once

        if once:
            self.stdout.write(str(relay_once()))
            return
        interval = settings.OUTBOX_RELAY_INTERVAL if interval is None else interval
        if interval <= 0:
            self.stderr.write("--interval must be positive")
            raise SystemExit(2)
        stopping = False

        def stop(signum, frame) -> None:
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        name = f"relay@{socket.gethostname()}:{os.getpid()}"
        started = time.time()
        sent_total = 0
        last_prune = 0.0
        last_error = ""
        logger.info("outbox relay started (every %.1f s)", interval)
        while not stopping:
            full = False
            try:
                close_old_connections()
                result = relay_once()
                sent_total += int(result.get("sent", 0))
                error = str(result.get("error", ""))
                if error and error != last_error:
                    logger.warning("outbox relay: broker unavailable (%s); will retry", error)
                elif last_error and not error:
                    logger.info("outbox relay: broker reachable again")
                last_error = error
                full = not error and int(result.get("batch", 0)) >= settings.OUTBOX_RELAY_BATCH
                _heartbeat(name, started, sent_total)
                if time.monotonic() - last_prune > PRUNE_EVERY:
                    prune()
                    last_prune = time.monotonic()
            except Exception as exc:  # the database went away: one line, next pass
                if str(exc) != last_error:
                    logger.warning("outbox relay pass failed: %s: %s", type(exc).__name__, exc)
                last_error = str(exc)
                connection.close()
            if not full and not stopping:
                time.sleep(interval)
        logger.info("outbox relay stopped")


def _heartbeat(name: str, started: float, processed: int) -> None:
    from datetime import UTC, datetime

    from django.utils import timezone

    from outbox.models import WorkerHeartbeat

    WorkerHeartbeat.objects.update_or_create(
        name=name,
        defaults={
            "kind": WorkerHeartbeat.Kind.RELAY,
            "pid": os.getpid(),
            "started_at": datetime.fromtimestamp(started, tz=UTC),
            "seen_at": timezone.now(),
            "processed": processed,
        },
    )
