"""`manage.py export_rankings PATH` (CATALOG.md): write the current rankings file."""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from matching.services.evaluation import rankings_export


class Command(BaseCommand):
    help = (
        "Write the current rankings (need_seed, need_organization, company_partner, "
        "venture_investor, proposals)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("path")

    def handle(self, *args, path: str, **options) -> None:
        rankings = rankings_export()
        try:
            Path(path).write_text(
                json.dumps(rankings, ensure_ascii=False, indent=1), encoding="utf-8"
            )
        except OSError as exc:
            raise CommandError(f"cannot write {path}: {exc}") from exc
        self.stdout.write(
            f"wrote {path}: {len(rankings['need_seed'])} needs, "
            f"{len(rankings['company_partner'])} companies, "
            f"{len(rankings['venture_investor'])} ventures"
        )
