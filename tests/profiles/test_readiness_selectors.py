"""Indicator arithmetic, pillar levels and the overall readiness score."""

from __future__ import annotations

from decimal import Decimal

import pytest

from profiles.choices import OrgKind
from profiles.models import ReadinessProfile, TrackRecord
from profiles.selectors.readiness import readiness_comparison, readiness_list, readiness_scores
from profiles.selectors.readiness_rules import (
    PILLARS,
    assess,
    indicators_by_year,
    indicators_for,
    round_yen,
)
from tests.factories import make_org, make_readiness, make_track_record, make_user


def _record(**kw) -> TrackRecord:
    kw.setdefault("fiscal_year", 2024)
    return TrackRecord(**kw)


def test_average_income_per_project_is_income_over_count_rounded_half_up():
    ind = indicators_for(_record(joint_research_count=3, joint_research_income_yen=10_000_001))
    # 10,000,001 / 3 = 3,333,333.67 → 3,333,334
    assert ind.average_income_per_project_yen == 3_333_334
    ind = indicators_for(_record(joint_research_count=2, joint_research_income_yen=5))
    # 2.5 rounds half up to 3 (banker's rounding would give 2)
    assert ind.average_income_per_project_yen == 3


def test_large_project_share_and_licence_average():
    ind = indicators_for(
        _record(
            joint_research_count=40,
            joint_research_income_yen=120_000_000,
            large_project_count=3,
            license_count=4,
            license_income_yen=1_000_002,
        )
    )
    assert ind.large_project_share == Decimal("0.0750")
    assert ind.average_license_income_yen == 250_001  # 250,000.5 → 250,001


def test_ratios_are_none_when_there_is_no_joint_research():
    ind = indicators_for(_record(joint_research_count=0, license_count=0))
    assert ind.average_income_per_project_yen is None
    assert ind.large_project_share is None
    assert ind.average_license_income_yen is None


def test_income_growth_compares_with_the_previous_fiscal_year_only():
    rows = indicators_by_year(
        [
            _record(fiscal_year=2022, joint_research_count=1, joint_research_income_yen=100),
            _record(fiscal_year=2023, joint_research_count=1, joint_research_income_yen=125),
            _record(fiscal_year=2025, joint_research_count=1, joint_research_income_yen=500),
        ]
    )
    assert [r.fiscal_year for r in rows] == [2025, 2023, 2022]
    assert rows[0].income_growth is None  # FY2024 missing: no growth figure
    assert rows[1].income_growth == Decimal("0.2500")
    assert rows[2].income_growth is None


def test_round_yen_rounds_half_up():
    assert round_yen(Decimal("0.5")) == 1
    assert round_yen(Decimal("1.49")) == 1
    assert round_yen(Decimal("2.5")) == 3


def test_every_pillar_has_four_criteria_so_levels_run_from_one_to_five():
    assert len(PILLARS) == 6
    assert all(len(p.criteria) == 4 for p in PILLARS)


def _full_profile(org=None) -> ReadinessProfile:
    return ReadinessProfile(
        organization=org or make_org(),
        office_cross_departmental_planning=True,
        office_dedicated_staff=True,
        office_single_contact_point=True,
        indirect_cost_rate_percent=Decimal("30"),
        charges_personnel_costs=True,
        charges_strategic_costs=True,
        standard_contract_terms=True,
        days_to_contract=90,
        ip_policy=True,
        joint_ip_flexible=True,
        patent_review=True,
        exclusive_license=True,
        non_exclusive_license=True,
        coi_individual=True,
        coi_institutional=True,
        export_control=True,
        nda_procedure=True,
        cross_appointment_system=True,
        cross_appointments_with_companies=5,
        charges_student_costs=True,
    )


@pytest.mark.django_db
def test_a_profile_meeting_every_criterion_is_level_five_everywhere_with_score_one():
    record = _record(
        joint_research_count=10,
        joint_research_income_yen=30_000_000,
        large_project_count=1,
        license_count=1,
    )
    a = assess(_full_profile(), [record])
    assert {p.code: p.level for p in a.pillars} == {
        "office": 5,
        "costing": 5,
        "ip": 5,
        "risk": 5,
        "people": 5,
        "track_record": 5,
    }
    assert a.score == 1.0


