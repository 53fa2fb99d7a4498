"""End to end in headless Chromium against the live server: a university member fills in its
readiness and a fiscal year, and a company sees the levels, the comparison chart and an
estimate at the university's rates."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from profiles.choices import OrgKind
from profiles.models import ReadinessProfile, ReadinessVersion
from tests.factories import make_org, make_user

# Playwright's sync API runs an event loop in the test thread. Data is arranged before the
# browser starts and checked after it stops, so the ORM never runs inside that loop; the flag
# only covers Django's guard while the loop is alive.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHROMIUM = Path("/usr/bin/chromium")
PASSWORD = "pass-Sangaku-2026"


def _login(page, base: str, username: str) -> None:
    page.goto(base + "/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.click("form[action='/login/'] button[type=submit]")


def test_university_fills_in_readiness_and_a_company_compares_and_estimates(live_server):
    if not CHROMIUM.exists():
        pytest.skip("/usr/bin/chromium is not installed")
    playwright_api = pytest.importorskip("playwright.sync_api")
    uni = make_org(kind=OrgKind.UNIVERSITY, name="ブラウザ大学", prefecture="宮城県")
    make_user(org=uni, username="uni-browser")
    make_user(org=make_org(kind=OrgKind.COMPANY), username="co-browser")
    base = live_server.url
    errors: list[str] = []
    seen: dict[str, object] = {}

    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-gpu"], headless=True
        )
        ctx = browser.new_context(locale="ja-JP")
        ctx.set_default_timeout(20_000)
        page = ctx.new_page()
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        _login(page, base, "uni-browser")
        page.goto(base + "/readiness/edit/")
        page.fill("#id_as_of", "2026-04-01")
        page.fill("#id_indirect_cost_rate_percent", "30")
        page.check("#id_charges_personnel_costs")
        page.fill("#id_faculty_monthly_rate_yen", "800000")
        page.check("#id_ip_policy")
        with page.expect_navigation():
            page.click("[data-testid=readiness-save]")
        form = page.locator("[data-testid=track-record-form]")
        form.locator("#id_fiscal_year").fill("2024")
        form.locator("#id_joint_research_count").fill("4")
        form.locator("#id_joint_research_income_yen").fill("20000000")
        form.locator("#id_large_project_count").fill("1")
        with page.expect_navigation():
            form.locator("button[type=submit]").click()
        seen["version_2_listed"] = page.locator("[data-version='2']").count()
        ctx.close()

        ctx = browser.new_context(locale="ja-JP")
        ctx.set_default_timeout(20_000)
        page = ctx.new_page()
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        _login(page, base, "co-browser")
        page.goto(base + "/readiness/?region=tohoku")
        with page.expect_navigation():
            page.click("text=ブラウザ大学")
        seen["chart_bars"] = page.locator("[data-testid=comparison-chart] rect").count()
        seen["rate_met"] = page.locator("[data-criterion=indirect_rate][data-met='1']").count()
        seen["per_project"] = "¥5,000,000" in page.content()  # 20,000,000 / 4
        page.goto(base + f"/readiness/estimate/?organization={uni.id}")
        page.fill("#id_direct_costs_yen", "1000000")
        page.fill("#id_faculty_person_months", "1.5")
        with page.expect_navigation():
            page.click("[data-testid=estimate-form] button[type=submit]")
        seen["total"] = page.locator("[data-testid=estimate-total]").inner_text()
        ctx.close()
        browser.close()

    assert errors == []
    assert seen["version_2_listed"] == 1
    assert seen["chart_bars"] >= 3
    assert seen["rate_met"] == 1
    assert seen["per_project"] is True
    # 1,000,000 + 1.5 × 800,000 = 2,200,000; + 30 % = 660,000 → 2,860,000
    assert seen["total"] == "¥2,860,000"
    assert ReadinessProfile.objects.get(organization=uni).faculty_monthly_rate_yen == 800_000
    assert ReadinessVersion.objects.filter(organization=uni).count() == 2
