"""A request whose database connection breaks (PostgreSQL restarted, a connection cut) answers
503 with Retry-After, JSON under /api/ and a bilingual page elsewhere, never a 500. The fault
drill cuts real connections (tests/faults); here the break is simulated at one query."""

from __future__ import annotations

import pytest
from django.db import OperationalError
from django.test import Client

from profiles.choices import OrgKind
from tests.factories import make_org, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def broken(monkeypatch):
    from profiles.selectors import catalog

    def gone(*args, **kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(catalog, "seeds_visible_to", gone)  # the seed list API
    monkeypatch.setattr("profiles.views.seeds.own_seeds", gone)  # the seed list page


def test_a_broken_connection_is_a_503_with_retry_after_not_a_500(broken):
    user = make_user(org=make_org(kind=OrgKind.UNIVERSITY))
    client = Client(raise_request_exception=False)
    client.force_login(user)
    api = client.get("/api/seeds/")
    assert api.status_code == 503 and api["Retry-After"] == "5"
    assert "detail" in api.json()
    page = client.get("/seeds/")
    assert page.status_code == 503 and page["Retry-After"] == "5"
    body = page.content.decode()
    assert "一時的にご利用いただけません" in body and "Temporarily unavailable" in body


def test_other_errors_stay_500(monkeypatch):
    from profiles.selectors import catalog

    def bug(*args, **kwargs):
        raise ValueError("a bug")

    monkeypatch.setattr(catalog, "seeds_visible_to", bug)
    client = Client(raise_request_exception=False)
    client.force_login(make_user(org=make_org(kind=OrgKind.COMPANY)))
    assert client.get("/api/seeds/").status_code == 500


def test_the_schema_documents_the_503():
    schema = Client().get("/api/schema/", {"format": "json"}).json()
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            assert "503" in operation["responses"], (method, path)
