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

# Playwright's sync API runs an event loop in the test thread; the ORM is used from it only to
# arrange data and check results, never concurrently with a request.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHROMIUM = Path("/usr/bin/chromium")
PASSWORD = "pass-Sangaku-2026"


@pytest.fixture
def browser():
    if not CHROMIUM.exists():
        pytest.skip("/usr/bin/chromium is not installed")
    playwright_api = pytest.importorskip("playwright.sync_api")
    with playwright_api.sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-gpu"], headless=True
        )
        yield b
        b.close()


def _login(page, base: str, username: str) -> None:
    page.goto(base + "/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.click("form[action='/login/'] button[type=submit]")


def test_university_fills_in_readiness_and_a_company_compares_and_estimates(browser, live_server):
    uni = make_org(kind=OrgKind.UNIVERSITY, name="ブラウザ大学", prefecture="宮城県")
    make_user(org=uni, username="uni-browser")
    make_user(org=make_org(kind=OrgKind.COMPANY), username="co-browser")
    errors: list[str] = []

    ctx = browser.new_context(locale="ja-JP")
    ctx.set_default_timeout(20_000)
    page = ctx.new_page()
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    _login(page, live_server.url, "uni-browser")
    page.goto(live_server.url + "/readiness/edit/")
    page.fill("#id_as_of", "2026-04-01")
    page.fill("#id_indirect_cost_rate_percent", "30")
    page.check("#id_charges_personnel_costs")
    page.fill("#id_faculty_monthly_rate_yen", "800000")
    page.check("#id_ip_policy")
    with page.expect_navigation():
        page.click("[data-testid=readiness-save]")
    assert ReadinessProfile.objects.get(organization=uni).faculty_monthly_rate_yen == 800_000

    form = page.locator("[data-testid=track-record-form]")
    form.locator("#id_fiscal_year").fill("2024")
    form.locator("#id_joint_research_count").fill("4")
    form.locator("#id_joint_research_income_yen").fill("20000000")
    form.locator("#id_large_project_count").fill("1")
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    assert ReadinessVersion.objects.filter(organization=uni).count() == 2
    assert page.locator("[data-version='2']").count() == 1
    ctx.close()

    ctx = browser.new_context(locale="ja-JP")
    ctx.set_default_timeout(20_000)
    page = ctx.new_page()
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    _login(page, live_server.url, "co-browser")
    page.goto(live_server.url + "/readiness/?region=tohoku")
    with page.expect_navigation():
        page.click("text=ブラウザ大学")
    assert page.locator("[data-testid=comparison-chart] rect").count() >= 3
    assert page.locator("[data-criterion=indirect_rate][data-met='1']").count() == 1
    assert "¥5,000,000" in page.content()  # 20,000,000 / 4 per project

    page.goto(live_server.url + f"/readiness/estimate/?organization={uni.id}")
    page.fill("#id_direct_costs_yen", "1000000")
    page.fill("#id_faculty_person_months", "1.5")
    with page.expect_navigation():
        page.click("[data-testid=estimate-form] button[type=submit]")
    # 1,000,000 + 1.5 × 800,000 = 2,200,000; + 30 % = 660,000 → 2,860,000
    assert page.locator("[data-testid=estimate-total]").inner_text() == "¥2,860,000"
    ctx.close()
    assert errors == []
