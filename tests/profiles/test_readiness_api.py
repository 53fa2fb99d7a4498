"""Readiness API: validation (400 naming the field, nothing written), permissions, history."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from profiles.choices import MemberRole, OrgKind
from profiles.models import ReadinessProfile, ReadinessVersion, TrackRecord
from profiles.services.readiness import current_fiscal_year, readiness_update
from tests.factories import make_org, make_readiness, make_user

pytestmark = pytest.mark.django_db

VALID = {
    "as_of": "2026-04-01",
    "indirect_cost_rate_percent": "30.00",
    "charges_personnel_costs": True,
    "faculty_monthly_rate_yen": 800_000,
    "days_to_contract": 60,
    "ip_policy": True,
}


def _detail(org):
    return reverse("api_readiness_detail", args=[org.id])


def _track(org, fy):
    return reverse("api_readiness_track_record", args=[org.id, fy])


@pytest.fixture
def university():
    return make_org(kind=OrgKind.UNIVERSITY)


@pytest.fixture
def member_client(api_client, university):
    api_client.force_authenticate(make_user(org=university, role=MemberRole.STAFF))
    return api_client


def test_a_member_creates_the_profile_and_it_is_version_one(member_client, university):
    r = member_client.put(_detail(university), VALID, format="json")
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["version"] == 1
    assert body["profile"]["indirect_cost_rate_percent"] == "30.00"
    assert {p["code"] for p in body["pillars"]} >= {"office", "costing", "track_record"}
    profile = ReadinessProfile.objects.get(organization=university)
    assert profile.faculty_monthly_rate_yen == 800_000
    assert ReadinessVersion.objects.filter(organization=university).count() == 1


def test_each_edit_is_a_new_dated_version_with_the_previous_kept(member_client, university):
    member_client.put(_detail(university), VALID, format="json")
    r = member_client.patch(
        _detail(university), {"indirect_cost_rate_percent": "35"}, format="json"
    )
    assert r.status_code == 200, r.content
    assert r.json()["version"] == 2
    history = member_client.get(reverse("api_readiness_history", args=[university.id])).json()
    versions = history["results"]
    assert [v["version"] for v in versions] == [2, 1]
    assert versions[0]["snapshot"]["indirect_cost_rate_percent"] == "35.00"
    assert versions[1]["snapshot"]["indirect_cost_rate_percent"] == "30.00"
    assert "indirect_cost_rate_percent" in versions[0]["change_summary"]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("indirect_cost_rate_percent", "100.01"),
        ("indirect_cost_rate_percent", "-1"),
        ("strategic_cost_rate_percent", "250"),
        ("faculty_monthly_rate_yen", -5),
        ("days_to_contract", -1),
        ("cross_appointments_with_companies", -2),
        ("as_of", "2999-01-01"),
    ],
)
def test_bad_values_answer_400_naming_the_field_and_write_nothing(
    member_client, university, field, value
):
    make_readiness(org=university, indirect_cost_rate_percent=Decimal("20"))
    r = member_client.patch(_detail(university), {field: value}, format="json")
    assert r.status_code == 400, r.content
    assert field in r.json()
    profile = ReadinessProfile.objects.get(organization=university)
    assert profile.indirect_cost_rate_percent == Decimal("20.00")
    assert profile.version == 1
    assert not ReadinessVersion.objects.exists()


def test_rate_of_exactly_zero_and_exactly_hundred_percent_are_accepted(member_client, university):
    for value in ("0", "100"):
        r = member_client.put(
            _detail(university), {**VALID, "indirect_cost_rate_percent": value}, format="json"
        )
        assert r.status_code == 200, r.content


def test_another_organisations_member_cannot_edit_and_gets_403(api_client, university):
    make_readiness(org=university, ip_policy=False)
    other = make_user(org=make_org(kind=OrgKind.UNIVERSITY))
    api_client.force_authenticate(other)
    r = api_client.patch(_detail(university), {"ip_policy": True}, format="json")
    assert r.status_code == 403
    r = api_client.put(_track(university, 2024), {"joint_research_count": 1}, format="json")
    assert r.status_code == 403
    assert ReadinessProfile.objects.get(organization=university).ip_policy is False
    assert not TrackRecord.objects.exists()


def test_a_company_can_read_but_not_edit_a_universitys_readiness(api_client, university):
    make_readiness(org=university)
    api_client.force_authenticate(make_user(org=make_org(kind=OrgKind.COMPANY)))
    assert api_client.get(_detail(university)).status_code == 200
    assert api_client.patch(_detail(university), {"notes": "x"}, format="json").status_code == 403


def test_a_pending_universitys_readiness_is_invisible_to_others(api_client):
    pending = make_org(kind=OrgKind.UNIVERSITY, approval_status="pending")
    make_readiness(org=pending)
    api_client.force_authenticate(make_user(org=make_org(kind=OrgKind.COMPANY)))
    assert api_client.get(_detail(pending)).status_code == 404
    assert api_client.patch(_detail(pending), {"notes": "x"}, format="json").status_code == 404
    listed = api_client.get(reverse("api_readiness_list")).json()
    assert pending.id not in [row["organization"]["id"] for row in listed["results"]]


def test_readiness_is_public_to_read_and_closed_to_write_for_visitors(api_client, university):
    """Readiness is the policy's 見える化: anyone reads the approved universities'; nobody
    signed out writes it, and a pending university's stays hidden from visitors too."""
    make_readiness(org=university, notes="public note")
    pending = make_org(kind=OrgKind.UNIVERSITY, approval_status="pending")
    make_readiness(org=pending)
    detail = api_client.get(_detail(university))
    assert detail.status_code == 200
    assert detail.json()["profile"]["notes"] == "public note"
    assert detail.json()["cross_appointment_researchers"] is None  # seeds are for members
    listed = api_client.get(reverse("api_readiness_list")).json()
    assert [row["organization"]["id"] for row in listed["results"]] == [university.id]
    assert api_client.get(_detail(pending)).status_code == 404
    assert api_client.patch(_detail(university), {"notes": "x"}, format="json").status_code in (
        401,
        403,
    )
    readiness_update(org=university, by=make_user(org=university), data={"ip_policy": True})
    history = api_client.get(reverse("api_readiness_history", args=[university.id])).json()
    assert history["count"] == 1 and history["results"][0]["edited_by"] is None


