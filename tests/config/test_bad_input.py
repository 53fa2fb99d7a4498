"""Bad input never answers 500: every route, every kind of caller, junk query and form values,
and JSON nested too deeply (signed in or not). A 403 or 404 logs one line, not a traceback."""

from __future__ import annotations

import json
import logging
import re
from urllib.parse import urlencode

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from matching.models import MatchRun, PartnershipProposal, Proposal
from profiles.choices import ApprovalStatus, OrgKind
from profiles.models import Organization
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

DEEP = ("[" * 950 + "]" * 950).encode()
JUNK = {
    "page": "abc",
    "status": "\u202e",
    "q": "x" * 5000,
    "min_score": "nan",
    "run": "99999999999999999999999",
    "period": "year",
    "fiscal_year": "-1",
    "organization": "abc",
    "region": "mars",
    "kind": "'; DROP TABLE x; --",
    "ordering": "-password",
    "id": "1e9",
    "action": "approve",
    "step": "confirm",
    "token": "t",
    "form": "respond",
    "need": "abc",
    "seed": "-5",
    "limit": "10000000000",
    "offset": "-1",
    "lang": "xx",
    "next": "//evil.example/",
}


def _routes(resolver=None, prefix=""):
    """(pattern text, converters) of every route, admin and API docs left out."""
    resolver = resolver or get_resolver()
    for p in resolver.url_patterns:
        text = prefix + str(p.pattern)
        if isinstance(p, URLResolver):
            if text.startswith(("admin/", "i18n/")):
                continue
            yield from _routes(p, text)
        elif isinstance(p, URLPattern):
            yield text


def _fill(pattern: str, pk: int, word: str = "publish") -> str | None:
    """A concrete path for a route pattern (ints → pk, words → word; anything else: skipped)."""
    path = pattern.lstrip("^").rstrip("$")
    path = re.sub(r"<int:\w+>", str(pk), path)
    path = re.sub(r"<(?:str|slug):\w+>", word, path)
    path = re.sub(r"\(\?P<\w+>\[\^/\.\]\+\)", str(pk), path)  # DRF router regex pk
    path = path.replace("\\.", ".")
    if "<" in path or "(" in path or "\\" in path or "[" in path:
        return None
    return "/" + path


@pytest.fixture
def everyone():
    company = make_org(kind=OrgKind.COMPANY)
    university = make_org(kind=OrgKind.UNIVERSITY)
    investor_org = make_org(kind=OrgKind.INVESTOR)
    make_org(kind=OrgKind.COMPANY, approval_status=ApprovalStatus.PENDING)
    need, seed = make_need(org=company), make_seed(org=university)
    make_investor(org=investor_org)
    make_venture(org=university)
    Proposal.objects.create(need=need, seed=seed, score=0.5)
    PartnershipProposal.objects.create(company=company, academic=university, score=0.5, rank=1)
    MatchRun.objects.create()
    return [
        None,
        make_user(org=company),
        make_user(org=university),
        make_user(org=investor_org),
        make_admin(),
    ]


