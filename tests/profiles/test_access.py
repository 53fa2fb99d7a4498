"""profiles.access: the one home of who the caller is and what they may see."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.test import RequestFactory
from django.utils import timezone

from matching.models import Proposal
from profiles import access
from profiles.choices import ApprovalStatus, OrgKind
from profiles.models import Need, Seed
from tests.factories import make_admin, make_need, make_org, make_seed, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def parties():
    company = make_org(kind=OrgKind.COMPANY, name="匿名希望工業")
    university = make_org(kind=OrgKind.UNIVERSITY)
    other = make_org(kind=OrgKind.UNIVERSITY)
    need = make_need(org=company, is_anonymous=True, confidential_details="社外秘")
    seed = make_seed(org=university, confidential_details="未出願")
    return {
        "company": company,
        "university": university,
        "need": need,
        "seed": seed,
        "company_user": make_user(org=company),
        "university_user": make_user(org=university),
        "other_user": make_user(org=other),
        "admin": make_admin(),
    }


def _introduce(parties) -> Proposal:
    return Proposal.objects.create(
        need=parties["need"], seed=parties["seed"], score=1.0, introduced_at=timezone.now()
    )


def test_the_middleware_sets_the_organisation_of_the_request_once(parties):
    request = RequestFactory().get("/")
    request.user = parties["company_user"]
    seen = {}

    def view(req):
        seen["org"], seen["membership"] = req.org, req.membership
        return "ok"

    assert access.OrganizationMiddleware(view)(request) == "ok"
    assert seen["org"] == parties["company"]
    assert seen["membership"].user == parties["company_user"]
    assert access.request_org(request) == parties["company"]


def test_require_org_refuses_a_pending_organisation_and_the_wrong_kind(parties):
    request = RequestFactory().get("/")
    request.user = parties["company_user"]
    assert access.require_org(request, OrgKind.COMPANY) == parties["company"]
    with pytest.raises(PermissionDenied):
        access.require_org(request, OrgKind.UNIVERSITY)
    parties["company"].approval_status = ApprovalStatus.PENDING
    parties["company"].save()
    request.user = type(parties["company_user"]).objects.get(pk=parties["company_user"].pk)
    with pytest.raises(PermissionDenied):
        access.require_org(request)


def test_service_guards_name_members_managers_and_coordinators(parties):
    access.require_member(org=parties["company"], by=parties["company_user"])
    access.require_member(org=parties["company"], by=None)  # the system itself
    access.require_member(org=parties["company"], by=parties["admin"])
    with pytest.raises(PermissionDenied):
        access.require_member(org=parties["company"], by=parties["other_user"])
    with pytest.raises(PermissionDenied):
        access.require_coordinator_user(parties["company_user"])
    staff = make_user(org=parties["company"], role="staff")
    with pytest.raises(PermissionDenied):
        access.require_manager(org=parties["company"], by=staff)
    access.require_manager(org=parties["company"], by=parties["company_user"])


def test_an_anonymous_need_names_its_company_to_itself_coordinators_and_introduced_parties(
    parties,
):
    need = parties["need"]
    named = {
        role: access.company_visible(user=parties[role], need=need)
        for role in ("company_user", "university_user", "other_user", "admin")
    }
    assert named == {
        "company_user": True,
        "university_user": False,
        "other_user": False,
        "admin": True,
    }
    _introduce(parties)
    assert access.company_visible(user=parties["university_user"], need=need)
    assert not access.company_visible(user=parties["other_user"], need=need)
    need.is_anonymous = False
    assert access.company_visible(user=parties["other_user"], need=need)


def test_company_visible_need_ids_answers_a_whole_list_in_one_query(
    parties, django_assert_max_num_queries
):
    needs = [parties["need"], make_need(org=parties["company"])]
    with django_assert_max_num_queries(1):
        ids = access.company_visible_need_ids(user=parties["university_user"], needs=needs)
    assert ids == {needs[1].pk}


def test_confidential_fields_follow_the_owner_and_the_registered_introduction_grant(parties):
    seed, need = parties["seed"], parties["need"]
    assert access.confidential_text(user=parties["university_user"], obj=seed) == "未出願"
    assert access.confidential_text(user=parties["company_user"], obj=seed) is None
    assert access.confidential_text(user=parties["admin"], obj=seed) is None
    _introduce(parties)
    assert access.confidential_text(user=parties["company_user"], obj=seed) == "未出願"
    assert access.confidential_text(user=parties["university_user"], obj=need) == "社外秘"
    assert access.confidential_text(user=parties["other_user"], obj=need) is None
    annotated = {
        s.pk: (s.confidential_ok, s.visible_confidential_details)
        for s in access.with_confidential(Seed.objects.all(), user=parties["other_user"])
    }
    assert annotated == {seed.pk: (False, "")}


def test_lists_that_would_single_out_a_company_drop_its_anonymous_needs(parties):
    named = make_need(org=parties["company"])
    for role, expected in (
        ("other_user", {named.pk}),
        ("company_user", {named.pk, parties["need"].pk}),
        ("admin", {named.pk, parties["need"].pk}),
    ):
        rows = Need.objects.filter(access.anonymous_needs_hidden_from(parties[role]))
        assert set(rows.values_list("pk", flat=True)) == expected, role


def test_party_filter_opens_rows_to_approved_parties_only(parties):
    from django.contrib.auth.models import AnonymousUser

    from matching.models.results import ProposalStatus
    from matching.selectors import proposals_for

    proposal = _introduce(parties)
    proposal.status = ProposalStatus.INTRODUCED
    proposal.save()
    fields = ("need__organization", "seed__organization")
    mine = Proposal.objects.filter(access.party_filter(parties["company_user"], *fields))
    assert list(mine) == [proposal]
    assert list(
        Proposal.objects.filter(access.party_filter(parties["university_user"], *fields))
    ) == [proposal]
    assert not Proposal.objects.filter(access.party_filter(parties["other_user"], *fields)).exists()
    # Signed out, a coordinator (never a party) and a pending organisation: no filter at all.
    assert access.party_filter(AnonymousUser(), *fields) is None
    assert access.party_filter(parties["admin"], *fields) is None
    parties["company"].approval_status = ApprovalStatus.PENDING
    parties["company"].save()
    parties["company_user"].membership.organization.refresh_from_db()
    assert access.party_filter(parties["company_user"], *fields) is None
    assert not proposals_for(user=parties["company_user"]).exists()
    # The selector shows coordinators every row itself.
    assert list(proposals_for(user=parties["admin"])) == [proposal]


def test_a_list_of_seeds_reads_confidential_details_in_one_query_not_one_per_row(
    parties, client, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(12):
        make_seed(org=parties["university"], confidential_details="未出願の配合")
    client.force_login(parties["university_user"])
    with CaptureQueriesContext(connection) as few:
        first = client.get("/api/seeds/?page_size=2")
    with CaptureQueriesContext(connection) as many:
        second = client.get("/api/seeds/?page_size=13")
    assert first.status_code == second.status_code == 200
    rows = second.json()["results"]
    assert len(rows) == 13
    own = [r for r in rows if r["confidential_details"]]
    assert len(own) == 13  # the owner reads them, in the field's place
    assert list(rows[0]).index("confidential_details") < list(rows[0]).index("keywords")
    reads = [q["sql"] for q in many.captured_queries if "confidential_details" in q["sql"]]
    assert len(reads) <= 2, reads  # the list's query (and the access log), not one per row
    assert len(many.captured_queries) - len(few.captured_queries) <= 2
