"""Time the CSV import preview (the dry run behind /seeds/import/) on a throw-away SQLite
database: 1,000 new seed rows, the same rows again (all unchanged), and 1,000 updates whose
cells are blank (left as they are). Prints the figures and the load average.

    rm -f /tmp/csv_preview.db
    DATABASE_URL=sqlite:////tmp/csv_preview.db MATCHING_EMBEDDER=hashing \\
        .venv/bin/python -m benchmarks.csv_preview

Refuses any database but SQLite: it migrates the database and writes 1,000 seeds into it.
"""

from __future__ import annotations

import os
import statistics
import time


def main() -> None:
    if not os.environ.get("DATABASE_URL", "").startswith("sqlite:"):
        raise SystemExit("set DATABASE_URL to a throw-away SQLite file (sqlite:////tmp/x.db)")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.core.management import call_command

    from profiles.choices import OrgKind
    from profiles.models import Organization
    from profiles.services.imports import csv_import_seeds

    call_command("migrate", verbosity=0)
    org, _created = Organization.objects.get_or_create(
        key="bench-u", defaults={"kind": OrgKind.UNIVERSITY, "name": "Bench University"}
    )
    header = "key,title,summary,keywords,field,trl,collaboration_modes,researchers,patents"
    rows = [header] + [
        f"b-{i},Seed {i},Summary of seed {i} about batteries,battery;material,Materials,4,"
        f"joint_research,Name {i}|Dept||yes,2023-{i}||yes|Title {i}"
        for i in range(1000)
    ]
    blank = [header] + [f"b-{i},Seed {i},,,,,,," for i in range(1000)]

    def timed(text: str, *, dry_run: bool, repeat: int = 3):
        times, report = [], None
        for _ in range(repeat):
            start = time.perf_counter()
            report = csv_import_seeds(org=org, by=None, file=text.encode(), dry_run=dry_run)
            times.append(time.perf_counter() - start)
        return times, report

    def line(label: str, times: list[float]) -> str:
        each = ", ".join(f"{t:.2f}" for t in times)
        return f"{label}: median {statistics.median(times):.2f} s over {len(times)} ({each})"

    text = "\n".join(rows) + "\n"
    times, report = timed(text, dry_run=True)
    assert len(report.created) == 1000 and not report.errors, report.errors[:3]
    print(line("dry run, 1,000 new rows", times))
    timed(text, dry_run=False, repeat=1)
    times, report = timed(text, dry_run=True)
    assert len(report.unchanged) == 1000, report.errors[:3]
    print(line("dry run, the same 1,000 rows again (all unchanged)", times))
    times, report = timed("\n".join(blank) + "\n", dry_run=True)
    assert len(report.unchanged) == 1000 and not report.errors, report.errors[:3]
    print(line("dry run, 1,000 updates with blank cells (left as they are)", times))
    print(f"cpus: {os.cpu_count()}, load average: {os.getloadavg()}")


if __name__ == "__main__":
    main()
