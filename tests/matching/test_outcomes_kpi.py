"""National KPIs: baselines kept as data, and exact aggregation from recorded outcomes."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from django.urls import reverse

from cases.models import KpiIndicator
from matching.models import Outcome
from matching.outcomes import kpi_csv, kpi_figures
from profiles.choices import OrgKind
from tests.factories import make_org

pytestmark = pytest.mark.django_db


def _outcome(**kw) -> Outcome:
    """An agreement between two organisations of its own (unless the test names them)."""
    kw.setdefault("fiscal_year", 2025)
    kw.setdefault("academic", make_org(kind=OrgKind.UNIVERSITY))
    kw.setdefault("company", make_org(kind=OrgKind.COMPANY))
    return Outcome.objects.create(**kw)


def _by_code(rows):
    return {r.code: r for r in rows}


def test_baselines_and_targets_from_the_policy_are_loaded_as_data():
    inv = KpiIndicator.objects.get(code="company-investment")
    assert (inv.baseline_value, inv.baseline_fiscal_year) == (115_088_000_000, 2014)
    assert (inv.target_multiplier, inv.target_fiscal_year) == (Decimal("3.000"), 2025)
    large = KpiIndicator.objects.get(code="large-joint-research")
    assert (large.baseline_value, large.baseline_fiscal_year, large.target_fiscal_year) == (
        690,
        2013,
        2020,
    )
    assert KpiIndicator.objects.get(code="licenses").baseline_value == 9_856
    assert KpiIndicator.objects.get(code="researcher-moves").baseline_value == 10_150
    rows = _by_code(kpi_figures())
    assert rows["company-investment"].target_value == 345_264_000_000
    assert rows["large-joint-research"].target_value == 1_380
    assert rows["licenses"].target_value == 14_784
    assert rows["researcher-moves"].target_value == 12_180
    assert all(r.indicator.source_url for r in rows.values() if r.indicator.baseline_value)


def test_aggregation_from_outcomes_gives_exact_figures():
    # Company investment counts joint/contract research and comprehensive partnerships per year.
    _outcome(agreement_type="joint_research", amount_yen=30_000_000, duration_years=3)  # 10M/yr
    _outcome(
        agreement_type="contract_research", amount_yen=5_000_001, duration_years=2
    )  # 2,500,000.5 → 2,500,001
    _outcome(
        agreement_type="comprehensive_partnership",
        amount_yen=1_000_000_000,
        duration_years=10,
        fiscal_year=2026,
    )
    _outcome(agreement_type="joint_research", amount_yen=19_999_999, duration_years=2)  # < 10M/yr
    _outcome(agreement_type="license", amount_yen=2_000_000)
    _outcome(agreement_type="license", amount_yen=0, fiscal_year=None)
    _outcome(
        agreement_type="cross_appointment",
        cross_appointment_direction="university_to_company",
        cross_appointment_count=2,
    )
    _outcome(
        agreement_type="cross_appointment",
        cross_appointment_direction="company_to_university",
        cross_appointment_count=0,  # recorded without a count: one person
    )
    _outcome(
        agreement_type="cross_appointment",
        cross_appointment_direction="company_to_university",
        cross_appointment_count=3,
        fiscal_year=2026,
    )
    _outcome(agreement_type="spinoff_investment", amount_yen=50_000_000)

    rows = _by_code(kpi_figures(suppress=False))
    assert rows["company-investment"].total == 10_000_000 + 2_500_001 + 100_000_000 + 9_999_999 + 1
    # 19,999,999 / 2 = 9,999,999.5 → 10,000,000: rounded per year it reaches ¥10M
    assert rows["large-joint-research"].total == 3
    assert rows["licenses"].total == 2
    assert rows["researcher-moves"].total == 6
    assert rows["cross-appointment-u2c"].total == 2
    assert rows["cross-appointment-c2u"].total == 4
    assert rows["spinoff-investments"].total == 1
    assert rows["spinoff-investment-amount"].total == 50_000_000

    assert rows["cross-appointment-c2u"].by_year == {2025: 1, 2026: 3}
    assert rows["licenses"].by_year == {2025: 1}  # the one without a fiscal year: total only
    assert rows["large-joint-research"].progress == round(3 / 690, 6)

    fy2026 = _by_code(kpi_figures(fiscal_year=2026, suppress=False))
    assert fy2026["company-investment"].total == 100_000_000
    assert fy2026["researcher-moves"].total == 3
    assert fy2026["licenses"].total == 0


def test_no_outcomes_means_zero_everywhere():
    assert all(r.total == 0 and r.by_year == {} for r in kpi_figures())


def test_csv_export_has_one_row_per_indicator_and_a_column_per_fiscal_year():
    for _ in range(3):
        _outcome(agreement_type="license", fiscal_year=2024)
    for _ in range(4):
        _outcome(agreement_type="license", fiscal_year=2025)
    text = kpi_csv(kpi_figures())
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == KpiIndicator.objects.count()
    lic = next(r for r in rows if r["code"] == "licenses")
    assert (lic["baseline_value"], lic["platform_total"], lic["fy2024"], lic["fy2025"]) == (
        "9856",
        "7",
        "3",
        "4",
    )
    assert lic["note"] == ""


def test_a_figure_from_fewer_than_three_organisations_is_suppressed_everywhere(client):
    """Two companies with one deal each: the other party of either deal could otherwise read
    the exact amount of the other deal off the total (amount − its own)."""
    uni = make_org(kind=OrgKind.UNIVERSITY)
    _outcome(agreement_type="joint_research", amount_yen=30_000_000, academic=uni)
    _outcome(agreement_type="joint_research", amount_yen=9_223_372_036, academic=uni)
    rows = _by_code(kpi_figures())
    assert rows["company-investment"].total is None
    assert rows["company-investment"].by_year == {2025: None}
    assert rows["company-investment"].progress is None
    raw = _by_code(kpi_figures(suppress=False))
    assert raw["company-investment"].total == 30_000_000 + 9_223_372_036
    page = client.get(reverse("kpi_dashboard")).content.decode()
    assert "922" not in page.replace("9,856", "")  # neither the total nor a part of it
    assert 'data-testid="kpi-suppression-rule"' in page
    api = client.get(reverse("api_kpi")).json()["results"]
    inv = next(r for r in api if r["code"] == "company-investment")
    assert inv["platform_total"] is None and inv["suppressed"] is True
    csv_rows = list(
        csv.DictReader(io.StringIO(client.get(reverse("kpi_csv")).content.decode("utf-8-sig")))
    )
    inv_csv = next(r for r in csv_rows if r["code"] == "company-investment")
    assert inv_csv["platform_total"] == "" and inv_csv["fy2025"] == "" and inv_csv["note"]


def test_three_deals_between_different_organisations_are_published():
    for amount in (10_000_000, 20_000_000, 30_000_000):
        _outcome(agreement_type="joint_research", amount_yen=amount)
    rows = _by_code(kpi_figures())
    assert rows["company-investment"].total == 60_000_000


def test_one_party_of_two_deals_cannot_isolate_the_third():
    """A, B and C: A↔B, A↔C, D↔E. A knows both of its own deals; the rest would be D↔E alone."""
    a = make_org(kind=OrgKind.UNIVERSITY)
    _outcome(agreement_type="license", academic=a)
    _outcome(agreement_type="license", academic=a)
    _outcome(agreement_type="license")
    assert _by_code(kpi_figures())["licenses"].total is None
    _outcome(agreement_type="license")  # now D↔E and F↔G remain without A: two deals
    assert _by_code(kpi_figures())["licenses"].total == 4


def test_a_total_is_suppressed_when_a_suppressed_year_could_be_subtracted_out():
    for _ in range(3):
        _outcome(agreement_type="license", fiscal_year=2024)
    _outcome(agreement_type="license", fiscal_year=2025)  # alone in its year
    lic = _by_code(kpi_figures())["licenses"]
    assert lic.by_year == {2024: 3, 2025: None}
    assert lic.total is None  # 4 − 3 would reveal the 2025 deal


def test_kpi_api_and_csv_download_are_public(client):
    for _ in range(3):
        _outcome(agreement_type="license")
    r = client.get(reverse("api_kpi"))
    assert r.status_code == 200
    lic = next(row for row in r.json()["results"] if row["code"] == "licenses")
    assert lic["platform_total"] == 3 and lic["suppressed"] is False
    assert client.get(reverse("api_kpi"), {"fiscal_year": 3000}).status_code == 400
    r = client.get(reverse("kpi_csv"))
    assert r.status_code == 200
    assert r["Content-Type"].startswith("text/csv")
    assert "licenses" in r.content.decode("utf-8-sig")
