"""Demo readiness profiles for the demo universities (keys starting with `demo-`).

The values are illustrative and generated deterministically from each organisation's key;
every profile says so in its notes. They are NOT the real figures of the universities whose
names the demo catalog uses. Safe to run twice (each run writes one new version per
organisation with the same values). Run it before matching so the readiness signal is set.
"""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

from django.core.management.base import BaseCommand

from profiles.choices import ACADEMIC_KINDS
from profiles.deferred import N_, Text
from profiles.models import Organization
from profiles.services.readiness import current_fiscal_year, readiness_import

DEMO_NOTE = (
    "デモ用の架空の値です。実在の大学・研究機関の実績ではありません。\n"
    "Demo values, invented: not the real figures of the university or institute."
)


def demo_values(key: str, *, last_fy: int) -> tuple[dict, list[dict]]:
    rng = random.Random(f"sangaku-readiness-demo:{key}")
    strong = rng.random()
    flag = lambda p: rng.random() < p  # noqa: E731 — a one-line helper reads best here
    profile = {
        "as_of": datetime.date(last_fy + 1, 4, 1),
        "office_cross_departmental_planning": flag(0.3 + 0.6 * strong),
        "office_dedicated_staff": flag(0.2 + 0.7 * strong),
        "office_single_contact_point": flag(0.6),
        "office_staff_count": rng.randint(3, 60),
        "indirect_cost_rate_percent": Decimal(rng.choice([10, 15, 20, 25, 30, 30, 40])),
        "charges_personnel_costs": flag(0.2 + 0.6 * strong),
        "charges_student_costs": flag(0.3),
        "charges_strategic_costs": flag(0.1 + 0.5 * strong),
        "strategic_cost_rate_percent": Decimal(rng.choice([5, 10, 10, 15])),
        "faculty_monthly_rate_yen": rng.choice([600_000, 750_000, 900_000]),
        "postdoc_monthly_rate_yen": rng.choice([400_000, 500_000]),
        "student_monthly_rate_yen": rng.choice([150_000, 200_000]),
        "standard_contract_terms": flag(0.7),
        "days_to_contract": rng.choice([30, 45, 60, 90, 120, 180]),
        "ip_policy": flag(0.9),
        "joint_ip_flexible": flag(0.3 + 0.5 * strong),
        "patent_review": flag(0.6),
        "exclusive_license": flag(0.8),
        "non_exclusive_license": flag(0.9),
        "coi_individual": flag(0.95),
        "coi_institutional": flag(0.3 + 0.5 * strong),
        "export_control": flag(0.9),
        "nda_procedure": flag(0.9),
        "cross_appointment_system": flag(0.5 + 0.4 * strong),
        "cross_appointments_with_companies": rng.randint(0, int(2 + 10 * strong)),
        "notes": DEMO_NOTE,
    }
    records = []
    count = rng.randint(40, 200) if strong > 0.5 else rng.randint(8, 60)
    for fy in range(last_fy - 2, last_fy + 1):
        count = max(1, int(count * rng.uniform(0.9, 1.2)))
        avg = rng.randint(1_500_000, int(2_000_000 + 4_000_000 * strong))
        large = min(count, int(count * rng.uniform(0.0, 0.05 + 0.1 * strong)))
        licences = rng.randint(0, int(5 + 60 * strong))
        records.append(
            {
                "fiscal_year": fy,
                "joint_research_count": count,
                "joint_research_income_yen": count * avg,
                "large_project_count": large,
                "license_count": licences,
                "license_income_yen": licences * rng.randint(100_000, 2_000_000),
                "spinoff_count": rng.randint(0, int(1 + 8 * strong)),
                "cross_appointment_count": rng.randint(0, int(1 + 6 * strong)),
            }
        )
    return profile, records


class Command(BaseCommand):
    help = "Load illustrative readiness profiles for the demo universities (keys demo-*)."

    def handle(self, *args, **options):
        last_fy = current_fiscal_year() - 1
        orgs = Organization.objects.filter(key__startswith="demo-", kind__in=ACADEMIC_KINDS)
        n = 0
        for org in orgs.order_by("key"):
            profile, records = demo_values(org.key, last_fy=last_fy)
            readiness_import(
                org=org,
                profile=profile,
                track_records=records,
                summary=Text(N_("デモデータの読み込み")),
            )
            n += 1
        self.stdout.write(f"demo readiness: {n} organisations (illustrative values)")
