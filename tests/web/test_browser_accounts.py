"""Accounts in Chromium, with e-mail through a real SMTP server (aiosmtpd): a member who forgot
the password resets it from the link in the e-mail; a manager invites a colleague, who creates
an account from the invitation e-mail and lands in the organisation."""

from __future__ import annotations

import re

import pytest

from profiles.choices import MemberRole, OrgKind
from profiles.models import Membership
from tests.factories import make_org, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NEW_PASSWORD = "Brand-new-passphrase-2026"


def _link(message, live_server) -> str:
    body = message.get_body(preferencelist=("plain",)).get_content()
    url = re.search(r"https?://\S+", body).group(0)
    return re.sub(r"^https?://[^/]+", live_server.url, url)


def test_forgotten_password_is_reset_from_the_emailed_link(
    browser_session, smtp_server, live_server, screenshot_dir, settings
):
    settings.SITE_URL = live_server.url
    org = make_org(kind=OrgKind.UNIVERSITY, name="北方大学")
    make_user(org=org, username="tlo", email="tlo@hoppo-u.example.jp")
    s = browser_session()
    s.goto("/login/")
    with s.page.expect_navigation():
        s.page.click("[data-testid=forgot-password]")
    s.page.fill("#id_email", "tlo@hoppo-u.example.jp")
    with s.page.expect_navigation():
        s.page.click("[data-testid=password-reset-form] button[type=submit]")
    assert s.page.locator("[data-testid=password-reset-sent]").count() == 1
    (message,) = smtp_server.wait_for(1)
    assert message["To"] == "tlo@hoppo-u.example.jp"
    assert "パスワード" in message["Subject"]
    s.goto(_link(message, live_server).removeprefix(live_server.url))
    s.page.fill("#id_new_password1", NEW_PASSWORD)
    s.page.fill("#id_new_password2", NEW_PASSWORD)
    s.page.screenshot(path=str(screenshot_dir / "password-reset-desktop.png"), full_page=True)
    with s.page.expect_navigation():
        s.page.click("[data-testid=password-reset-confirm-form] button[type=submit]")
    assert s.page.locator("[data-testid=password-reset-complete]").count() == 1
    s.login("tlo", NEW_PASSWORD)
    assert s.page.url.rstrip("/").endswith("/dashboard")
    assert s.errors == []


def test_a_manager_invites_a_colleague_who_joins_from_the_email(
    browser_session, smtp_server, live_server, screenshot_dir, settings
):
    settings.SITE_URL = live_server.url
    org = make_org(kind=OrgKind.COMPANY, name="あさひ精機株式会社", name_en="Asahi Seiki")
    make_user(org=org, username="boss")
    manager = browser_session()
    manager.login("boss")
    manager.goto("/organization/members/")
    manager.page.fill("#id_email", "new.member@asahi.example.jp")
    manager.page.select_option("#id_role", MemberRole.STAFF)
    with manager.page.expect_navigation():
        manager.page.click("[data-testid=invite-form] button[type=submit]")
    assert (
        "new.member@asahi.example.jp"
        in manager.page.locator("[data-testid=invitations]").inner_text()
    )
    (message,) = smtp_server.wait_for(1)
    assert message["To"] == "new.member@asahi.example.jp"
    html = message.get_body(preferencelist=("html",)).get_content()
    assert "あさひ精機株式会社" in html and "Asahi Seiki" in html

    invitee = browser_session(locale="en-US")
    invitee.goto(_link(message, live_server).removeprefix(live_server.url))
    invitee.page.fill("#id_last_name", "佐藤")
    invitee.page.fill("#id_first_name", "一郎")
    invitee.page.fill("#id_username", "sato")
    invitee.page.fill("#id_password1", NEW_PASSWORD)
    invitee.page.fill("#id_password2", NEW_PASSWORD)
    invitee.page.screenshot(path=str(screenshot_dir / "invitation-desktop.png"), full_page=True)
    with invitee.page.expect_navigation():
        invitee.page.click("[data-testid=invitation-form] button[type=submit]")
    assert invitee.page.url.rstrip("/").endswith("/dashboard")
    # The invitee reads English: the welcome names the organisation by its English name.
    assert "Asahi Seiki" in invitee.page.content()
    member = Membership.objects.get(user__username="sato")
    assert member.organization == org and member.role == MemberRole.STAFF
    assert manager.errors == [] and invitee.errors == []
