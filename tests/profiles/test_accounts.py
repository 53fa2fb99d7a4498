"""Accounts: the account page, password change and reset by e-mail, members and invitations."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from profiles.choices import MemberRole, OrgKind
from profiles.models import Account, Invitation, Membership
from tests.factories import make_org, make_user

pytestmark = pytest.mark.django_db

PASSWORD = "pass-Sangaku-2026"
NEW_PASSWORD = "Another-long-passphrase-2026"


@pytest.fixture
def org():
    return make_org(kind=OrgKind.COMPANY, name="あさひ精機株式会社", name_en="Asahi Seiki")


@pytest.fixture
def manager(org):
    return make_user(org=org, username="boss", email="boss@asahi.example.jp")


def _link(message) -> str:
    return re.search(r"https?://\S+", message.body).group(0).replace("http://127.0.0.1:8000", "")


def test_the_account_page_saves_name_email_and_language(client, manager):
    client.force_login(manager)
    response = client.post(
        reverse("account"),
        {
            "last_name": "山田",
            "first_name": "花子",
            "email": "hanako@asahi.example.jp",
            "language": "en",
        },
    )
    assert response.status_code == 302
    assert response.cookies["django_language"].value == "en"
    manager.refresh_from_db()
    assert (manager.last_name, manager.email) == ("山田", "hanako@asahi.example.jp")
    assert Account.objects.get(user=manager).language == "en"
    assert "Account settings" in client.get(reverse("account")).content.decode()


def test_signing_in_follows_the_language_the_user_chose(client, manager):
    Account.objects.create(user=manager, language="en")
    response = client.post(reverse("login"), {"username": "boss", "password": PASSWORD})
    assert response.cookies["django_language"].value == "en"


def test_the_language_switch_is_remembered_for_a_signed_in_user(client, manager):
    client.force_login(manager)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert Account.objects.get(user=manager).language == "en"


def test_password_change_needs_the_old_password(client, manager):
    client.force_login(manager)
    bad = client.post(
        reverse("password_change"),
        {"old_password": "wrong", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert bad.status_code == 200 and 'id="id_old_password_error"' in bad.content.decode()
    ok = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert ok.status_code == 302
    manager.refresh_from_db()
    assert manager.check_password(NEW_PASSWORD)


def test_password_reset_sends_a_link_in_the_users_language_that_works_once(
    client, manager, mailoutbox, django_capture_on_commit_callbacks
):
    Account.objects.create(user=manager, language="en")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("password_reset"), {"email": "boss@asahi.example.jp"})
    assert response.status_code == 302
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == ["boss@asahi.example.jp"]
    assert "Password reset" in message.subject
    assert message.alternatives and message.alternatives[0][1] == "text/html"
    link = _link(message)
    form_page = client.get(link, follow=True)
    assert 'data-testid="password-reset-confirm-form"' in form_page.content.decode()
    done = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert done.status_code == 302
    manager.refresh_from_db()
    assert manager.check_password(NEW_PASSWORD)
    again = client.get(link, follow=True).content.decode()
    assert 'data-testid="password-reset-invalid"' in again


def test_password_reset_for_an_unknown_address_says_the_same_and_sends_nothing(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("password_reset"), {"email": "nobody@example.jp"})
    assert response.status_code == 302 and mailoutbox == []


def test_a_manager_invites_someone_who_joins_through_the_link_once(
    client, org, manager, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(manager)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("members"),
            {"action": "invite", "email": "new@asahi.example.jp", "role": MemberRole.STAFF},
        )
    assert response.status_code == 302
    (message,) = mailoutbox
    assert message.to == ["new@asahi.example.jp"]
    assert "あさひ精機株式会社" in message.body and "Asahi Seiki" in message.body
    link = _link(message)
    client.logout()
    page = client.get(link)
    assert page.status_code == 200 and "new@asahi.example.jp" in page.content.decode()
    joined = client.post(
        link,
        {
            "last_name": "佐藤",
            "first_name": "一郎",
            "username": "sato",
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
        },
    )
    assert joined.status_code == 302
    member = Membership.objects.get(user__username="sato")
    assert (member.organization, member.role, member.user.email) == (
        org,
        MemberRole.STAFF,
        "new@asahi.example.jp",
    )
    client.logout()
    assert client.get(link).status_code == 404  # used once


def test_an_expired_or_revoked_invitation_link_does_not_work(
    client, manager, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(manager)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("members"), {"action": "invite", "email": "a@x.jp", "role": "staff"})
        client.post(reverse("members"), {"action": "invite", "email": "b@x.jp", "role": "staff"})
    links = {m.to[0]: _link(m) for m in mailoutbox}
    Invitation.objects.filter(email="a@x.jp").update(expires_at=timezone.now() - timedelta(1))
    revoked = Invitation.objects.get(email="b@x.jp")
    client.post(reverse("members"), {"action": "revoke", "id": revoked.pk})
    client.logout()
    assert client.get(links["a@x.jp"]).status_code == 404
    assert client.get(links["b@x.jp"]).status_code == 404
    assert client.get(reverse("invitation_accept", args=["forged-token"])).status_code == 404


def test_only_managers_invite_change_roles_and_remove(client, org, manager):
    staff = make_user(org=org, username="staff1", role=MemberRole.STAFF)
    client.force_login(staff)
    assert (
        client.post(reverse("members"), {"action": "invite", "email": "z@x.jp"}).status_code == 403
    )
    page = client.get(reverse("members")).content.decode()
    assert "boss" in page and 'data-testid="invite-form"' not in page
    client.force_login(manager)
    client.post(
        reverse("members"), {"action": "role", "id": staff.membership.pk, "role": "manager"}
    )
    assert Membership.objects.get(user=staff).role == MemberRole.MANAGER
    client.post(reverse("members"), {"action": "remove", "id": staff.membership.pk})
    assert not Membership.objects.filter(user=staff).exists()
    assert not get_user_model().objects.get(pk=staff.pk).is_active


def test_the_last_manager_can_neither_remove_nor_demote_themselves(client, manager):
    client.force_login(manager)
    response = client.post(
        reverse("members"), {"action": "remove", "id": manager.membership.pk}, follow=True
    )
    assert "最後の管理者" in response.content.decode()
    client.post(
        reverse("members"), {"action": "role", "id": manager.membership.pk, "role": "staff"}
    )
    assert Membership.objects.get(user=manager).role == MemberRole.MANAGER


def test_another_organisations_member_cannot_be_touched(client, manager):
    stranger = make_user(org=make_org(kind=OrgKind.COMPANY), username="stranger")
    client.force_login(manager)
    response = client.post(reverse("members"), {"action": "remove", "id": stranger.membership.pk})
    assert response.status_code == 404
    assert Membership.objects.filter(user=stranger).exists()


def test_the_members_api_changes_a_role_with_the_same_rules(manager, org):
    from rest_framework.test import APIClient

    staff = make_user(org=org, username="staff2", role=MemberRole.STAFF)
    api = APIClient()
    api.force_authenticate(manager)
    response = api.patch(f"/api/members/{staff.membership.pk}/", {"role": "manager"}, format="json")
    assert response.status_code == 200 and response.json()["role"] == "manager"
    api.patch(f"/api/members/{staff.membership.pk}/", {"role": "staff"}, format="json")
    last = api.patch(f"/api/members/{manager.membership.pk}/", {"role": "staff"}, format="json")
    assert last.status_code == 400 and "role" in last.json()


def test_a_manager_cannot_remove_themselves_even_with_another_manager(client, manager, org):
    """Removal deactivates the account, so removing oneself would lock one out: another
    manager does it (pages and API alike)."""
    from rest_framework.test import APIClient

    make_user(org=org, username="deputy", role=MemberRole.MANAGER)
    client.force_login(manager)
    page = client.post(
        reverse("members"), {"action": "remove", "id": manager.membership.pk}, follow=True
    )
    assert "自分自身は削除できません" in page.content.decode()
    api = APIClient()
    api.force_authenticate(manager)
    refused = api.delete(f"/api/members/{manager.membership.pk}/")
    assert refused.status_code == 400 and "id" in refused.json()
    assert get_user_model().objects.get(pk=manager.pk).is_active
    assert Membership.objects.filter(user=manager).exists()


def test_the_members_api_needs_an_email_for_a_new_account(manager):
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(manager)
    for email in (None, "", "   "):
        body = {"username": "noemail", "password": "Renkei-staff-2026"}
        if email is not None:
            body["email"] = email
        response = api.post("/api/members/", body, format="json")
        assert response.status_code == 400 and "email" in response.json(), (email, response)
    assert not get_user_model().objects.filter(username="noemail").exists()
    created = api.post(
        "/api/members/",
        {"username": "withmail", "email": "w@x.jp", "password": "Renkei-staff-2026"},
        format="json",
    )
    assert created.status_code == 201 and created.json()["email"] == "w@x.jp"


def test_an_english_reader_sees_the_english_name_when_invited_joining_and_approved(
    client, org, manager, mailoutbox, django_capture_on_commit_callbacks
):
    from profiles.choices import ApprovalStatus
    from tests.factories import make_admin

    client.force_login(manager)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("members"), {"action": "invite", "email": "en@x.jp", "role": "staff"})
    link = _link(mailoutbox[0])
    client.logout()
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = client.get(link).content.decode()
    assert "Asahi Seiki" in page and "あさひ精機" not in page
    joined = client.post(
        link,
        {
            "last_name": "Smith",
            "first_name": "Ann",
            "username": "ann",
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
        },
        follow=True,
    )
    assert "Asahi Seiki" in joined.content.decode()
    pending = make_org(kind=OrgKind.COMPANY, name="みなと商事", name_en="Minato Trading")
    pending.approval_status = ApprovalStatus.PENDING
    pending.save()
    coordinator = make_admin()
    client.force_login(coordinator)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    approved = client.post(
        reverse("console_orgs"), {"organization": pending.pk, "action": "approve"}, follow=True
    ).content.decode()
    assert "Minato Trading" in approved and "みなと商事" not in approved
