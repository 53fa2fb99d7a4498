"""Fixtures of the notification tests: a university with two members, a company with one, an
unrelated university, a coordinator, and a proposal between the company's need and the
university's seed waiting for review."""

from __future__ import annotations

import pytest

from matching.models import Proposal
from notifications.models import Notification
from profiles.choices import MemberRole, OrgKind
from tests.factories import make_admin, make_need, make_org, make_seed, make_user


class World:
    pass


@pytest.fixture
def world(db):
    w = World()
    w.uni = make_org(kind=OrgKind.UNIVERSITY, name="東都大学", name_en="Tohto University")
    w.company = make_org(kind=OrgKind.COMPANY, name="未来電機株式会社", name_en="Mirai Electric")
    w.other = make_org(kind=OrgKind.UNIVERSITY, name="無関係大学")
    w.uni_a = make_user(org=w.uni, username="uni_a")
    w.uni_b = make_user(org=w.uni, username="uni_b", role=MemberRole.STAFF)
    w.buyer = make_user(org=w.company, username="buyer")
    w.outsider = make_user(org=w.other, username="outsider")
    w.coordinator = make_admin(username="coord")
    w.seed = make_seed(
        org=w.uni, title="硫化物系固体電解質", confidential_details="極秘: 組成は Li7P3S11"
    )
    w.need = make_need(
        org=w.company, title="車載電池の安全性", confidential_details="極秘: 次期EVの電池"
    )
    w.proposal = Proposal.objects.create(
        need=w.need, seed=w.seed, score=2.0, signals={"semantic": 1.5}, explanation={}
    )
    return w


def received(**filters) -> set[tuple[str, str]]:
    """(username, kind) of every notification (matching the filters)."""
    return set(Notification.objects.filter(**filters).values_list("recipient__username", "kind"))
