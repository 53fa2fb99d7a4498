"""`manage.py match_all [--sync]` (CATALOG.md): rebuild every ranking, in-process with --sync,
else enqueued on Celery (the same code either way)."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand

from matching.services.refresh import match_all


class Command(BaseCommand):
    help = (
        "Embed whatever is stale and rebuild all matching (seed, organisation, partner, investor)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--sync", action="store_true", help="Run in this process instead of on Celery."
        )

    def handle(self, *args, sync: bool = False, **options) -> None:
        started = time.monotonic()
        run = match_all(sync=sync)
        if sync:
            self.stdout.write(
                f"match run {run.pk}: {run.status}, {run.total_chunks} chunk(s), "
                f"model {run.model_id}, {time.monotonic() - started:.1f} s"
            )
        else:
            self.stdout.write(f"match run {run.pk} enqueued ({run.model_id})")
