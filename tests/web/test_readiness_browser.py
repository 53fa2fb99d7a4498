"""End to end in headless Chromium against the live server: a university member fills in its
readiness and a fiscal year, and a company sees the levels, the comparison chart and an
estimate at the university's rates."""

from __future__ import annotations

import pytest

from profiles.choices import OrgKind
from profiles.models import ReadinessProfile, ReadinessVersion
from tests.factories import make_org, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_university_fills_in_readiness_and_a_company_compares_and_estimates(browser_session):
    uni = make_org(kind=OrgKind.UNIVERSITY, name="ブラウザ大学", prefecture="宮城県")
    make_user(org=uni, username="uni-browser")
    make_user(org=make_org(kind=OrgKind.COMPANY), username="co-browser")
    seen: dict[str, object] = {}

    university = browser_session()
    university.login("uni-browser")
    page = university.page
    university.goto("/readiness/edit/")
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

    company = browser_session()
    company.login("co-browser")
    page = company.page
    company.goto("/readiness/?region=tohoku")
    with page.expect_navigation():
        page.click("text=ブラウザ大学")
    seen["chart_bars"] = page.locator("[data-testid=comparison-chart] rect").count()
    seen["rate_met"] = page.locator("[data-criterion=indirect_rate][data-met='1']").count()
    seen["per_project"] = "5,000,000円" in page.content()  # 20,000,000 / 4
    company.goto(f"/readiness/estimate/?organization={uni.id}")
    page.fill("#id_direct_costs_yen", "1000000")
    page.fill("#id_faculty_person_months", "1.5")
    with page.expect_navigation():
        page.click("[data-testid=estimate-form] button[type=submit]")
    seen["total"] = page.locator("[data-testid=estimate-total]").inner_text()

    assert university.errors == [] and company.errors == []
    assert seen["version_2_listed"] == 1
    assert seen["chart_bars"] >= 3
    assert seen["rate_met"] == 1
    assert seen["per_project"] is True
    # 1,000,000 + 1.5 × 800,000 = 2,200,000; + 30 % = 660,000 → 2,860,000
    assert seen["total"] == "2,860,000円"
    assert ReadinessProfile.objects.get(organization=uni).faculty_monthly_rate_yen == 800_000
    assert ReadinessVersion.objects.filter(organization=uni).count() == 2
