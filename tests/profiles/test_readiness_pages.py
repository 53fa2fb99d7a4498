"""Readiness pages: list with filters, a university's page with rules and chart, the editor,
and the estimator page."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from profiles.choices import MemberRole, OrgKind
from profiles.models import ReadinessProfile, ReadinessVersion, TrackRecord
from tests.factories import make_need, make_org, make_readiness, make_track_record, make_user

pytestmark = pytest.mark.django_db


def test_the_list_filters_by_region_and_links_each_university(client):
    tokyo = make_org(prefecture="東京都", name="東京テスト大学")
    make_readiness(org=tokyo)
    osaka = make_org(prefecture="大阪府", name="大阪テスト大学")
    make_readiness(org=osaka)
    client.force_login(make_user(org=make_org(kind=OrgKind.COMPANY)))
    html = client.get(reverse("readiness_list"), {"region": "kinki"}).content.decode()
    assert "大阪テスト大学" in html
    assert "東京テスト大学" not in html
    assert reverse("readiness_detail", args=[osaka.id]) in html


def test_the_university_page_shows_levels_rules_chart_and_indicators(client):
    uni = make_org(prefecture="北海道")
    make_readiness(org=uni, indirect_cost_rate_percent=Decimal("30"), ip_policy=True)
    make_track_record(org=uni, joint_research_count=4, joint_research_income_yen=10_000_002)
    client.force_login(make_user(org=make_org(kind=OrgKind.COMPANY)))
    r = client.get(reverse("readiness_detail", args=[uni.id]))
    assert r.status_code == 200
    html = r.content.decode()
    assert 'data-testid="comparison-chart"' in html
    assert "間接経費率が30%以上" in html  # the rule is on the page, not hidden
    assert "2,500,001円" in html  # 10,000,002 / 4 = 2,500,000.5 → half up
    assert 'data-criterion="indirect_rate" data-met="1"' in html


def test_an_unknown_or_pending_university_page_is_404(client):
    pending = make_org(approval_status="pending")
    make_readiness(org=pending)
    client.force_login(make_user(org=make_org(kind=OrgKind.COMPANY)))
    assert client.get(reverse("readiness_detail", args=[pending.id])).status_code == 404
    assert client.get(reverse("readiness_detail", args=[999_999])).status_code == 404


def test_readiness_pages_are_public_and_the_estimator_needs_sign_in(client):
    """README lists /readiness/ as public: a visitor reads approved universities' readiness
    (not a pending one's), without the researchers of seeds (members only)."""
    uni = make_org(name="公開テスト大学")
    make_readiness(org=uni)
    pending = make_org(name="審査中テスト大学", approval_status="pending")
    make_readiness(org=pending)
    listed = client.get(reverse("readiness_list"))
    assert listed.status_code == 200
    html = listed.content.decode()
    assert "公開テスト大学" in html and "審査中テスト大学" not in html
    detail = client.get(reverse("readiness_detail", args=[uni.id]))
    assert detail.status_code == 200
    assert "承認済みの組織の会員に表示されます" in detail.content.decode()
    assert client.get(reverse("readiness_detail", args=[pending.id])).status_code == 404
    assert client.get(reverse("readiness_estimate")).status_code == 302
    assert client.get(reverse("readiness_edit")).status_code == 302


def test_a_member_saves_the_profile_and_a_track_record_from_the_editor(client):
    uni = make_org()
    client.force_login(make_user(org=uni, role=MemberRole.STAFF))
    r = client.post(
        reverse("readiness_edit"),
        {"action": "profile", "as_of": "2026-04-01", "indirect_cost_rate_percent": "28.5"},
    )
    assert r.status_code == 302
    assert ReadinessProfile.objects.get(organization=uni).indirect_cost_rate_percent == Decimal(
        "28.50"
    )
    r = client.post(
        reverse("readiness_edit"),
        {
            "action": "track_record",
            "fiscal_year": 2024,
            "joint_research_count": 3,
            "joint_research_income_yen": 9_000_000,
            "large_project_count": 0,
            "license_count": 0,
            "license_income_yen": 0,
            "spinoff_count": 0,
            "cross_appointment_count": 0,
        },
    )
    assert r.status_code == 302
    assert TrackRecord.objects.get(organization=uni).joint_research_income_yen == 9_000_000
    assert ReadinessVersion.objects.filter(organization=uni).count() == 2


def test_the_editor_shows_the_field_error_and_writes_nothing_for_a_bad_rate(client):
    uni = make_org()
    client.force_login(make_user(org=uni))
    r = client.post(
        reverse("readiness_edit"),
        {"action": "profile", "as_of": "2026-04-01", "indirect_cost_rate_percent": "120"},
    )
    assert r.status_code == 200
    assert 'data-field="indirect_cost_rate_percent"' in r.content.decode()
    assert not ReadinessProfile.objects.exists()


def test_a_company_cannot_open_the_readiness_editor(client):
    client.force_login(make_user(org=make_org(kind=OrgKind.COMPANY)))
    assert client.get(reverse("readiness_edit")).status_code == 403


def test_the_estimator_page_shows_each_line_and_the_fit_with_the_companys_budget(client):
    uni = make_org()
    make_readiness(org=uni, indirect_cost_rate_percent=Decimal("30"))
    company = make_org(kind=OrgKind.COMPANY)
    need = make_need(org=company, budget_min_yen=0, budget_max_yen=1_000_000)
    client.force_login(make_user(org=company))
    r = client.post(
        reverse("readiness_estimate"),
        {
            "organization": uni.id,
            "direct_costs_yen": 1_000_000,
            "faculty_person_months": "0",
            "postdoc_person_months": "0",
            "student_person_months": "0",
            "need": need.id,
        },
    )
    html = r.content.decode()
    assert r.status_code == 200
    assert 'data-line="indirect"' in html
    assert "1,300,000円" in html
    assert 'data-fit="over"' in html
