"""Django admin of the catalog: pages load with filters and search; actions call services."""

from __future__ import annotations

import pytest
from django.test import Client

from profiles.choices import ApprovalStatus, OrgKind, PublicationStatus
from tests.factories import make_admin, make_investor, make_need, make_org, make_seed, make_venture

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client():
    c = Client()
    c.force_login(make_admin())
    return c


def test_every_catalog_changelist_loads_with_filters_and_search(admin_client):
    seed = make_seed(title="磁性材料のシーズ")
    make_need()
    make_investor()
    make_venture()
    for url in (
        "/admin/profiles/organization/?kind__exact=university",
        "/admin/profiles/membership/",
        "/admin/profiles/seed/?status__exact=published&q=磁性",
        "/admin/profiles/need/?is_anonymous__exact=0",
        "/admin/profiles/investorprofile/",
        "/admin/profiles/venture/",
        f"/admin/profiles/seed/{seed.id}/change/",
    ):
        response = admin_client.get(url)
        assert response.status_code == 200, url
    assert "磁性材料のシーズ" in admin_client.get("/admin/profiles/seed/?q=磁性").content.decode()


def test_admin_approve_action_approves_pending_organisations(admin_client):
    org = make_org(kind=OrgKind.COMPANY, approval_status=ApprovalStatus.PENDING)
    response = admin_client.post(
        "/admin/profiles/organization/",
        {"action": "approve", "_selected_action": [org.id]},
    )
    assert response.status_code == 302
    org.refresh_from_db()
    assert org.approval_status == ApprovalStatus.APPROVED


def test_admin_archive_action_archives_seeds(admin_client):
    seed = make_seed()
    admin_client.post("/admin/profiles/seed/", {"action": "archive", "_selected_action": [seed.id]})
    seed.refresh_from_db()
    assert seed.status == PublicationStatus.ARCHIVED


def test_staff_without_superuser_never_sees_confidential_text_in_the_admin():
    from django.contrib.auth.models import Permission

    from tests.factories import make_user

    staff = make_user(is_staff=True)
    staff.user_permissions.add(Permission.objects.get(codename="change_seed"))
    staff.user_permissions.add(Permission.objects.get(codename="view_seed"))
    seed = make_seed(confidential_details="社外秘の配合比 42:58")
    c = Client()
    c.force_login(staff)
    page = c.get(f"/admin/profiles/seed/{seed.id}/change/")
    assert page.status_code == 200
    assert "社外秘の配合比" not in page.content.decode()
