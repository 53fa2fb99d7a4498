"""`python manage.py import_catalog PATH`: upsert a catalog/1 file (docs/catalog.md).

Idempotent by key; every bad record is reported with its section, key and reason; nothing is
written from a file with errors unless `--skip-invalid`. Exit 0 only when every record loaded.
Embedding is left to `match_all --sync` (which embeds whatever is stale) unless `--embed`
asks to enqueue each changed row on commit.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from profiles.services.imports import SECTIONS, catalog_import, catalog_load


class Command(BaseCommand):
    help = "Upsert a catalog/1 JSON file by key (idempotent; all-or-nothing unless --skip-invalid)."

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument(
            "--skip-invalid",
            action="store_true",
            help="Write the valid records even when some are invalid (exit status stays 1).",
        )
        parser.add_argument(
            "--embed",
            action="store_true",
            help="Enqueue the embedding of every created/updated row on commit. By default "
            "nothing is embedded here: `match_all --sync` embeds whatever is stale.",
        )
        parser.add_argument(
            "--no-embed",
            dest="embed",
            action="store_false",
            help="Do not enqueue embeddings (the default).",
        )

    def handle(self, *args, path: str, skip_invalid: bool, embed: bool, **options):
        try:
            data = catalog_load(path)
        except ValueError as exc:
            raise CommandError(f"{path}: not a readable JSON file: {exc}")
        report = catalog_import(data=data, skip_invalid=skip_invalid, embed=embed)
        for section, key, reason in report.errors:
            self.stderr.write(f"invalid {section} {key}: {reason}")
        for section in SECTIONS:
            c, u, n = (report.created[section], report.updated[section], report.unchanged[section])
            if c or u or n:
                self.stdout.write(f"{section}: {c} created, {u} updated, {n} unchanged")
        if report.errors:
            state = "valid records written" if report.written else "nothing written"
            raise CommandError(f"{len(report.errors)} invalid record(s); {state}.", returncode=1)
        self.stdout.write(self.style.SUCCESS(f"loaded {report.loaded()} record(s) from {path}"))
