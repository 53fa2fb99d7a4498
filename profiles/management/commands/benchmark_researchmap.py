"""`python manage.py benchmark_researchmap [--researchers N]`: how long a researchmap import of
N synthetic researchers takes (first import, then the same file again), against the CSV import
of the same number of seeds as the baseline (the same catalogue services write both). Prints
the figures, their ratio, the machine and the load average. Everything is rolled back.
"""

from __future__ import annotations

import json
import os
import platform
import time

from django.core.management.base import BaseCommand
from django.db import connection, transaction

from profiles.choices import OrgKind
from profiles.models import Organization, ResearchmapImport, Seed
from profiles.services.imports import csv_import_seeds
from profiles.services.imports.researchmap import (
    researchmap_import_create,
    researchmap_import_run,
)


def researcher(n: int) -> dict:
    """One synthetic researcher: two interests, an area, an industry project, a basic project
    and a patent with its PCT filing (three drafts' worth of achievements)."""
    p = f"bench-{n:05d}"
    base = f"https://api.researchmap.jp/{p}"
    return {
        "@id": base,
        "@type": "researchers",
        "permalink": p,
        "family_name": {"ja": "研究", "en": "Kenkyu"},
        "given_name": {"ja": f"太郎{n}", "en": f"Taro{n}"},
        "affiliations": [{"affiliation": {"ja": "ベンチ大学"}, "section": {"ja": "工学部"}}],
        "@graph": [
            {
                "@type": "research_interests",
                "items": [
                    {"rm:id": f"{n}1", "keyword": {"ja": "材料", "en": "materials"}},
                    {"rm:id": f"{n}2", "keyword": {"ja": f"テーマ{n}"}},
                ],
            },
            {
                "@type": "research_areas",
                "items": [{"rm:id": f"{n}3", "research_field": {"ja": "ナノテク・材料"}}],
            },
            {
                "@type": "research_projects",
                "items": [
                    {
                        "rm:id": f"{n}4",
                        "research_project_title": {"ja": f"企業との共同研究 {n}"},
                        "description": {"ja": f"実用化に向けた共同研究 {n} の説明。" * 5},
                        "identifiers": {"grant_number": [f"G{n:06d}"]},
                    },
                    {
                        "rm:id": f"{n}5",
                        "research_project_title": {"ja": f"基礎研究 {n}"},
                        "description": {"ja": "基礎的な研究。"},
                    },
                ],
            },
            {
                "@type": "industrial_property_rights",
                "items": [
                    {
                        "rm:id": f"{n}6",
                        "industrial_property_right_type": "patent_right",
                        "industrial_property_right_title": {"ja": f"発明 {n}"},
                        "application_number": f"特願2020-{n:06d}",
                    },
                    {
                        "rm:id": f"{n}7",
                        "industrial_property_right_type": "patent_right",
                        "industrial_property_right_title": {"ja": f"発明 {n}"},
                        "application_number": f"PCT/JP2021/{n:06d}",
                    },
                ],
            },
        ],
    }


class Command(BaseCommand):
    help = "Time a researchmap import of N synthetic researchers against a CSV import baseline."

    def add_arguments(self, parser):
        parser.add_argument("--researchers", type=int, default=200)

    def handle(self, *args, researchers: int, **options):
        n = researchers
        content = "\n".join(json.dumps(researcher(i), ensure_ascii=False) for i in range(n))
        rows = ["key,title,summary,keywords"] + [
            f"bench-csv-{i},企業との共同研究 {i},実用化に向けた共同研究の説明 {i},材料;テーマ{i}"
            for i in range(2 * n)
        ]
        figures = {}
        with transaction.atomic():
            org = Organization.objects.create(
                key="bench-researchmap", name="ベンチ大学", kind=OrgKind.UNIVERSITY
            )
            for label in ("first", "again"):
                start = time.perf_counter()
                imp = researchmap_import_create(
                    org=org, by=None, source="file", content=content, run_in_background=False
                )
                imp = researchmap_import_run(import_id=imp.id)
                figures[label] = time.perf_counter() - start
                assert imp.status == ResearchmapImport.Status.DONE, imp.error
            drafts = Seed.objects.filter(organization=org).count()
            csv_org = Organization.objects.create(
                key="bench-csv", name="ベンチ大学CSV", kind=OrgKind.UNIVERSITY
            )
            start = time.perf_counter()
            report = csv_import_seeds(
                org=csv_org, by=None, file="\n".join(rows).encode(), dry_run=False
            )
            figures["csv"] = time.perf_counter() - start
            assert report.committed
            transaction.set_rollback(True)
        load = os.getloadavg()
        self.stdout.write(
            f"researchmap import of {n} researchers ({len(content) / 1e6:.1f} MB, "
            f"{drafts} drafts): {figures['first']:.2f} s "
            f"({1000 * figures['first'] / drafts:.1f} ms per draft); "
            f"same file again: {figures['again']:.2f} s"
        )
        self.stdout.write(
            f"baseline: CSV import of {2 * n} seeds: {figures['csv']:.2f} s "
            f"({1000 * figures['csv'] / (2 * n):.1f} ms per seed); "
            f"ratio per seed written: {(figures['first'] / drafts) / (figures['csv'] / (2 * n)):.2f}"
        )
        self.stdout.write(
            f"machine: {platform.machine()} {platform.processor() or ''} "
            f"{os.cpu_count()} cores, {connection.vendor}; "
            f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}"
        )
