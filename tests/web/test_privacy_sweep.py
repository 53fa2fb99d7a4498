"""Sweeps of every route (pages and API, GET) as every role:

- no answer that shows an anonymous need (its title, text or public id) also shows its company
  (name, English name, key), the need's own key or database id, or the company's region or
  prefecture, to anyone but the company itself and coordinators, until an introduction; and no
  filter narrows the need down to its company;
- a member of a pending organisation reads nothing of the platform but its own organisation
  and registration status, through pages and API alike.
"""

from __future__ import annotations

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from matching.models import PartnershipProposal, Proposal
from matching.models.results import ProposalStatus
from matching.services.refresh import match_all
from profiles.choices import ApprovalStatus, OrgKind
from tests.factories import (
    make_admin,
    make_investor,
    make_need,
    make_org,
    make_seed,
    make_user,
    make_venture,
)

pytestmark = pytest.mark.django_db

SKIP_PREFIXES = ("admin/", "api/docs/", "api/schema/", "static/")
WRITE_ONLY = {"console_rebuild", "logout", "seed_status", "need_status", "set_language"}


def _patterns(resolver=None, prefix=""):
    """(route template, url name) of every GET-able pattern of the project."""
    resolver = resolver or get_resolver()
    for p in resolver.url_patterns:
        route = prefix + str(p.pattern)
        if isinstance(p, URLResolver):
            yield from _patterns(p, route)
        elif isinstance(p, URLPattern):
            if route.startswith(SKIP_PREFIXES) or p.name in WRITE_ONLY:
                continue
            yield route, p.name


def _urls(values: dict[str, list]) -> list[str]:
    """Every route with each of its parameters filled by each candidate value."""
    urls: set[str] = set()
    for route, _name in _patterns():
        route = route.replace("^", "").replace("$", "").replace("\\Z", "")
        params = re.findall(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>[^)]*\)", route)
        names = [a or b for a, b in params]
        if not names:
            urls.add("/" + route)
            continue
        for value in values.get(names[0], []):
            url = route
            for name in names:
                fill = value if name == names[0] else (values.get(name) or [value])[0]
                url = re.sub(rf"<(?:\w+:)?{name}>|\(\?P<{name}>[^)]*\)", str(fill), url, count=1)
            if "(" not in url and "<" not in url:
                urls.add("/" + url)
    return sorted(urls)


def _visible_text(body: str) -> str:
    """The response without the option lists of selects (every region is a choice there)."""
    body = re.sub(r"<select.*?</select>", "", body, flags=re.S)
    return body


@pytest.fixture
def world():
    # The anonymous company sits alone in Shikoku, so its region and prefecture name it.
    secret = make_org(
        kind=OrgKind.COMPANY,
        key="kaiun-secret",
        name="南海秘匿海運株式会社",
        name_en="Nankai Hidden Shipping",
        prefecture="高知県",
    )
    named = make_org(kind=OrgKind.COMPANY, name="公開工業株式会社", prefecture="東京都")
    uni = make_org(kind=OrgKind.UNIVERSITY, name="東都大学", prefecture="東京都")
    uni2 = make_org(kind=OrgKind.UNIVERSITY, name="浪速大学", prefecture="大阪府")
    investor_org = make_org(kind=OrgKind.INVESTOR, name="北風キャピタル", prefecture="北海道")
    pending = make_org(
        kind=OrgKind.COMPANY,
        name="審査中商事",
        prefecture="福岡県",
        approval_status=ApprovalStatus.PENDING,
    )
    anon_need = make_need(
        org=secret,
        key="kaiun-secret-tsunami",
        is_anonymous=True,
        title="津波に強い係留システム",
        description="港湾の係留設備を津波に耐えるものにしたい。センサーと制御の共同研究を希望。",
        keywords=["津波", "係留", "センサー"],
    )
    make_need(org=named, title="金属疲労の予測", description="溶接部の疲労寿命を予測したい。")
    seed = make_seed(org=uni, title="津波センサーによる係留制御", keywords=["津波", "係留"])
    make_seed(org=uni2, title="溶接疲労の寿命予測", keywords=["溶接", "疲労"])
    make_investor(org=investor_org)
    make_venture(org=uni, name="東都ロボティクス")
    match_all(sync=True)
    proposal, _ = Proposal.objects.get_or_create(need=anon_need, seed=seed, defaults={"score": 1.0})
    proposal.status = ProposalStatus.APPROVED
    proposal.reviewed_at = timezone.now()
    proposal.save()
    secret_user = make_user(org=secret)
    # Issue 14: the anonymous company expresses interest in a second seed, with a message.
    from matching.services.proposals import proposal_approve, proposal_request

    interest = proposal_request(
        need=anon_need,
        seed=make_seed(org=uni2, title="係留ロープの張力計測", keywords=["係留"]),
        by=secret_user,
        message="係留設備の更新を検討しています。",
    )
    proposal_approve(proposal=interest, by=make_admin())
    users = {
        "university": make_user(org=uni),
        "other_university": make_user(org=uni2),
        "named_company": make_user(org=named),
        "investor": make_user(org=investor_org),
        "pending": make_user(org=pending),
        "secret_company": secret_user,
        "coordinator": make_admin(),
    }
    return {"secret": secret, "need": anon_need, "proposal": proposal, "users": users}


