"""E-mails of notifications: in the recipient's language, text and HTML, an unsubscribe link
and List-Unsubscribe headers, nothing confidential; the preferences (immediately, daily
digest, off); exactly once per recipient × event × subject × channel; retries with backoff
and failures shown to coordinators."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from matching.services.proposals import proposal_approve, proposal_respond
from notifications.kinds import Kind, Mode
from notifications.models import EmailDelivery, Notification, NotificationPreference
from notifications.services.delivery import DeliveryRetry, deliveries_sweep, delivery_send
from notifications.services.digest import digests_send
from notifications.tasks import send_email
from profiles.models import Account

pytestmark = pytest.mark.django_db


def approve(world, capture):
    with capture(execute=True):
        proposal_approve(proposal=world.proposal, by=world.coordinator)


def test_an_approval_sends_one_email_per_member_in_their_language(
    world, django_capture_on_commit_callbacks
):
    Account.objects.create(user=world.uni_b, language="en")
    approve(world, django_capture_on_commit_callbacks)
    by_address = {m.to[0]: m for m in mail.outbox}
    assert sorted(by_address) == sorted([world.uni_a.email, world.uni_b.email, world.buyer.email])
    ja = by_address[world.uni_a.email]
    en = by_address[world.uni_b.email]
    assert "提案が承認されました" in ja.subject and "産学マッチ" in ja.subject
    assert "was approved" in en.subject and "Sangaku Match" in en.subject
    assert "Dear" in en.body and "/proposals/" in en.body
    for message in mail.outbox:
        html = message.alternatives[0][0]
        assert message.alternatives[0][1] == "text/html" and "<a href=" in html
        unsubscribe = message.extra_headers["List-Unsubscribe"]
        assert unsubscribe.startswith("<http") and "/notifications/unsubscribe/" in unsubscribe
        assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert unsubscribe.strip("<>") in message.body
        assert "極秘" not in message.body + html + message.subject
    assert EmailDelivery.objects.filter(status=EmailDelivery.Status.SENT).count() == 3


def test_no_email_names_the_company_of_an_anonymous_need_to_the_university(
    world, django_capture_on_commit_callbacks
):
    world.need.is_anonymous = True
    world.need.save()
    approve(world, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        proposal_respond(proposal=world.proposal, by=world.buyer, decision="interested")
    to_uni = [m for m in mail.outbox if m.to[0] in (world.uni_a.email, world.uni_b.email)]
    assert len(to_uni) == 4
    for message in to_uni:
        text = message.subject + message.body + message.alternatives[0][0]
        assert "未来電機" not in text and "Mirai" not in text


def test_a_member_who_chose_off_gets_no_email_but_still_the_notification(
    world, django_capture_on_commit_callbacks
):
    NotificationPreference.objects.create(
        user=world.uni_a, kind=Kind.PROPOSAL_APPROVED, mode=Mode.OFF
    )
    approve(world, django_capture_on_commit_callbacks)
    assert world.uni_a.email not in [m.to[0] for m in mail.outbox]
    assert Notification.objects.filter(recipient=world.uni_a).count() == 1
    assert len(mail.outbox) == 2


def test_the_daily_digest_groups_everything_since_the_last_one(
    world, django_capture_on_commit_callbacks
):
    for kind in (Kind.PROPOSAL_APPROVED, Kind.INTRODUCED, Kind.COUNTERPART_INTERESTED):
        NotificationPreference.objects.create(user=world.buyer, kind=kind, mode=Mode.DIGEST)
    approve(world, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        proposal_respond(proposal=world.proposal, by=world.uni_a, decision="interested")
        proposal_respond(proposal=world.proposal, by=world.buyer, decision="interested")
    assert world.buyer.email not in [m.to[0] for m in mail.outbox]
    mail.outbox.clear()
    now = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        assert digests_send(now=now) == 1
        assert digests_send(now=now) == 0  # the same day: nothing more
    (digest,) = mail.outbox
    assert digest.to == [world.buyer.email]
    assert "毎日のまとめ (3 件)" in digest.subject
    assert "紹介が成立しました" in digest.body and "新しい提案" in digest.body
    assert "関心を示しました" in digest.body
    assert "通知メールをすべて停止する" in digest.body
    # The next day's digest starts after this one.
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert digests_send(now=now + timedelta(days=1)) == 0
    assert mail.outbox == []


def test_a_kind_turned_off_after_the_event_is_left_out_of_the_digest(
    world, django_capture_on_commit_callbacks
):
    pref = NotificationPreference.objects.create(
        user=world.buyer, kind=Kind.PROPOSAL_APPROVED, mode=Mode.DIGEST
    )
    approve(world, django_capture_on_commit_callbacks)
    pref.mode = Mode.OFF
    pref.save()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert digests_send() == 0
    assert mail.outbox == []


def test_the_same_delivery_sent_twice_leaves_once(world, django_capture_on_commit_callbacks):
    approve(world, django_capture_on_commit_callbacks)
    delivery = EmailDelivery.objects.get(recipient=world.buyer)
    assert len(mail.outbox) == 3
    assert send_email.delay(delivery.pk).get() == "sent"
    assert delivery_send(delivery_id=delivery.pk) == "sent"
    assert len(mail.outbox) == 3
    delivery.refresh_from_db()
    assert delivery.attempts == 1


def test_a_delivery_in_flight_is_not_sent_by_a_second_task(world):
    proposal_approve(proposal=world.proposal, by=world.coordinator)  # callbacks not run
    delivery = EmailDelivery.objects.get(recipient=world.buyer)
    EmailDelivery.objects.filter(pk=delivery.pk).update(
        status=EmailDelivery.Status.SENDING, claimed_at=timezone.now()
    )
    assert delivery_send(delivery_id=delivery.pk) == "sending"
    assert mail.outbox == []


class FlakySMTP:
    """An e-mail backend whose server refuses every message."""

    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("connection refused")


def test_failed_sends_are_retried_with_growing_backoff_and_then_shown_to_coordinators(
    world, settings, monkeypatch
):
    settings.EMAIL_MAX_ATTEMPTS = 3
    settings.EMAIL_RETRY_BASE_SECONDS = 10
    settings.EMAIL_RETRY_MAX_SECONDS = 1000
    monkeypatch.setattr("django.core.mail.get_connection", lambda *a, **k: FlakySMTP())
    proposal_approve(proposal=world.proposal, by=world.coordinator)
    delivery = EmailDelivery.objects.get(recipient=world.buyer)
    waits = []
    for _ in range(2):
        with pytest.raises(DeliveryRetry) as retry:
            delivery_send(delivery_id=delivery.pk)
        waits.append(retry.value.countdown)
        delivery.refresh_from_db()
        assert delivery.status == EmailDelivery.Status.PENDING
        assert "ConnectionRefusedError" in delivery.last_error
    assert 8 <= waits[0] <= 12 and 16 <= waits[1] <= 24  # 10 s, then 20 s (±20 % jitter)
    assert delivery_send(delivery_id=delivery.pk) == EmailDelivery.Status.FAILED
    delivery.refresh_from_db()
    assert delivery.attempts == 3 and delivery.status == EmailDelivery.Status.FAILED
    told = Notification.objects.get(kind=Kind.EMAIL_FAILED)
    assert told.recipient == world.coordinator and told.email_mode == Mode.OFF
    assert told.url == f"/admin/notifications/emaildelivery/{delivery.pk}/change/"
    # A later duplicate of the task sends nothing.
    assert delivery_send(delivery_id=delivery.pk) == EmailDelivery.Status.FAILED


def test_the_task_retries_through_celery_until_the_last_try(world, settings, monkeypatch):
    settings.EMAIL_MAX_ATTEMPTS = 2
    monkeypatch.setattr("django.core.mail.get_connection", lambda *a, **k: FlakySMTP())
    proposal_approve(proposal=world.proposal, by=world.coordinator)
    delivery = EmailDelivery.objects.get(recipient=world.buyer)
    # In-process, Celery runs the retry at once (a worker waits the countdown).
    send_email.apply(args=[delivery.pk], throw=False)
    delivery.refresh_from_db()
    assert delivery.status == EmailDelivery.Status.FAILED and delivery.attempts == 2


def test_the_sweep_fails_a_send_whose_worker_died_and_requeues_a_lost_one(
    world, django_capture_on_commit_callbacks
):
    proposal_approve(proposal=world.proposal, by=world.coordinator)
    died = EmailDelivery.objects.get(recipient=world.buyer)
    lost = EmailDelivery.objects.get(recipient=world.uni_a)
    long_ago = timezone.now() - timedelta(hours=1)
    EmailDelivery.objects.filter(pk=died.pk).update(
        status=EmailDelivery.Status.SENDING, claimed_at=long_ago, attempts=1
    )
    EmailDelivery.objects.filter(pk=lost.pk).update(created_at=long_ago)
    with django_capture_on_commit_callbacks(execute=True):
        result = deliveries_sweep()
    assert result == {"lost": 1, "requeued": 1}
    died.refresh_from_db()
    assert died.status == EmailDelivery.Status.FAILED and "不明" in died.last_error
    assert [m.to[0] for m in mail.outbox] == [world.uni_a.email]
    assert Notification.objects.filter(kind=Kind.EMAIL_FAILED).count() == 1


def test_message_emails_say_who_wrote_but_never_what(world, django_capture_on_commit_callbacks):
    from messaging.services.threads import message_post, thread_open

    with django_capture_on_commit_callbacks(execute=True):
        proposal_approve(proposal=world.proposal, by=world.coordinator)
        proposal_respond(proposal=world.proposal, by=world.buyer, decision="interested")
        proposal_respond(proposal=world.proposal, by=world.uni_a, decision="interested")
    mail.outbox.clear()
    thread = thread_open(kind="proposal", subject_id=world.proposal.pk)
    with django_capture_on_commit_callbacks(execute=True):
        message_post(
            thread=thread, by=world.buyer, body="見積もりは 1,200 万円で極秘にお願いします"
        )
    assert sorted(m.to[0] for m in mail.outbox) == sorted([world.uni_a.email, world.uni_b.email])
    for message in mail.outbox:
        text = message.subject + message.body + message.alternatives[0][0]
        assert "未来電機株式会社" in text and f"/messages/{thread.pk}/" in text
        assert "見積もり" not in text and "極秘" not in text
