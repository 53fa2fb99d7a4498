"""`page_size` on every API list: honoured (a page of one row, the next page, the count) and
capped at its documented maximum (config/pagination.py, MAX_PAGE_SIZE), including the lists
written as plain API views (readiness, cases, KPIs, search) and /api/proposals/."""

from __future__ import annotations

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone
from rest_framework.test import APIClient

from config.pagination import MAX_PAGE_SIZE
from matching.models import MatchRun, PartnershipProposal, Proposal
from matching.models.results import ProposalStatus
from matching.services.refresh import match_all
from profiles.choices import OrgKind
from profiles.services.readiness import readiness_update
from tests.factories import (
    make_admin,
    make_investor,
    make_need,
    make_org,
    make_readiness,
    make_seed,
    make_user,
    make_venture,
)

pytestmark = pytest.mark.django_db

# Every API list: its URL (with the parameters it needs) and who reads it.
LISTS = {
    "/api/seeds/": "university",
    "/api/needs/": "university",
    "/api/investors/": "university",
    "/api/ventures/": "university",
    "/api/organizations/": "university",
    "/api/members/": "university",
    "/api/proposals/": "university",
    "/api/partnerships/": "company",
    "/api/deal-flow/": "investor",
    "/api/search/seeds/?q=battery": "company",
    "/api/kpi/": None,
    "/api/readiness/": None,
    "/api/readiness/{uni}/history/": None,
    "/api/cases/": None,
    "/api/cases/similar/?text=immunology drug discovery joint research&limit=5": None,
    "/api/admin/review/": "coordinator",
    "/api/admin/review/partnerships/": "coordinator",
    "/api/admin/match-runs/": "coordinator",
    "/api/notifications/": "university",
    "/api/threads/": "university",
}
# GET routes without a path parameter that are not lists.
NOT_LISTS = {
    "/api/schema/",
    "/api/docs/",
    "/api/seeds/export.csv",
    "/api/needs/export.csv",
    "/api/organizations/me/",
    "/api/admin/metrics/",
    "/api/notifications/unread-count/",
    "/api/notifications/preferences/",
}


def _api_routes():
    def walk(resolver, prefix=""):
        for p in resolver.url_patterns:
            route = prefix + str(p.pattern)
            if isinstance(p, URLResolver):
                yield from walk(p, route)
            elif isinstance(p, URLPattern):
                yield "/" + route.replace("^", "").replace("$", "")

    for route in walk(get_resolver()):
        if route.startswith("/api/") and "<" not in route and "(" not in route:
            yield route


@pytest.fixture
def world():
    uni = make_org(kind=OrgKind.UNIVERSITY, name="Tohto University")
    uni2 = make_org(kind=OrgKind.UNIVERSITY, name="Naniwa University")
    company = make_org(kind=OrgKind.COMPANY, name="Mirai Electric")
    investor = make_org(kind=OrgKind.INVESTOR, name="Sakura VC")
    make_investor(org=investor, thesis="battery materials", fields=["materials"])
    make_investor(org=make_org(kind=OrgKind.INVESTOR), thesis="robots")
    users = {
        "university": make_user(org=uni),
        "company": make_user(org=company),
        "investor": make_user(org=investor),
        "coordinator": make_admin(),
    }
    make_user(org=uni)  # a second member
    for i in range(6):
        make_seed(org=uni, title=f"Battery electrolyte {i}", keywords=["battery", "electrolyte"])
        make_seed(org=uni2, title=f"Battery anode {i}", keywords=["battery", "anode"])
        make_need(org=company, title=f"Battery safety {i}", keywords=["battery"])
    company2 = make_org(kind=OrgKind.COMPANY, name="Kita Motors")
    for i in range(2):
        make_need(org=company2, title=f"Battery pack {i}", keywords=["battery", "anode"])
    make_venture(org=uni, name="Tohto Batteries")
    make_venture(org=uni2, name="Naniwa Cells")
    for org in (uni, uni2):
        make_readiness(org=org)
        readiness_update(org=org, by=make_user(org=org), data={"ip_policy": True})
        readiness_update(org=org, by=make_user(org=org), data={"nda_procedure": True})
    match_all(sync=True)
    MatchRun.objects.create()
    # Two proposals and two partnerships the parties see, and two waiting for review.
    proposals = list(Proposal.objects.filter(seed__organization=uni)[:4])
    assert len(proposals) >= 4
    for p in proposals[:2]:
        p.status, p.reviewed_at = ProposalStatus.APPROVED, timezone.now()
        p.save()
    for p in proposals[2:]:
        p.status = ProposalStatus.PROPOSED
        p.save()
    # The first company's partnerships are approved, the second one's wait for review.
    PartnershipProposal.objects.update(status=ProposalStatus.PROPOSED, reviewed_at=None)
    PartnershipProposal.objects.filter(company=company).update(
        status=ProposalStatus.APPROVED, reviewed_at=timezone.now()
    )
    assert PartnershipProposal.objects.filter(company=company).count() >= 2
    assert PartnershipProposal.objects.filter(company=company2).count() >= 2
    # Two introductions through the services: two threads and notifications for the university.
    from matching.services.proposals import proposal_approve, proposal_respond

    for i in range(2):
        introduced = Proposal.objects.create(
            seed=make_seed(org=uni, title=f"Sensor {i}", keywords=["sensor"]),
            need=make_need(org=company, title=f"Sensing {i}", keywords=["sensor"]),
            score=2.0,
            status=ProposalStatus.PROPOSED,
            signals={"semantic": 1.5},
            explanation={},
        )
        proposal_approve(proposal=introduced, by=users["coordinator"])
        proposal_respond(proposal=introduced, by=users["company"], decision="interested")
        proposal_respond(proposal=introduced, by=users["university"], decision="interested")
    return {"users": users, "uni": uni}


