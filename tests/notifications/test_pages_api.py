"""The bell, the notification page (filter, mark read, mark all read, open), the API, and the
preferences on the account page: each notification is visible to its recipient only."""

from __future__ import annotations

import re

import pytest
from rest_framework.test import APIClient

from matching.services.proposals import proposal_approve, proposal_respond
from notifications.kinds import Kind, Mode
from notifications.models import Notification, NotificationPreference

pytestmark = pytest.mark.django_db


@pytest.fixture
def noted(world):
    proposal_approve(proposal=world.proposal, by=world.coordinator)
    proposal_respond(proposal=world.proposal, by=world.uni_a, decision="interested")
    return world  # buyer: proposal_approved + counterpart_interested


def bell(html: str) -> str | None:
    m = re.search(r'data-testid="bell-count">(\d+)<', html)
    return m.group(1) if m else None


def test_the_bell_shows_the_unread_count_on_every_page(client, noted):
    client.force_login(noted.buyer)
    assert bell(client.get("/dashboard/").content.decode()) == "2"
    assert bell(client.get("/proposals/").content.decode()) == "2"
    client.force_login(noted.outsider)
    assert bell(client.get("/dashboard/").content.decode()) is None


def test_the_list_filters_marks_read_and_marks_all_read(client, noted):
    client.force_login(noted.buyer)
    html = client.get("/notifications/").content.decode()
    assert html.count("data-notification=") == 2
    assert "新しい提案があります" in html and "関心を示しました" in html
    only = client.get("/notifications/?kind=counterpart_interested").content.decode()
    assert only.count("data-notification=") == 1
    first = Notification.objects.get(recipient=noted.buyer, kind=Kind.PROPOSAL_APPROVED)
    client.post("/notifications/", {"action": "read", "id": first.pk})
    first.refresh_from_db()
    assert first.read_at is not None
    unread = client.get("/notifications/?state=unread").content.decode()
    assert unread.count("data-notification=") == 1
    client.post("/notifications/", {"action": "read_all"})
    assert not Notification.objects.filter(recipient=noted.buyer, read_at__isnull=True).exists()
    assert bell(client.get("/notifications/").content.decode()) is None


def test_opening_a_notification_marks_it_read_and_goes_to_its_object(client, noted):
    n = Notification.objects.get(recipient=noted.buyer, kind=Kind.PROPOSAL_APPROVED)
    client.force_login(noted.buyer)
    response = client.get(f"/notifications/{n.pk}/")
    assert response.status_code == 302 and response["Location"] == n.url
    n.refresh_from_db()
    assert n.read_at is not None


def test_someone_elses_notification_is_a_404_everywhere(client, noted):
    n = Notification.objects.get(recipient=noted.buyer, kind=Kind.PROPOSAL_APPROVED)
    for user in (noted.uni_a, noted.outsider, noted.coordinator):
        client.force_login(user)
        assert client.get(f"/notifications/{n.pk}/").status_code == 404
        assert client.post("/notifications/", {"action": "read", "id": n.pk}).status_code == 404
        api = APIClient()
        api.force_authenticate(user)
        assert api.get(f"/api/notifications/{n.pk}/").status_code == 404
        assert api.post(f"/api/notifications/{n.pk}/read/").status_code == 404
        assert n.pk not in [r["id"] for r in api.get("/api/notifications/").json()["results"]]
    n.refresh_from_db()
    assert n.read_at is None


def test_the_api_lists_counts_and_marks_read(noted):
    api = APIClient()
    api.force_authenticate(noted.buyer)
    body = api.get("/api/notifications/").json()
    assert body["count"] == 2
    assert {r["kind"] for r in body["results"]} == {
        Kind.PROPOSAL_APPROVED,
        Kind.COUNTERPART_INTERESTED,
    }
    assert all(r["url"].startswith("/proposals/") for r in body["results"])
    assert api.get("/api/notifications/unread-count/").json() == {"unread": 2}
    one = body["results"][0]["id"]
    assert api.post(f"/api/notifications/{one}/read/").json()["read_at"]
    assert api.get("/api/notifications/?unread=true").json()["count"] == 1
    assert api.post("/api/notifications/read-all/").json() == {"updated": 1}
    assert api.get("/api/notifications/unread-count/").json() == {"unread": 0}
    en = api.get("/api/notifications/", HTTP_ACCEPT_LANGUAGE="en").json()
    assert any("New proposal for your need" in r["text"] for r in en["results"])
    assert api.get("/api/notifications/?kind=nonsense").status_code == 400
    assert APIClient().get("/api/notifications/").status_code == 401


def test_the_api_reads_and_sets_preferences_with_clear_errors(world):
    api = APIClient()
    api.force_authenticate(world.buyer)
    modes = api.get("/api/notifications/preferences/").json()["modes"]
    assert modes == {
        Kind.PROPOSAL_APPROVED: Mode.IMMEDIATE,
        Kind.COUNTERPART_INTERESTED: Mode.IMMEDIATE,
        Kind.INTRODUCED: Mode.IMMEDIATE,
        Kind.MESSAGE: Mode.IMMEDIATE,
        Kind.OUTCOME_PENDING: Mode.IMMEDIATE,
        # Alerts of saved searches and the watchlist can come several a day (issue 14).
        Kind.SEARCH_ALERT: Mode.DIGEST,
        Kind.WATCH_ALERT: Mode.DIGEST,
    }
    r = api.patch(
        "/api/notifications/preferences/", {"modes": {"message": "digest"}}, format="json"
    )
    assert r.status_code == 200 and r.json()["modes"]["message"] == "digest"
    bad = api.patch(
        "/api/notifications/preferences/", {"modes": {"message": "hourly"}}, format="json"
    )
    assert bad.status_code == 400 and "modes" in bad.json()
    foreign = api.patch(
        "/api/notifications/preferences/", {"modes": {"org_pending": "off"}}, format="json"
    )
    assert foreign.status_code == 400
    assert dict(
        NotificationPreference.objects.filter(user=world.buyer).values_list("kind", "mode")
    ) == {Kind.MESSAGE: Mode.DIGEST}


def test_the_account_page_shows_and_saves_the_preferences_of_the_persons_kinds(client, world):
    client.force_login(world.uni_a)
    html = client.get("/account/").content.decode()
    assert 'data-testid="notification-preferences"' in html
    assert "分野の新しいニーズ" in html and "承認待ちの組織" not in html
    chosen = {
        "proposal_approved": "digest",
        "counterpart_interested": "immediate",
        "introduced": "immediate",
        "message": "off",
        "weekly_needs": "off",
        "investor_interested": "immediate",
        "outcome_pending": "immediate",
        "search_alert": "off",
        "watch_alert": "digest",
    }
    client.post("/account/notifications/", chosen)
    assert (
        dict(NotificationPreference.objects.filter(user=world.uni_a).values_list("kind", "mode"))
        == chosen
    )
    response = client.post("/account/notifications/", {"message": "sometimes"}, follow=True)
    assert "保存できませんでした" in response.content.decode()
    assert NotificationPreference.objects.get(user=world.uni_a, kind="message").mode == "off"
    client.force_login(world.coordinator)
    html = client.get("/account/").content.decode()
    assert "承認待ちの組織" in html and "メール送信の失敗" not in html
