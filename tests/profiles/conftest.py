"""Fixtures of the foundation tests: two universities, a company, and their managers."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from profiles.choices import OrgKind
from tests.factories import make_org, make_user


@pytest.fixture(autouse=True)
def _no_embedding(monkeypatch):
    """Record the embedding the matcher is asked for (on commit) instead of running it (these
    tests are about the catalog); tests that need the calls read `embed_calls`."""
    from outbox import dispatch

    calls: list[tuple[str, int]] = []
    real = dispatch.task_named

    class _Recorder:
        @staticmethod
        def delay(kind, object_id):
            calls.append((kind, object_id))

    class _BulkRecorder:  # the rows of a bulk write (an import) come as one fan-out request
        @staticmethod
        def delay(rows):
            calls.extend((kind, object_id) for kind, object_id in rows)

    def task_named(name: str):
        if name == "matching.tasks.embed_subject":
            return _Recorder
        if name == "matching.tasks.embed_backlog":
            return _BulkRecorder
        return real(name)

    monkeypatch.setattr(dispatch, "task_named", task_named)
    return calls


@pytest.fixture
def embed_calls(_no_embedding):
    return _no_embedding


@pytest.fixture
def uni(db):
    return make_org(
        kind=OrgKind.UNIVERSITY, key="u-alpha", name="アルファ大学", prefecture="宮城県"
    )


@pytest.fixture
def other_uni(db):
    return make_org(kind=OrgKind.UNIVERSITY, key="u-beta", name="ベータ大学", prefecture="福岡県")


@pytest.fixture
def company(db):
    return make_org(kind=OrgKind.COMPANY, key="c-gamma", name="ガンマ工業", prefecture="愛知県")


def _client(user) -> APIClient:
    c = APIClient()
    c.force_authenticate(user)
    return c


@pytest.fixture
def uni_user(uni):
    return make_user(org=uni)


@pytest.fixture
def other_user(other_uni):
    return make_user(org=other_uni)


@pytest.fixture
def company_user(company):
    return make_user(org=company)


@pytest.fixture
def uni_client(uni_user):
    return _client(uni_user)


@pytest.fixture
def other_client(other_user):
    return _client(other_user)


@pytest.fixture
def company_client(company_user):
    return _client(company_user)