def test_a_pending_member_reads_no_more_readiness_than_a_visitor(api_client, university):
    """Approval gates reading: a member of a pending company reads exactly what anyone reads."""
    make_readiness(org=university, indirect_cost_rate_percent=Decimal("35"))
    other = make_org(kind=OrgKind.UNIVERSITY, approval_status="pending")
    make_readiness(org=other)
    urls = [
        reverse("api_readiness_list"),
        _detail(university),
        _detail(other),
        reverse("api_readiness_history", args=[university.id]),
    ]
    visitor = {url: (r.status_code, r.content) for url in urls for r in [api_client.get(url)]}
    api_client.force_authenticate(
        make_user(org=make_org(kind=OrgKind.COMPANY, approval_status="pending"))
    )
    member = {url: (r.status_code, r.content) for url in urls for r in [api_client.get(url)]}
    assert member == visitor
    assert visitor[_detail(other)][0] == 404


def test_a_company_cannot_create_a_readiness_profile_for_itself(api_client):
    company = make_org(kind=OrgKind.COMPANY)
    api_client.force_authenticate(make_user(org=company))
    r = api_client.put(_detail(company), VALID, format="json")
    assert r.status_code == 404
    assert not ReadinessProfile.objects.exists()


def test_track_record_upsert_versions_the_profile_and_feeds_the_indicators(
    member_client, university
):
    member_client.put(_detail(university), VALID, format="json")
    r = member_client.put(
        _track(university, 2024),
        {
            "joint_research_count": 4,
            "joint_research_income_yen": 30_000_000,
            "large_project_count": 1,
            "license_count": 2,
            "license_income_yen": 3_000_001,
        },
        format="json",
    )
    assert r.status_code == 200, r.content
    body = member_client.get(_detail(university)).json()
    assert body["version"] == 2
    latest = body["latest"]
    assert latest["fiscal_year"] == 2024
    assert latest["average_income_per_project_yen"] == 7_500_000
    assert latest["large_project_share"] == 0.25
    assert latest["average_license_income_yen"] == 1_500_001  # 1,500,000.5 half up