def _client(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _ids() -> list[int]:
    """The ids of the rows the fixture made (each route is tried with every one of them)."""
    from matching.models import InvestorMatch
    from profiles.models import ImportJob, InvestorProfile, Need, Seed, Venture

    ids = {0, 2**63}
    for model in (Seed, Need, Venture, InvestorProfile, Organization, Proposal, MatchRun):
        ids |= set(model.objects.values_list("pk", flat=True))
    ids |= set(PartnershipProposal.objects.values_list("pk", flat=True))
    ids |= set(InvestorMatch.objects.values_list("pk", flat=True))
    ids |= set(ImportJob.objects.values_list("pk", flat=True))
    return sorted(ids)


def test_no_route_answers_500_to_junk_query_or_form_values(everyone):
    paths = sorted(
        {
            p
            for r in _routes()
            for pk in _ids()
            for word in ("publish", "junk")
            for p in [_fill(r, pk, word)]
            if p
        }
    )
    assert len(paths) > 200  # the walk found the routes
    failures = []
    with_nul = {key: f"{value}\x00" for key, value in JUNK.items()}
    for user in everyone:
        client = _client(user)
        for path in paths:
            for method, data, kwargs in (
                ("get", JUNK, {}),
                ("post", JUNK, {}),
                ("post", urlencode(JUNK), {"content_type": "application/x-www-form-urlencoded"}),
                ("get", with_nul, {}),
                ("post", with_nul, {}),
            ):
                response = getattr(client, method)(path, data, **kwargs)
                if response.status_code >= 500:
                    failures.append(f"{method.upper()} {path} as {user}: {response.status_code}")
    assert not failures, "\n".join(failures)


def test_a_nul_character_in_a_query_or_form_value_is_a_400(everyone):
    client = _client(everyone[2])
    assert client.get("/seeds/", {"q": "a\x00b"}).status_code == 400
    assert client.post("/console/organizations/", {"organization": "1\x00"}).status_code == 400


def test_json_nested_too_deeply_is_a_400_on_every_json_endpoint(everyone):
    api_paths = sorted({p for r in _routes() for p in [_fill(r, 1)] if p and p.startswith("/api/")})
    assert "/api/register/" in api_paths and "/api/auth/token/" in api_paths
    for user in [None, everyone[1], everyone[4]]:
        client = _client(user)
        for path in api_paths:
            for method in ("post", "put", "patch"):
                response = getattr(client, method)(path, DEEP, content_type="application/json")
                assert response.status_code == 400, (method, path, user, response.status_code)
                assert "JSON" in response.json()["detail"]


def test_json_within_the_depth_limit_still_reaches_the_view(client):
    nested = {"username": "nobody", "password": "x", "extra": [[[[["ok"]]]]]}
    response = client.post("/api/auth/token/", json.dumps(nested), content_type="application/json")
    assert response.status_code == 400  # wrong credentials: the view answered, not the guard
    assert "JSON" not in json.dumps(response.json())
    # Brackets inside strings do not count.
    deep_text = {"username": "[" * 5000, "password": "{" * 5000}
    response = client.post(
        "/api/auth/token/", json.dumps(deep_text), content_type="application/json"
    )
    assert response.status_code == 400 and "JSON" not in json.dumps(response.json())


def test_console_organization_decision_with_a_non_number_is_a_400_and_changes_nothing(everyone):
    pending = Organization.objects.get(approval_status=ApprovalStatus.PENDING)
    client = _client(everyone[4])
    for data in (
        {"organization": "abc", "action": "approve"},
        {"organization": str(2**70), "action": "approve"},
        {"organization": str(pending.pk), "action": "delete"},
        {"action": "approve"},
    ):
        assert client.post("/console/organizations/", data).status_code == 400
    assert (
        client.post(
            "/console/organizations/", {"organization": "999999", "action": "approve"}
        ).status_code
        == 404
    )
    pending.refresh_from_db()
    assert pending.approval_status == ApprovalStatus.PENDING


def test_a_403_and_a_404_log_one_line_without_a_traceback(everyone, caplog):
    from config.logs import OneLineClientErrors

    client = _client(everyone[1])  # a company member: the console is forbidden
    with caplog.at_level(logging.WARNING, logger="django.request"):
        assert client.get("/console/").status_code == 403
        assert client.get("/seeds/999999/").status_code in (403, 404)
    records = [r for r in caplog.records if r.name == "django.request"]
    assert records
    handler_filter = OneLineClientErrors()
    formatter = logging.Formatter("%(levelname)s %(name)s %(message)s")
    for record in records:
        handler_filter.filter(record)
        text = formatter.format(record)
        assert "\n" not in text and "Traceback" not in text, text


def test_a_500_keeps_its_traceback():
    from config.logs import OneLineClientErrors

    try:
        raise RuntimeError("boom")
    except RuntimeError:
        import sys

        record = logging.LogRecord(
            "django.request",
            logging.ERROR,
            __file__,
            1,
            "Internal Server Error",
            (),
            sys.exc_info(),
        )
    record.status_code = 500
    OneLineClientErrors().filter(record)
    assert "Traceback" in logging.Formatter().format(record)


def test_the_console_handler_carries_the_one_line_filter():
    from django.conf import settings

    assert "one_line_client_errors" in settings.LOGGING["handlers"]["console"]["filters"]


def test_through_the_configured_handler_a_403_is_one_line_and_a_500_keeps_its_traceback(
    everyone, monkeypatch
):
    import io

    handler = next(h for h in logging.getLogger().handlers if h.get_name() == "console")
    out = io.StringIO()
    old = handler.setStream(out)
    try:
        client = _client(everyone[1])
        assert client.get("/console/").status_code == 403
        forbidden = out.getvalue()
        out.truncate(0)
        out.seek(0)

        from matching.views import console

        def boom(*args, **kwargs):
            raise RuntimeError("a bug")

        monkeypatch.setattr(console, "admin_metrics", boom)
        client = Client(raise_request_exception=False)
        client.force_login(everyone[4])
        assert client.get("/console/quality/").status_code == 500
        server_error = out.getvalue()
    finally:
        handler.setStream(old)
    assert "Forbidden" in forbidden and "Traceback" not in forbidden
    assert len(forbidden.strip().splitlines()) == 1, forbidden
    assert "Traceback" in server_error and "a bug" in server_error
