"""End to end with a real Celery worker against Redis and PostgreSQL: a company publishes a need,
a university publishes a seed through the catalog services, and a proposal appears, computed
by the worker (embedding on commit → incremental refresh), not in the test's process; then a
full rebuild fans out in chunks on the same worker."""

from __future__ import annotations

import os
import time

import pytest

from matching.models import EmbeddingVector, MatchRun, Proposal
from matching.services.refresh import match_all
from profiles.choices import OrgKind
from profiles.services.catalog import need_create, need_publish, seed_create, seed_publish
from tests.factories import make_org, make_user

BROKER = os.environ.get("SANGAKU_TEST_BROKER_URL", "")

pytestmark = [
    pytest.mark.worker,
    pytest.mark.skipif(not BROKER, reason="SANGAKU_TEST_BROKER_URL is not set (no Redis broker)"),
]


@pytest.fixture
def celery_worker(settings, hashing_embedder):
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
    app._pool = None  # connections made for the eager default must not be reused
    app.amqp._producer_pool = None
    with app.connection_for_write() as conn:
        app.control.purge(connection=conn)  # leftovers of an earlier aborted run
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=30) as worker:
        yield worker
    app.conf.update(saved)
    app._pool = None
    app.amqp._producer_pool = None


def wait_for(predicate, *, timeout: float = 90.0, interval: float = 0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)  # polling a condition with a deadline, not waiting for a fixed time
    return False


@pytest.mark.django_db(transaction=True)
def test_publishing_a_seed_makes_the_worker_propose_it_for_a_matching_need(celery_worker):
    company = make_org(kind=OrgKind.COMPANY)
    university = make_org(kind=OrgKind.UNIVERSITY)
    buyer, researcher = make_user(org=company), make_user(org=university)

    need = need_create(
        org=company,
        by=buyer,
        data={
            "title": "車載用全固体電池の固体電解質",
            "description": "硫化物系固体電解質の界面抵抗を下げる材料を探している。",
            "keywords": ["全固体電池", "固体電解質"],
            "collaboration_modes": ["joint_research"],
        },
    )
    need_publish(need=need, by=buyer)
    assert wait_for(
        lambda: EmbeddingVector.objects.filter(kind="need", object_id=need.id).exists()
    ), "the worker did not embed the published need"

    seed = seed_create(
        org=university,
        by=researcher,
        data={
            "title": "硫化物系全固体電池の固体電解質",
            "summary": "全固体電池の固体電解質の界面抵抗を低減する材料設計。",
            "keywords": ["全固体電池", "固体電解質"],
            "collaboration_modes": ["joint_research"],
            "trl": 4,
        },
    )
    seed_publish(seed=seed, by=researcher)

    assert wait_for(lambda: Proposal.objects.filter(need=need, seed=seed).exists()), (
        "no proposal appeared: the worker did not embed and match the published seed"
    )
    proposal = Proposal.objects.get(need=need, seed=seed)
    assert proposal.status == "proposed" and proposal.model_id.startswith("hashing")
    # The worker, not this process, ran the tasks.
    from celery.worker import state

    assert state.total_count.get("matching.tasks.embed_subject", 0) >= 2
    assert state.total_count.get("matching.tasks.refresh_matches_for", 0) >= 2

    # The full rebuild fans out in chunks on the worker and records its progress.
    run = match_all(sync=False)
    assert wait_for(
        lambda: MatchRun.objects.get(pk=run.pk).status in (MatchRun.Status.DONE, "failed")
    ), "the rebuild did not finish on the worker"
    run.refresh_from_db()
    assert run.status == MatchRun.Status.DONE, run.error
    assert run.done_chunks == run.total_chunks >= 1
    assert state.total_count.get("matching.tasks.match_all_chunk", 0) >= 1
