"""Fair-price estimator: arithmetic, yen rounding, budget fit, configured rates, API."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from profiles.choices import OrgKind
from profiles.services.estimator import (
    PriceRates,
    compute_estimate,
    estimate_for_need,
    estimate_price,
)
from tests.factories import make_need, make_org, make_readiness, make_user

RATES = PriceRates(
    indirect_rate_percent=Decimal("30"),
    indirect_rate_configured=True,
    strategic_rate_percent=Decimal("10"),
    faculty_monthly_yen=900_000,
    postdoc_monthly_yen=500_000,
    student_monthly_yen=200_000,
)


def _amounts(est):
    return {line.code: line.amount_yen for line in est.lines}


def test_every_line_follows_the_documented_formula():
    est = compute_estimate(
        rates=RATES,
        direct_costs_yen=1_000_000,
        faculty_person_months=Decimal("1.2"),
        postdoc_person_months=6,
        student_person_months=3,
    )
    # personnel: 1.2 × 900,000 + 6 × 500,000 + 3 × 200,000 = 1,080,000 + 3,000,000 + 600,000
    # base = 1,000,000 + 4,680,000 = 5,680,000; indirect 30 % = 1,704,000; strategic 10 % = 568,000
    assert _amounts(est) == {
        "direct": 1_000_000,
        "faculty": 1_080_000,
        "postdoc": 3_000_000,
        "student": 600_000,
        "indirect": 1_704_000,
        "strategic": 568_000,
    }
    assert est.total_yen == 7_952_000
    assert all(line.explanation for line in est.lines)


def test_each_line_rounds_half_up_to_the_yen_and_the_total_is_their_sum():
    rates = PriceRates(Decimal("12.5"), True, Decimal("0"), 333_333, None, None)
    est = compute_estimate(rates=rates, direct_costs_yen=3, faculty_person_months=Decimal("0.5"))
    # faculty 0.5 × 333,333 = 166,666.5 → 166,667 (half up; banker's rounding gives 166,666)
    # indirect (3 + 166,667) × 12.5 % = 20,833.75 → 20,834
    assert _amounts(est)["faculty"] == 166_667
    assert _amounts(est)["indirect"] == 20_834
    assert est.total_yen == 3 + 166_667 + 20_834


def test_half_a_yen_of_indirect_cost_rounds_up():
    rates = PriceRates(Decimal("50"), True, Decimal("0"), None, None, None)
    est = compute_estimate(rates=rates, direct_costs_yen=1)
    assert _amounts(est)["indirect"] == 1  # 0.5 → 1
    assert est.total_yen == 2


def test_a_role_the_university_does_not_charge_costs_nothing_and_says_so():
    rates = PriceRates(Decimal("10"), True, Decimal("0"), None, None, None)
    est = compute_estimate(rates=rates, direct_costs_yen=100, faculty_person_months=5)
    line = next(line for line in est.lines if line.code == "faculty")
    assert line.amount_yen == 0
    assert "計上していません" in line.explanation
    assert est.total_yen == 110


@pytest.mark.parametrize(
    ("bmin", "bmax", "fit", "gap"),
    [
        (None, None, "unknown", 0),
        (1_000_000, 1_300_000, "fit", 0),
        (None, 1_299_999, "over", 1),
        (None, 1_300_000, "fit", 0),
        (1_300_001, None, "under", 1),
    ],
)
def test_the_budget_fit_and_gap(bmin, bmax, fit, gap):
    rates = PriceRates(Decimal("30"), True, Decimal("0"), None, None, None)
    est = compute_estimate(
        rates=rates, direct_costs_yen=1_000_000, budget_min_yen=bmin, budget_max_yen=bmax
    )
    assert est.total_yen == 1_300_000
    assert (est.fit, est.gap_yen) == (fit, gap)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"direct_costs_yen": -1}, "direct_costs_yen"),
        ({"faculty_person_months": "-0.5"}, "faculty_person_months"),
        ({"student_person_months": "abc"}, "student_person_months"),
        ({"postdoc_person_months": 5000}, "postdoc_person_months"),
        ({"budget_min_yen": 10, "budget_max_yen": 5}, "budget_min_yen"),
    ],
)
def test_bad_inputs_raise_a_validation_error_naming_the_field(kwargs, field):
    with pytest.raises(ValidationError) as exc:
        compute_estimate(rates=RATES, **kwargs)
    assert field in exc.value.message_dict


@pytest.mark.django_db
def test_configured_rates_are_used_and_uncharged_flags_switch_lines_off():
    uni = make_org()
    make_readiness(
        org=uni,
        indirect_cost_rate_percent=Decimal("40"),
        charges_personnel_costs=True,
        faculty_monthly_rate_yen=1_000_000,
        charges_student_costs=False,
        student_monthly_rate_yen=300_000,
        charges_strategic_costs=True,
        strategic_cost_rate_percent=Decimal("5"),
    )
    est = estimate_price(
        org=uni, direct_costs_yen=0, faculty_person_months=1, student_person_months=10
    )
    assert _amounts(est) == {
        "direct": 0,
        "faculty": 1_000_000,
        "postdoc": 0,
        "student": 0,
        "indirect": 400_000,
        "strategic": 50_000,
    }


@pytest.mark.django_db
def test_a_university_without_rates_is_estimated_at_the_reference_indirect_rate():
    est = estimate_price(org=make_org(), direct_costs_yen=1_000_000)
    assert est.rates.indirect_rate_configured is False
    assert _amounts(est)["indirect"] == 300_000
    assert "30%" in next(line for line in est.lines if line.code == "indirect").explanation


@pytest.mark.django_db
def test_estimate_for_need_uses_the_standard_scenario_and_the_needs_budget():
    uni = make_org()
    make_readiness(
        org=uni,
        indirect_cost_rate_percent=Decimal("30"),
        charges_personnel_costs=True,
        faculty_monthly_rate_yen=1_000_000,
        charges_student_costs=True,
        student_monthly_rate_yen=200_000,
    )
    need = make_need(duration_months=24, budget_min_yen=2_000_000, budget_max_yen=3_000_000)
    est = estimate_for_need(org=uni, need=need)
    # faculty 24 × 10 % = 2.4 pm × 1,000,000 = 2,400,000; student 24 × 25 % = 6 pm × 200,000
    # = 1,200,000; indirect 30 % of 3,600,000 = 1,080,000; total 4,680,000 > 3,000,000
    assert est.total_yen == 4_680_000
    assert (est.fit, est.gap_yen) == ("over", 1_680_000)
    assert len(est.assumptions) == 3


@pytest.mark.django_db
def test_estimate_api_returns_explained_lines_and_rejects_negative_input(api_client):
    uni = make_org()
    make_readiness(org=uni, indirect_cost_rate_percent=Decimal("25"))
    api_client.force_authenticate(make_user(org=make_org(kind=OrgKind.COMPANY)))
    url = reverse("api_readiness_estimate")
    r = api_client.post(
        url,
        {"organization": uni.id, "direct_costs_yen": 2_000_000, "budget_max_yen": 2_400_000},
        format="json",
    )
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["total_yen"] == 2_500_000
    assert body["fit"] == "over"
    assert body["gap_yen"] == 100_000
    assert [line["code"] for line in body["lines"]][0] == "direct"

    r = api_client.post(url, {"organization": uni.id, "direct_costs_yen": -5}, format="json")
    assert r.status_code == 400
    assert "direct_costs_yen" in r.json()
    r = api_client.post(url, {"organization": 999_999}, format="json")
    assert r.status_code == 400
    assert "organization" in r.json()
