"""The digest and unsubscribe paths through a real SMTP server (aiosmtpd, in this process):
the digest arrives as one multipart e-mail; the one-click POST of its List-Unsubscribe header
turns e-mails off without signing in, after which an event sends nothing; the link in the body
opens a page that changes nothing until its button is pressed; a tampered token is refused."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.utils import timezone

from matching.services.proposals import proposal_approve, proposal_respond
from notifications.kinds import COMPANY_KINDS, Kind, Mode
from notifications.models import EmailDelivery, Notification, NotificationPreference
from notifications.services.digest import digests_send

pytestmark = pytest.mark.django_db


def _path(url: str) -> str:
    return re.sub(r"^https?://[^/]+", "", url)


def test_the_digest_arrives_over_smtp_and_its_one_click_unsubscribe_stops_the_emails(
    world, smtp_server, django_capture_on_commit_callbacks
):
    for kind in (Kind.PROPOSAL_APPROVED, Kind.COUNTERPART_INTERESTED, Kind.INTRODUCED):
        NotificationPreference.objects.create(user=world.buyer, kind=kind, mode=Mode.DIGEST)
    with django_capture_on_commit_callbacks(execute=True):
        proposal_approve(proposal=world.proposal, by=world.coordinator)
        proposal_respond(proposal=world.proposal, by=world.uni_a, decision="interested")
    smtp_server.wait_for(2)  # the university's two immediate e-mails
    smtp_server.messages.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert digests_send(now=timezone.now()) == 1
    (digest,) = smtp_server.wait_for(1)
    assert digest["To"] == world.buyer.email
    assert "毎日のまとめ (2 件)" in digest["Subject"]
    assert digest["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    text = digest.get_body(preferencelist=("plain",)).get_content()
    html = digest.get_body(preferencelist=("html",)).get_content()
    assert "新しい提案があります" in text and "関心を示しました" in html
    assert "極秘" not in text + html

    # A mail client's unsubscribe button: POST to the header's URL, no session, no CSRF token.
    url = re.search(r"<(https?://[^>]+)>", str(digest["List-Unsubscribe"])).group(1)
    response = Client(enforce_csrf_checks=True).post(_path(url), {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    modes = dict(
        NotificationPreference.objects.filter(user=world.buyer).values_list("kind", "mode")
    )
    assert modes == {kind: Mode.OFF for kind in COMPANY_KINDS}
    # The introduction now sends nothing to the company (the university still gets its own).
    smtp_server.messages.clear()
    with django_capture_on_commit_callbacks(execute=True):
        proposal_respond(proposal=world.proposal, by=world.buyer, decision="interested")
    arrived = smtp_server.wait_for(2)
    assert world.buyer.email not in [m["To"] for m in arrived]
    assert Notification.objects.filter(recipient=world.buyer, kind=Kind.INTRODUCED).exists()


def test_the_link_in_an_email_asks_before_it_unsubscribes_one_kind(
    world, smtp_server, django_capture_on_commit_callbacks, client
):
    with django_capture_on_commit_callbacks(execute=True):
        proposal_approve(proposal=world.proposal, by=world.coordinator)
    messages = smtp_server.wait_for(3)
    (mine,) = [m for m in messages if m["To"] == world.buyer.email]
    text = mine.get_body(preferencelist=("plain",)).get_content()
    link = re.search(r"https?://\S+/notifications/unsubscribe/\S+", text).group(0)
    page = client.get(_path(link))
    assert page.status_code == 200 and "新しい提案" in page.content.decode()
    assert not NotificationPreference.objects.filter(user=world.buyer).exists()  # GET: nothing
    done = client.post(_path(link))
    assert "停止しました" in done.content.decode()
    assert dict(
        NotificationPreference.objects.filter(user=world.buyer).values_list("kind", "mode")
    ) == {Kind.PROPOSAL_APPROVED: Mode.OFF}
    assert EmailDelivery.objects.filter(status=EmailDelivery.Status.SENT).count() == 3


def test_a_tampered_unsubscribe_token_is_refused(world, client):
    from notifications.services.preferences import unsubscribe_token

    token = unsubscribe_token(user=world.buyer)
    response = client.post(f"/notifications/unsubscribe/{token[:-2]}xx/")
    assert response.status_code == 404
    assert not NotificationPreference.objects.exists()