def _candidate_values(world) -> dict[str, list]:
    from matching.models import InvestorMatch, MatchRun
    from profiles.models import ImportJob, Need, Organization, Seed, Venture

    ids = set()
    for model in (Need, Seed, Organization, Venture, Proposal, PartnershipProposal):
        ids |= set(model.objects.values_list("pk", flat=True))
    from matching.models import InvestorIntroduction, Outcome, SavedSearch

    for model in (InvestorMatch, MatchRun, ImportJob, InvestorIntroduction, Outcome, SavedSearch):
        ids |= set(model.objects.values_list("pk", flat=True))
    publics = [str(p) for p in Need.objects.values_list("public_id", flat=True)]
    return {
        "pk": sorted(ids) + publics,
        "org_id": sorted(Organization.objects.values_list("pk", flat=True)),
        "slug": ["osaka-chugai"],
        "fiscal_year": [2025],
        "token": ["x"],
        "uidb64": ["MQ"],
    }


def _objects(data):
    """Every JSON object inside an answer."""
    if isinstance(data, dict):
        yield data
        for value in data.values():
            yield from _objects(value)
    elif isinstance(data, list):
        for value in data:
            yield from _objects(value)


def _get(client, url):
    return client.get(url, HTTP_ACCEPT="text/html,application/json")


def test_an_anonymous_company_is_named_on_no_route_to_anyone_else(client, world):
    secret = world["secret"]
    need = world["need"]
    assert (
        not PartnershipProposal.objects.filter(company=secret)
        .exclude(evidence=[])
        .filter(evidence__icontains=need.title)
    )  # partnerships are built from named needs only
    urls = _urls(_candidate_values(world))
    urls += [
        "/api/needs/?region=shikoku",
        f"/api/needs/?organization={secret.key}",
        "/api/needs/?q=津波",
        "/api/needs/export.csv",
        "/api/proposals/",
        f"/api/proposals/?need={need.pk}",
        "/search/?q=津波 係留",
        "/api/search/seeds/?q=津波",
    ]
    forbidden_words = {
        secret.name,
        secret.name_en,
        secret.key,
        need.key,
        "高知県",
        "四国",
        "Shikoku",
        '"shikoku"',
    }
    leaks: list[str] = []
    checked = 0
    for role in ("university", "other_university", "named_company", "investor", "pending", None):
        client.logout()
        if role:
            client.force_login(world["users"][role])
        for url in urls:
            response = _get(client, url)
            if response.status_code != 200 or response.get("Content-Type", "").startswith("image/"):
                continue
            checked += 1
            text = _visible_text(response.content.decode("utf-8", "replace"))
            shows_need = need.title in text or str(need.public_id) in text
            found = [w for w in forbidden_words if w in text]
            if shows_need and found:
                leaks.append(f"{role} {url}: {found}")
            narrowed = "region=shikoku" in url or f"organization={secret.key}" in url
            if narrowed and shows_need:
                leaks.append(f"{role} {url}: a filter singles the need out")
            if url.startswith("/api/") and "json" in response.get("Content-Type", ""):
                for obj in _objects(response.json()):
                    if obj.get("public_id") == str(need.public_id) and obj.get("id") is not None:
                        leaks.append(f"{role} {url}: the anonymous need's database id")
    assert checked > 200  # the sweep really read pages and API answers
    assert leaks == []


def test_the_company_itself_and_coordinators_still_see_it(client, world):
    need = world["need"]
    for role in ("secret_company", "coordinator"):
        client.force_login(world["users"][role])
        body = client.get(f"/api/needs/{need.pk}/").json()
        assert body["organization"]["key"] == world["secret"].key, role


def test_an_introduction_names_the_company_to_the_introduced_university_only(client, world):
    proposal = world["proposal"]
    proposal.status = ProposalStatus.INTRODUCED
    proposal.introduced_at = timezone.now()
    proposal.save()
    client.force_login(world["users"]["university"])
    assert world["secret"].name in client.get(f"/proposals/{proposal.pk}/").content.decode()
    client.force_login(world["users"]["other_university"])
    assert world["secret"].name not in client.get("/api/needs/").content.decode()


def test_a_pending_organisation_reads_only_itself_through_every_api_route(client, world):
    """Besides its own organisation, a member of a pending organisation gets from the API
    exactly what a visitor who is not signed in gets (the public KPIs, cases and readiness):
    nothing more than anyone."""
    from django.test import Client

    client.force_login(world["users"]["pending"])
    visitor = Client()
    values = _candidate_values(world)
    opened = []
    public = 0
    for url in _urls(values):
        if not url.startswith("/api/") or url.startswith(("/api/auth/", "/api/register/")):
            continue
        response = _get(client, url)
        if response.status_code != 200:
            continue
        if url == "/api/organizations/me/" or url.startswith(
            ("/api/members/", "/api/import-jobs/")
        ):
            continue  # its own organisation, members and jobs
        anyone = _get(visitor, url)
        if (anyone.status_code, anyone.content) != (response.status_code, response.content):
            opened.append(url)
        else:
            public += 1
    assert opened == []
    assert public >= 3  # the KPIs, the case library and the public readiness were compared
    me = client.get("/api/organizations/me/").json()
    assert me["approval_status"] == "pending"
    for url in ("/api/seeds/", "/api/needs/", "/api/organizations/"):
        response = client.get(url)
        assert response.status_code == 403, url
        assert "承認" in response.json()["detail"]


def test_a_pending_organisation_sees_only_its_waiting_page(client, world):
    client.force_login(world["users"]["pending"])
    assert "審査中商事" in client.get("/dashboard/").content.decode()
    for url in ("/search/?q=津波", "/proposals/", "/needs/", "/partnerships/", "/deal-flow/"):
        assert client.get(url).status_code == 403, url
