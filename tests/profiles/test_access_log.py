"""The access log of confidential details: every channel that shows them records who read what,
and the owning organisation (only) sees the log of its own rows."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from matching.models import Proposal
from matching.models.results import ProposalStatus
from profiles.choices import OrgKind
from profiles.models import ConfidentialRead
from tests.factories import make_admin, make_need, make_org, make_seed, make_user

pytestmark = pytest.mark.django_db

SEED_SECRET = "未出願の焼結条件 850℃"
NEED_SECRET = "目標コストは1セル120円"


@pytest.fixture
def world():
    uni = make_org(kind=OrgKind.UNIVERSITY, name="北方大学")
    company = make_org(kind=OrgKind.COMPANY, name="テスト電機")
    other = make_org(kind=OrgKind.COMPANY, name="他社工業")
    seed = make_seed(org=uni, confidential_details=SEED_SECRET)
    need = make_need(org=company, confidential_details=NEED_SECRET)
    return {
        "uni": uni,
        "company": company,
        "other": other,
        "seed": seed,
        "need": need,
        "uni_user": make_user(org=uni, username="tlo"),
        "company_user": make_user(org=company, username="rnd"),
        "other_user": make_user(org=other, username="spy"),
    }


def _introduce(world) -> Proposal:
    return Proposal.objects.create(
        need=world["need"],
        seed=world["seed"],
        score=1.0,
        status=ProposalStatus.INTRODUCED,
        introduced_at=timezone.now(),
    )


def _api(user) -> APIClient:
    api = APIClient()
    api.force_authenticate(user)
    return api


def test_an_api_read_of_confidential_details_is_recorded_with_who_and_what(world):
    _introduce(world)
    body = _api(world["company_user"]).get(f"/api/seeds/{world['seed'].pk}/").json()
    assert body["confidential_details"] == SEED_SECRET
    read = ConfidentialRead.objects.get()
    assert (read.username, read.reader_organization, read.owner, read.channel) == (
        "rnd",
        world["company"],
        world["uni"],
        "api",
    )
    assert (read.kind, read.object_id, read.path) == (
        "seed",
        world["seed"].pk,
        f"/api/seeds/{world['seed'].pk}/",
    )


def test_a_list_records_each_row_it_showed(world):
    make_seed(org=world["uni"], confidential_details="別の秘密")
    make_seed(org=world["uni"], confidential_details="")  # nothing confidential: no record
    _api(world["uni_user"]).get("/api/seeds/")
    assert ConfidentialRead.objects.filter(channel="api", username="tlo").count() == 2


def test_nothing_is_recorded_for_someone_who_was_not_shown_the_text(world):
    body = _api(world["other_user"]).get(f"/api/seeds/{world['seed'].pk}/").json()
    assert "confidential_details" not in body
    assert not ConfidentialRead.objects.exists()


def test_exports_introductions_editors_and_the_admin_are_recorded(client, world):
    proposal = _introduce(world)
    _api(world["uni_user"]).get("/api/seeds/export.csv")
    _api(world["company_user"]).get(f"/api/proposals/{proposal.pk}/introduction/")
    client.force_login(world["company_user"])
    client.get(reverse("introduction", args=[proposal.pk]))
    client.force_login(world["uni_user"])
    client.get(reverse("seed_edit", args=[world["seed"].pk]))
    admin = make_admin(username="root")
    client.force_login(admin)
    assert client.get(f"/admin/profiles/need/{world['need'].pk}/change/").status_code == 200
    channels = sorted(
        ConfidentialRead.objects.values_list("channel", "username", "kind").order_by("id")
    )
    assert channels == sorted(
        [
            ("export", "tlo", "seed"),
            ("introduction", "rnd", "need"),
            ("introduction", "rnd", "seed"),
            ("introduction", "rnd", "need"),
            ("introduction", "rnd", "seed"),
            ("page", "tlo", "seed"),
            ("admin", "root", "need"),
        ]
    )
    assert ConfidentialRead.objects.get(channel="admin").is_superuser
    # Coordinators read the whole log in the admin, and nobody edits it there.
    listing = client.get("/admin/profiles/confidentialread/")
    assert listing.status_code == 200 and "rnd" in listing.content.decode()
    row = ConfidentialRead.objects.first()
    assert client.get("/admin/profiles/confidentialread/add/").status_code == 403
    assert client.post(f"/admin/profiles/confidentialread/{row.pk}/delete/").status_code == 403
    assert ConfidentialRead.objects.filter(pk=row.pk).exists()


def test_the_owner_sees_the_log_of_its_own_data_and_nobody_else_does(client, world):
    _introduce(world)
    _api(world["company_user"]).get(f"/api/seeds/{world['seed'].pk}/")
    _api(world["uni_user"]).get(f"/api/needs/{world['need'].pk}/")
    client.force_login(world["uni_user"])
    page = client.get(reverse("access_log")).content.decode()
    assert "rnd" in page and "テスト電機" in page
    client.force_login(world["company_user"])
    page = client.get(reverse("access_log")).content.decode()
    assert "tlo" in page and "rnd" not in page  # its own need was read by the university
    client.force_login(world["other_user"])
    page = client.get(reverse("access_log")).content.decode()
    assert "rnd" not in page and "tlo" not in page
