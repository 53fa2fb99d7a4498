"""The public KPI, case library and readiness pages in English, in Chromium against the live
server, at desktop and phone width: every word the platform writes is English (notes, targets,
case texts, prefectures, organisation names, readiness rules and history, amounts such as
¥115.1 billion), nothing overflows the phone screen sideways, no console error, and a
screenshot of each page in test-artifacts/screenshots/english-<page>-<desktop|phone>.png."""

from __future__ import annotations

import importlib
from decimal import Decimal

import pytest
from django.utils import timezone

from matching.models import Outcome
from profiles.choices import OrgKind
from profiles.services.readiness import readiness_update, track_record_upsert
from tests.factories import make_org, make_user
from tests.web.conftest import DESKTOP, PHONE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The page's visible text without elements marked as Japanese (cited titles), and its
# Japanese runs but for the 日本語 language button and the brand mark.
JAPANESE_LEFT = """() => {
  const body = document.body.cloneNode(true);
  body.querySelectorAll('[lang="ja"], script, style').forEach((e) => e.remove());
  const runs = body.innerText.match(/[\\u3040-\\u30ff\\u3400-\\u9fff\\uff01-\\uff60]+/g) || [];
  return [...new Set(runs)].filter((r) => r !== '産' && r !== '日本語');
}"""


def _platform_data() -> None:
    """The KPI indicators and the case library as their data migrations load them (a
    transactional test starts from tables another transactional test may have emptied)."""
    from django.apps import apps

    for name in (
        "0002_kpi_indicators",
        "0003_starting_cases",
        "0004_kpi_english_names",
        "0005_kpi_english_notes_and_targets",
        "0006_case_library_in_english",
    ):
        importlib.import_module(f"cases.migrations.{name}").load(apps, None)


def _world():
    _platform_data()
    uni = make_org(
        kind=OrgKind.UNIVERSITY, name="東都大学", name_en="Tohto University", prefecture="宮城県"
    )
    other = make_org(
        kind=OrgKind.UNIVERSITY, name="浪速大学", name_en="Naniwa University", prefecture="大阪府"
    )
    user = make_user(org=uni)
    readiness_update(
        org=uni,
        by=user,
        data={
            "indirect_cost_rate_percent": Decimal("30"),
            "charges_personnel_costs": True,
            "faculty_monthly_rate_yen": 800_000,
            "ip_policy": True,
            "notes": "Figures of the partnership office.",
        },
    )
    year = timezone.localdate().year - 2
    track_record_upsert(
        org=uni,
        by=user,
        fiscal_year=year,
        data={
            "joint_research_count": 120,
            "joint_research_income_yen": 480_000_000,
            "large_project_count": 9,
            "license_count": 30,
            "license_income_yen": 12_000_000,
        },
    )
    readiness_update(org=other, by=make_user(org=other), data={"ip_policy": True})
    for _ in range(3):  # enough organisations for a published figure
        Outcome.objects.create(
            agreement_type="joint_research",
            amount_yen=50_000_000,
            duration_years=1,
            fiscal_year=year,
            academic=make_org(kind=OrgKind.UNIVERSITY),
            company=make_org(kind=OrgKind.COMPANY),
        )
    return uni


def test_the_public_pages_read_in_english_on_desktop_and_phone(browser_session, screenshot_dir):
    uni = _world()
    pages = {
        "kpi": "/kpi/",
        "cases": "/cases/",
        "case": "/cases/osaka-ifrec-chugai/",
        "readiness": "/readiness/",
        "readiness-detail": f"/readiness/{uni.pk}/",
    }
    problems: list[str] = []
    seen: dict[str, str] = {}
    for width_name, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        session = browser_session(viewport=viewport, locale="en-US")
        session.context.add_cookies(
            [{"name": "django_language", "value": "en", "url": session.base_url}]
        )
        for name, path in pages.items():
            response = session.goto(path)
            if response.status != 200:
                problems.append(f"{path}: {response.status}")
                continue
            page = session.page
            if page.get_attribute("html", "lang") != "en":
                problems.append(f"{path}: not English")
            left = page.evaluate(JAPANESE_LEFT)
            if left:
                problems.append(f"{path} at {width_name}: {left}")
            overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            if width_name == "phone" and overflow > 1:
                problems.append(f"{path} at phone: {overflow}px sideways overflow")
            page.screenshot(
                path=str(screenshot_dir / f"english-{name}-{width_name}.png"), full_page=True
            )
            seen[f"{name}-{width_name}"] = page.inner_text("main")
        problems += session.errors
    assert problems == []
    assert "¥115.1 billion" in seen["kpi-desktop"]  # the FY2014 baseline
    assert "Triple the investment" in seen["kpi-desktop"]
    assert "¥1 billion" in seen["case-desktop"] and "first right of refusal" in seen["case-desktop"]
    assert "Tohto University" in seen["readiness-desktop"]
    assert "Tohoku" in seen["readiness-detail-desktop"]  # the region, in English
    assert "Track record for fiscal year" in seen["readiness-detail-desktop"]
    for name in pages:
        for width_name in ("desktop", "phone"):
            assert (screenshot_dir / f"english-{name}-{width_name}.png").stat().st_size > 10_000
