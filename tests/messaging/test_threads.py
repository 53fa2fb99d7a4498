"""Threads between introduced parties: members of the two organisations only (everyone else,
coordinators included, gets a 404 for text and attachments; coordinators see that a thread
exists and its message count); plain text with clickable links and no HTML; clear errors for
empty, oversize and NUL messages; the rate limit; unread markers; the other side notified."""

from __future__ import annotations

import pytest
from django.test import override_settings
from rest_framework.test import APIClient

from matching.models import PartnershipProposal
from messaging.models import Message, Thread, ThreadRead
from messaging.selectors import unread_total
from messaging.services.threads import message_post, thread_open
from notifications.kinds import Kind
from notifications.models import Notification
from tests.factories import make_need, make_seed

from .conftest import PDF, upload

pytestmark = pytest.mark.django_db


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_only_an_introduced_subject_has_a_thread(world):
    assert thread_open(kind="proposal", subject_id=world.proposal.pk) is None  # not introduced
    assert thread_open(kind="nonsense", subject_id=1) is None
    pp = PartnershipProposal.objects.create(
        company=world.company, academic=world.uni, score=1, rank=1
    )
    assert thread_open(kind="partnership", subject_id=pp.pk) is None
    assert not Thread.objects.exists()


def test_both_parties_write_and_read_and_the_other_side_is_notified(client, introduced):
    w = introduced
    Notification.objects.all().delete()
    client.force_login(w.buyer)
    response = client.post(f"/messages/{w.thread.pk}/", {"body": "よろしくお願いします。"})
    assert response.status_code == 302
    assert set(Notification.objects.values_list("recipient__username", "kind")) == {
        ("uni_a", Kind.MESSAGE),
        ("uni_b", Kind.MESSAGE),
    }
    assert unread_total(user=w.uni_a) == 1 and unread_total(user=w.buyer) == 0
    client.force_login(w.uni_a)
    dashboard = client.get("/dashboard/").content.decode()
    assert 'data-testid="messages-unread">1<' in dashboard
    html = client.get(f"/messages/{w.thread.pk}/").content.decode()
    assert "よろしくお願いします。" in html and 'data-testid="new-marker"' in html
    assert unread_total(user=w.uni_a) == 0  # opened: read
    assert unread_total(user=w.uni_b) == 1  # read markers are per person
    assert not Notification.objects.filter(recipient=w.uni_a, read_at__isnull=True).exists()
    assert Notification.objects.filter(recipient=w.uni_b, read_at__isnull=True).count() == 1
    client.post(f"/messages/{w.thread.pk}/", {"body": "こちらこそ。"})
    assert unread_total(user=w.buyer) == 1
    w.thread.refresh_from_db()
    assert w.thread.message_count == 2


def test_outsiders_and_coordinators_get_404_for_text_and_attachments(client, introduced):
    w = introduced
    message = message_post(
        thread=w.thread, by=w.buyer, body="非公開の条件", files=[upload("terms.pdf", PDF)]
    )
    attachment = message.attachments.get()
    for user in (w.outsider, w.coordinator):
        client.force_login(user)
        assert client.get(f"/messages/{w.thread.pk}/").status_code in (403, 404)
        assert client.post(f"/messages/{w.thread.pk}/", {"body": "x"}).status_code in (403, 404)
        assert client.get(f"/messages/attachments/{attachment.pk}/").status_code in (403, 404)
        assert client.get(f"/messages/for/proposal/{w.proposal.pk}/").status_code in (403, 404)
        a = api(user)
        assert a.get(f"/api/threads/{w.thread.pk}/").status_code == 404
        assert a.get(f"/api/threads/{w.thread.pk}/messages/").status_code == 404
        assert a.post(f"/api/threads/{w.thread.pk}/messages/", {"body": "x"}).status_code == 404
        assert a.get(f"/api/attachments/{attachment.pk}/").status_code == 404
        assert a.get(f"/api/threads/for/proposal/{w.proposal.pk}/").status_code == 404
    assert Message.objects.count() == 1
    # An outsider does not even see that the thread exists.
    assert api(w.outsider).get("/api/threads/").json()["count"] == 0
    # Coordinators see that it exists and how many messages it has, and no text.
    listed = api(w.coordinator).get("/api/threads/").json()["results"]
    assert [(t["id"], t["message_count"]) for t in listed] == [(w.thread.pk, 1)]
    assert "非公開の条件" not in str(listed)
    client.force_login(w.coordinator)
    console = client.get("/console/threads/").content.decode()
    assert 'data-testid="message-count">1<' in console and "非公開の条件" not in console
    client.force_login(w.buyer)
    assert client.get("/console/threads/").status_code == 403


def test_a_party_opens_the_thread_of_its_introduction(client, introduced):
    w = introduced
    client.force_login(w.uni_b)
    response = client.get(f"/messages/for/proposal/{w.proposal.pk}/")
    assert response.status_code == 302 and response["Location"] == f"/messages/{w.thread.pk}/"
    assert api(w.uni_b).get(f"/api/threads/for/proposal/{w.proposal.pk}/").json()["id"] == (
        w.thread.pk
    )
    html = client.get(f"/proposals/{w.proposal.pk}/introduction/").content.decode()
    assert f"/messages/for/proposal/{w.proposal.pk}/" in html