def _count(body: dict) -> int:
    """The number of rows of the whole list (the search answers `count` for the page and
    `total` for the list, as documented in its schema)."""
    return body["total"] if "total" in body else body["count"]


def _client(world, role) -> APIClient:
    client = APIClient()
    if role:
        client.force_authenticate(world["users"][role])
    return client


def test_every_api_list_is_in_this_sweep():
    """A new list endpoint must be added to LISTS (or NOT_LISTS, with a reason)."""
    listed = {url.split("?")[0].replace("{uni}/history/", "") for url in LISTS}
    unknown = sorted(
        r for r in _api_routes() if r not in listed | NOT_LISTS and not r.startswith("/api/auth/")
    )
    # Write-only or single-object routes without a path parameter.
    write_only = {
        "/api/register/",
        "/api/seeds/import/",
        "/api/needs/import/",
        "/api/readiness/estimate/",
        "/api/notifications/read-all/",
    }
    assert [r for r in unknown if r not in write_only] == []


def test_every_api_list_honours_page_size_and_caps_it(world):
    checked = []
    for template, role in LISTS.items():
        url = template.format(uni=world["uni"].pk)
        client = _client(world, role)
        sep = "&" if "?" in url else "?"
        full = client.get(f"{url}{sep}page_size={MAX_PAGE_SIZE}").json()
        assert _count(full) >= 2, (url, full)
        one = client.get(f"{url}{sep}page_size=1")
        assert one.status_code == 200, url
        body = one.json()
        assert len(body["results"]) == 1 and _count(body) == _count(full), url
        if "total" not in body:
            assert body["next"] and "page=2" in body["next"], url
        second = client.get(f"{url}{sep}page_size=1&page=2").json()
        assert len(second["results"]) == 1 and second["results"] != body["results"], url
        huge = client.get(f"{url}{sep}page_size=1000000")
        assert huge.status_code == 200, url
        assert len(huge.json()["results"]) == min(_count(full), MAX_PAGE_SIZE), url
        checked.append(url)
    assert len(checked) == len(LISTS)


def test_page_size_is_capped_at_its_maximum_with_more_rows_than_that():
    uni = make_org(kind=OrgKind.UNIVERSITY)
    for i in range(MAX_PAGE_SIZE + 1):
        make_seed(org=uni, title=f"seed {i}")
    client = APIClient()
    client.force_authenticate(make_user(org=uni))
    body = client.get("/api/seeds/", {"page_size": 500}).json()
    assert body["count"] == MAX_PAGE_SIZE + 1 and len(body["results"]) == MAX_PAGE_SIZE


def test_the_schema_documents_page_size_and_its_maximum_on_every_list():
    schema = APIClient().get("/api/schema/", {"format": "json"}).json()
    missing = []
    for template in LISTS:
        path = template.split("?")[0].replace("{uni}", "{org_id}")
        operation = schema["paths"][path]["get"]
        sizes = [p for p in operation.get("parameters", []) if p["name"] == "page_size"]
        if not sizes or sizes[0]["schema"].get("maximum") != MAX_PAGE_SIZE:
            missing.append(path)
    assert missing == []