@pytest.mark.parametrize(
    ("fiscal_year", "payload", "field"),
    [
        (1989, {"joint_research_count": 1}, "fiscal_year"),
        (None, {"joint_research_count": 1}, "fiscal_year"),  # next fiscal year
        (2024, {"joint_research_income_yen": -1}, "joint_research_income_yen"),
        (2024, {"joint_research_count": 1, "large_project_count": 2}, "large_project_count"),
        (2024, {"license_count": -3}, "license_count"),
    ],
)
def test_bad_track_records_answer_400_naming_the_field(
    member_client, university, fiscal_year, payload, field
):
    fy = fiscal_year if fiscal_year is not None else current_fiscal_year() + 1
    r = member_client.put(_track(university, fy), payload, format="json")
    assert r.status_code == 400, r.content
    assert field in r.json()
    assert not TrackRecord.objects.exists()
    assert not ReadinessVersion.objects.exists()


def test_deleting_a_fiscal_year_is_versioned(member_client, university):
    member_client.put(_track(university, 2023), {"joint_research_count": 1}, format="json")
    r = member_client.delete(_track(university, 2023))
    assert r.status_code == 204
    assert not TrackRecord.objects.exists()
    assert ReadinessProfile.objects.get(organization=university).version == 2


def test_list_filters_by_region_and_rejects_an_unknown_ordering(api_client):
    tokyo = make_org(prefecture="東京都")
    make_readiness(org=tokyo)
    osaka = make_org(prefecture="大阪府")
    make_readiness(org=osaka)
    api_client.force_authenticate(make_user(org=make_org(kind=OrgKind.COMPANY)))
    r = api_client.get(reverse("api_readiness_list"), {"region": "kinki"})
    assert [row["organization"]["id"] for row in r.json()["results"]] == [osaka.id]
    r = api_client.get(reverse("api_readiness_list"), {"ordering": "drop table"})
    assert r.status_code == 400
    assert "ordering" in r.json()


def test_cross_appointment_availability_counts_visible_researchers_once(api_client, university):
    from profiles.models import Researcher
    from tests.factories import make_seed

    make_readiness(org=university)
    published = make_seed(org=university)
    other = make_seed(org=university)
    draft = make_seed(org=university, status="draft")
    Researcher.objects.create(seed=published, name="山田 太郎", cross_appointment_available=True)
    Researcher.objects.create(seed=other, name="山田 太郎", cross_appointment_available=True)
    Researcher.objects.create(seed=other, name="佐藤 花子", cross_appointment_available=True)
    Researcher.objects.create(seed=other, name="鈴木 一郎", cross_appointment_available=False)
    Researcher.objects.create(seed=draft, name="田中 次郎", cross_appointment_available=True)
    api_client.force_authenticate(make_user(org=make_org(kind=OrgKind.COMPANY)))
    body = api_client.get(_detail(university)).json()
    assert body["cross_appointment_researchers"] == 2


def test_history_is_public_but_the_editors_name_only_for_the_organisation(
    member_client, api_client, university
):
    member_client.put(_detail(university), VALID, format="json")
    url = reverse("api_readiness_history", args=[university.id])
    own = member_client.get(url).json()["results"][0]
    assert own["edited_by"]
    api_client.force_authenticate(make_user(org=make_org(kind=OrgKind.COMPANY)))
    other = api_client.get(url).json()["results"][0]
    assert other["version"] == 1
    assert other["edited_by"] is None
