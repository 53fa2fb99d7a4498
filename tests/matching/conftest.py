"""Fixtures of the matcher's tests. The embedder is chosen in tests/conftest.py (hashing, or the
real model for tests marked `model`).

`world`: the two parties of a proposal, a third organisation and a coordinator. Proposals are
created directly with the ORM (status `proposed`, as the matcher writes them), so the lifecycle
tests never need the embedder.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from matching.models import Proposal
from profiles.choices import OrgKind
from tests.factories import make_admin, make_need, make_org, make_seed, make_user

NEED_SECRET = "社外秘: 目標コストは1セル当たり120円"
SEED_SECRET = "非公開: 未出願の焼結条件 850℃"


@dataclass
class World:
    company: object
    university: object
    other_company: object
    company_user: object
    university_user: object
    other_user: object
    admin: object
    need: object
    seed: object
    proposal: Proposal


@pytest.fixture
def world(db) -> World:
    company = make_org(
        kind=OrgKind.COMPANY, name="テスト電機株式会社", contact_email="sangaku@denki.example.jp"
    )
    university = make_org(
        kind=OrgKind.UNIVERSITY,
        name="北方大学",
        prefecture="北海道",
        region="hokkaido",
        contact_email="tlo@hoppo-u.example.jp",
    )
    other = make_org(kind=OrgKind.COMPANY, name="他社工業")
    need = make_need(org=company, confidential_details=NEED_SECRET)
    seed = make_seed(org=university, confidential_details=SEED_SECRET)
    proposal = Proposal.objects.create(need=need, seed=seed, score=0.8, signals={"semantic": 0.7})
    return World(
        company=company,
        university=university,
        other_company=other,
        company_user=make_user(org=company),
        university_user=make_user(org=university),
        other_user=make_user(org=other),
        admin=make_admin(),
        need=need,
        seed=seed,
        proposal=proposal,
    )