@pytest.mark.django_db
def test_thresholds_are_inclusive_and_one_miss_lowers_one_level():
    profile = _full_profile()
    profile.indirect_cost_rate_percent = Decimal("29.99")
    profile.days_to_contract = 91
    profile.exclusive_license = False
    # 9 projects averaging ¥2,999,999 and no large project: three track-record criteria fail
    record = _record(joint_research_count=9, joint_research_income_yen=26_999_991, license_count=0)
    a = assess(profile, [record])
    levels = {p.code: p.level for p in a.pillars}
    assert levels["costing"] == 3  # rate and contract-speed criteria missed
    assert levels["ip"] == 4
    assert levels["office"] == 4  # no large project in the latest year
    assert levels["track_record"] == 1
    # mean of (4-1, 3-1, 4-1, 5-1, 5-1, 1-1)/4 over 6 pillars = 16/24
    assert a.score == round(16 / 24, 3)


@pytest.mark.django_db
def test_an_empty_profile_without_track_record_is_level_one_and_score_zero():
    a = assess(ReadinessProfile(organization=make_org()), [])
    assert all(p.level == 1 for p in a.pillars)
    assert a.score == 0.0


@pytest.mark.django_db
def test_readiness_scores_returns_only_academic_organisations_with_a_profile():
    u1 = make_org()
    make_readiness(org=u1, coi_individual=True, coi_institutional=True)
    u2 = make_org()  # no profile
    company = make_org(kind=OrgKind.COMPANY)
    make_readiness(org=company, ip_policy=True)
    scores = readiness_scores(org_ids=[u1.id, u2.id, company.id])
    assert set(scores) == {u1.id}
    # risk pillar level 3 → (3-1)/4 = 0.5, averaged over six pillars
    assert scores[u1.id] == round(0.5 / 6, 3)
    assert readiness_scores(org_ids=[]) == {}


@pytest.mark.django_db
def test_companies_filter_by_region_and_sort_by_score():
    kanto_low = make_org(prefecture="東京都")
    make_readiness(org=kanto_low)
    kanto_high = make_org(prefecture="神奈川県")
    make_readiness(org=kanto_high, ip_policy=True, patent_review=True)
    kinki = make_org(prefecture="大阪府")
    make_readiness(org=kinki, ip_policy=True, patent_review=True, export_control=True)
    pending = make_org(prefecture="東京都", approval_status="pending")
    make_readiness(org=pending, ip_policy=True)
    viewer = make_user(org=make_org(kind=OrgKind.COMPANY))

    rows = readiness_list(user=viewer, region="kanto")
    assert [a.organization for a in rows] == [kanto_high, kanto_low]
    rows = readiness_list(user=viewer)
    assert [a.organization for a in rows] == [kinki, kanto_high, kanto_low]
    rows = readiness_list(user=viewer, min_score=0.05)
    assert kanto_low not in [a.organization for a in rows]


@pytest.mark.django_db
def test_comparison_uses_the_median_of_the_region_and_of_all_universities():
    viewer = make_user(org=make_org(kind=OrgKind.COMPANY))
    rates = {"東京都": [10, 20, 40], "大阪府": [30]}
    orgs = []
    for pref, values in rates.items():
        for v in values:
            org = make_org(prefecture=pref)
            make_readiness(org=org, indirect_cost_rate_percent=Decimal(v), days_to_contract=v)
            make_track_record(
                org=org, joint_research_count=2, joint_research_income_yen=v * 1_000_000
            )
            orgs.append(org)
    target = orgs[0]  # Tokyo, 10 %
    from profiles.selectors.readiness import readiness_for

    a = readiness_for(user=viewer, org_id=target.id)
    rows = {r.code: r for r in readiness_comparison(user=viewer, assessment=a)}
    assert rows["indirect_rate"].value == 10.0
    assert rows["indirect_rate"].region_median == 20.0  # median of 10, 20, 40
    assert rows["indirect_rate"].national_median == 25.0  # median of 10, 20, 30, 40
    assert rows["average_income"].value == 5_000_000.0
    assert rows["average_income"].region_median == 10_000_000.0
    assert rows["days_to_contract"].higher_is_better is False
