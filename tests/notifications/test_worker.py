"""One event → one e-mail, with a real Celery worker (Redis broker, PostgreSQL, two worker
threads taking tasks at the same time) and a real SMTP server: the e-mail task is delivered
twice (the outbox's own message plus a duplicate, as a broker redelivery would), and still one
e-mail arrives; the delivery row says sent after one attempt."""

from __future__ import annotations

import os
import time

import pytest

from matching.models import Proposal
from matching.services.proposals import proposal_approve
from notifications.models import EmailDelivery
from outbox.dispatch import task_named
from profiles.choices import OrgKind
from tests.factories import make_admin, make_need, make_org, make_seed, make_user

BROKER = os.environ.get("SANGAKU_TEST_BROKER_URL", "")

pytestmark = [
    pytest.mark.worker,
    pytest.mark.skipif(not BROKER, reason="SANGAKU_TEST_BROKER_URL is not set (no Redis broker)"),
]


@pytest.fixture
def celery_worker(settings):
    from celery.contrib.testing.worker import start_worker

    from config.celery import app

    saved = {
        "broker_url": app.conf.broker_url,
        "task_always_eager": app.conf.task_always_eager,
        "result_backend": app.conf.result_backend,
    }
    app.conf.broker_url = BROKER
    app.conf.result_backend = None
    app.conf.task_always_eager = False
    settings.CELERY_TASK_ALWAYS_EAGER = False
    app._pool = None
    app.amqp._producer_pool = None
    with app.connection_for_write() as conn:
        app.control.purge(connection=conn)
    with start_worker(
        app, pool="threads", concurrency=2, perform_ping_check=False, shutdown_timeout=30
    ) as worker:
        yield worker
    app.conf.update(saved)
    app._pool = None
    app.amqp._producer_pool = None


def wait_for(predicate, *, timeout: float = 60.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)  # polling a condition with a deadline
    return False


@pytest.mark.django_db(transaction=True)
def test_one_event_sends_one_email_although_the_task_is_delivered_twice(celery_worker, smtp_server):
    company = make_org(kind=OrgKind.COMPANY)
    university = make_org(kind=OrgKind.UNIVERSITY)
    buyer = make_user(org=company, email="buyer@mirai.example.jp")
    make_admin()
    proposal = Proposal.objects.create(
        need=make_need(org=company),
        seed=make_seed(org=university),
        score=1.0,
        signals={},
        explanation={},
    )
    # No member of the university: the company's one member is the only recipient.
    proposal_approve(proposal=proposal, by=make_admin())
    delivery = EmailDelivery.objects.get(recipient=buyer)
    task_named("notifications.tasks.send_email").delay(delivery.pk)  # the duplicate
    assert wait_for(
        lambda: EmailDelivery.objects.get(pk=delivery.pk).status == EmailDelivery.Status.SENT
    ), "the worker did not send the e-mail"
    from celery.worker import state

    assert wait_for(lambda: state.total_count.get("notifications.tasks.send_email", 0) >= 2), (
        "the worker did not take both deliveries of the task"
    )
    messages = smtp_server.wait_for(1)
    assert len(messages) == 1 and messages[0]["To"] == "buyer@mirai.example.jp"
    delivery.refresh_from_db()
    assert delivery.attempts == 1
    assert university.memberships.count() == 0
