"""Organisation registration, admin approval, members, organisation profile, token auth."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from rest_framework.test import APIClient

from profiles.choices import ApprovalStatus, MemberRole, OrgKind
from profiles.models import Membership, Organization
from tests.factories import make_admin, make_seed, make_user

pytestmark = pytest.mark.django_db

REGISTRATION = {
    "kind": "university",
    "name": "みなと工科大学",
    "name_en": "Minato Institute of Technology",
    "prefecture": "広島県",
    "username": "minato-ip",
    "email": "ip@minato.example.jp",
    "password": "kougaku-Renkei-2026",
}


def _client(user=None) -> APIClient:
    c = APIClient()
    if user is not None:
        c.force_authenticate(user)
    return c


def test_registration_creates_a_pending_organisation_with_its_manager():
    response = _client().post("/api/register/", REGISTRATION, format="json")
    assert response.status_code == 201, response.content
    org = Organization.objects.get(pk=response.json()["id"])
    assert org.approval_status == ApprovalStatus.PENDING
    assert org.region == "chugoku"  # derived from the prefecture, not sent
    m = Membership.objects.get(user__username="minato-ip")
    assert m.organization == org and m.role == MemberRole.MANAGER
    assert m.user.check_password(REGISTRATION["password"])


def test_registration_ignores_server_owned_fields():
    response = _client().post(
        "/api/register/",
        {**REGISTRATION, "approval_status": "approved", "region": "hokkaido"},
        format="json",
    )
    assert response.status_code == 201
    org = Organization.objects.get()
    assert (org.approval_status, org.region) == ("pending", "chugoku")


@pytest.mark.parametrize(
    "field, value",
    [
        ("kind", "alchemist"),
        ("prefecture", "ニューヨーク"),
        ("password", "123"),
        ("email", "not-an-email"),
        ("name", "\x00"),
        ("username", "has space"),
    ],
)
def test_bad_registration_is_a_400_naming_the_field_and_creates_nothing(field, value):
    response = _client().post("/api/register/", {**REGISTRATION, field: value}, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()
    assert not Organization.objects.exists()
    assert not get_user_model().objects.exists()


def test_duplicate_username_is_refused_without_a_half_written_organisation():
    make_user(username="minato-ip")
    response = _client().post("/api/register/", REGISTRATION, format="json")
    assert response.status_code == 400 and "username" in response.json()
    assert not Organization.objects.exists()


def test_only_a_coordinator_approves_a_registration():
    _client().post("/api/register/", REGISTRATION, format="json")
    org = Organization.objects.get()
    manager = get_user_model().objects.get(username="minato-ip")
    assert _client(manager).post(f"/api/organizations/{org.id}/approve/").status_code in (
        403,
        404,
    )
    response = _client(make_admin()).post(f"/api/organizations/{org.id}/approve/")
    assert response.status_code == 200
    org.refresh_from_db()
    assert org.approval_status == ApprovalStatus.APPROVED


def test_pending_organisation_is_invisible_to_other_members_until_approved():
    _client().post("/api/register/", REGISTRATION, format="json")
    org = Organization.objects.get()
    other = make_user(org=Organization.objects.create(key="c-x", kind=OrgKind.COMPANY, name="X"))
    assert _client(other).get(f"/api/organizations/{org.id}/").status_code == 404
    Organization.objects.filter(pk=org.pk).update(approval_status=ApprovalStatus.APPROVED)
    assert _client(other).get(f"/api/organizations/{org.id}/").status_code == 200


def test_manager_edits_the_profile_and_the_region_follows_the_prefecture(uni, uni_user):
    response = _client(uni_user).patch(
        "/api/organizations/me/",
        {"prefecture": "北海道", "kind": "company", "approval_status": "rejected"},
        format="json",
    )
    assert response.status_code == 200, response.content
    uni.refresh_from_db()
    assert (uni.prefecture, uni.region, uni.kind, uni.approval_status) == (
        "北海道",
        "hokkaido",
        "university",
        "approved",
    )


def test_staff_cannot_edit_the_organisation_profile(uni):
    staff = make_user(org=uni, role=MemberRole.STAFF)
    response = _client(staff).patch("/api/organizations/me/", {"name": "x"}, format="json")
    assert response.status_code == 403


def test_contact_email_is_shown_to_the_organisation_only(uni, other_user, uni_user):
    uni.contact_email = "sangaku@alpha.example.jp"
    uni.save()
    assert "contact_email" not in _client(other_user).get(f"/api/organizations/{uni.id}/").json()
    assert _client(uni_user).get("/api/organizations/me/").json()["contact_email"]


def test_manager_adds_staff_and_staff_cannot_add_members(uni, uni_user):
    response = _client(uni_user).post(
        "/api/members/",
        {"username": "staff1", "email": "s1@alpha.example.jp", "password": "Renkei-staff-2026"},
        format="json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["role"] == "staff" and "password" not in response.json()
    staff = get_user_model().objects.get(username="staff1")
    assert staff.membership.organization == uni
    refused = _client(staff).post(
        "/api/members/",
        {"username": "staff2", "email": "s2@alpha.example.jp", "password": "Renkei-staff-2026"},
        format="json",
    )
    assert refused.status_code == 403
    assert not get_user_model().objects.filter(username="staff2").exists()


def test_members_list_shows_only_own_organisation(uni_user, other_user):
    names = [m["username"] for m in _client(uni_user).get("/api/members/").json()["results"]]
    assert names == [uni_user.username]


def test_token_auth_obtains_a_token_that_authenticates_api_calls(uni):
    make_user(org=uni, username="script", password="Token-pass-2026")
    seed = make_seed(org=uni)
    response = APIClient().post(
        "/api/auth/token/", {"username": "script", "password": "Token-pass-2026"}, format="json"
    )
    assert response.status_code == 200
    token = response.json()["token"]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert client.get(f"/api/seeds/{seed.id}/").status_code == 200
    bad = APIClient()
    bad.credentials(HTTP_AUTHORIZATION="Token nope")
    assert bad.get(f"/api/seeds/{seed.id}/").status_code in (401, 403)


def test_wrong_password_gets_no_token(uni):
    make_user(org=uni, username="script", password="Token-pass-2026")
    response = APIClient().post(
        "/api/auth/token/", {"username": "script", "password": "wrong"}, format="json"
    )
    assert response.status_code == 400