def test_text_is_plain_links_become_links_and_html_stays_text(client, introduced):
    w = introduced
    message_post(
        thread=w.thread,
        by=w.buyer,
        body='資料: https://example.jp/spec?a=1&b=2\n<script>alert("x")</script><b>太字</b>',
    )
    client.force_login(w.uni_a)
    html = client.get(f"/messages/{w.thread.pk}/").content.decode()
    assert '<a href="https://example.jp/spec?a=1&amp;b=2" rel="nofollow">' in html
    assert "<script>alert" not in html and "&lt;script&gt;" in html
    assert "<b>太字</b>" not in html and "&lt;b&gt;" in html
    assert "<br>" in html


@pytest.mark.parametrize(
    ("body", "error"),
    [
        ("", "メッセージを入力するか、ファイルを添付してください。"),
        ("   \n  ", "メッセージを入力するか、ファイルを添付してください。"),
        ("a" * 10001, "10000 文字以内"),
        ("途中に\x00NUL", "NUL 文字を含むメッセージは送信できません。"),
        ("エスケープ\x1b[31m", "制御文字"),
    ],
)
def test_bad_messages_get_a_clear_error_and_write_nothing(client, introduced, body, error):
    w = introduced
    client.force_login(w.buyer)
    response = client.post(f"/messages/{w.thread.pk}/", {"body": body})
    if "\x00" in body:
        # A NUL in any form value is refused before the view (config/middleware.py).
        assert response.status_code == 400 and "body" in response.content.decode()
    else:
        assert response.status_code == 200 and error in response.content.decode()
    r = api(w.buyer).post(f"/api/threads/{w.thread.pk}/messages/", {"body": body}, format="json")
    assert r.status_code == 400 and error in str(r.json())
    assert not Message.objects.exists()
    w.thread.refresh_from_db()
    assert w.thread.message_count == 0


def test_the_rate_limit_refuses_a_flood_with_a_clear_error_and_429(client, introduced, settings):
    w = introduced
    settings.MESSAGING_RATE_MESSAGES = 3
    settings.MESSAGING_RATE_SECONDS = 600
    for i in range(3):
        message_post(thread=w.thread, by=w.buyer, body=f"{i}")
    client.force_login(w.buyer)
    html = client.post(f"/messages/{w.thread.pk}/", {"body": "4"}).content.decode()
    assert "短時間に送信できるメッセージの数を超えました" in html
    r = api(w.buyer).post(f"/api/threads/{w.thread.pk}/messages/", {"body": "4"}, format="json")
    assert r.status_code == 429 and int(r["Retry-After"]) > 0
    assert Message.objects.count() == 3
    # The limit is per person: a colleague on the other side still writes.
    message_post(thread=w.thread, by=w.uni_a, body="返信")
    assert Message.objects.count() == 4


def test_the_api_posts_lists_and_marks_read(introduced):
    w = introduced
    r = api(w.buyer).post(
        f"/api/threads/{w.thread.pk}/messages/",
        {"body": "API から https://x.example"},
        format="json",
    )
    assert r.status_code == 201 and r.json()["mine"] is True
    threads = api(w.uni_a).get("/api/threads/").json()["results"]
    assert [(t["id"], t["unread"], t["message_count"]) for t in threads] == [(w.thread.pk, 1, 1)]
    listed = api(w.uni_a).get(f"/api/threads/{w.thread.pk}/messages/").json()["results"]
    assert listed[0]["body"] == "API から https://x.example" and listed[0]["mine"] is False
    assert listed[0]["author_org"]["name"] == "未来電機株式会社"
    marker = api(w.uni_a).post(f"/api/threads/{w.thread.pk}/read/").json()["last_read_id"]
    assert marker == r.json()["id"]
    assert ThreadRead.objects.get(thread=w.thread, user=w.uni_a).last_read_id == marker
    assert api(w.uni_a).get("/api/threads/").json()["results"][0]["unread"] == 0
    assert api(w.uni_a).get("/api/threads/99999999999999999999/").status_code == 404


def test_a_partnership_thread_works_the_same_way(introduced):
    from matching.services.proposals import partnership_approve, partnership_respond

    w = introduced
    pp = PartnershipProposal.objects.create(company=w.company, academic=w.uni, score=1, rank=1)
    partnership_approve(partnership=pp, by=w.coordinator)
    partnership_respond(partnership=pp, by=w.buyer, decision="interested")
    partnership_respond(partnership=pp, by=w.uni_a, decision="interested")
    thread = Thread.objects.get(partnership=pp)
    assert thread.title == "未来電機株式会社 × 東都大学"
    message_post(thread=thread, by=w.uni_a, body="組織対組織の件です")
    assert (
        api(w.buyer).get(f"/api/threads/?partnership={pp.pk}").json()["results"][0]["unread"] == 1
    )


@override_settings(MESSAGING_MAX_CHARS=10000)
def test_an_unrelated_introduction_of_the_same_company_is_another_thread(introduced):
    from matching.models import Proposal
    from matching.services.proposals import proposal_approve, proposal_respond

    w = introduced
    other_seed = make_seed(org=w.other)
    other = Proposal.objects.create(
        need=make_need(org=w.company), seed=other_seed, score=1, signals={}, explanation={}
    )
    proposal_approve(proposal=other, by=w.coordinator)
    proposal_respond(proposal=other, by=w.buyer, decision="interested")
    proposal_respond(proposal=other, by=w.outsider, decision="interested")
    message_post(thread=Thread.objects.get(proposal=other), by=w.outsider, body="別件です")
    # The first university sees nothing of it.
    assert api(w.uni_a).get("/api/threads/").json()["count"] == 1
    assert unread_total(user=w.uni_a) == 0 and unread_total(user=w.buyer) == 1
