"""Background CSV imports (ImportJob + profiles.tasks.run_import_job): the job stores the file,
the task imports it all-or-nothing, a redelivery does nothing, progress is counted."""

from __future__ import annotations

import os
import time

import pytest

from profiles.models import ImportJob, Need, Seed
from profiles.services.imports import csv_count_rows, csv_import_seeds
from profiles.services.imports.jobs import import_job_create, import_job_progress, import_job_run
from profiles.tasks import run_import_job
from tests.factories import make_seed

pytestmark = pytest.mark.django_db

GOOD = (
    "key,title,summary,trl\n"
    "job-a,固体電解質,硫化物系固体電解質の研究,4\n"
    "job-b,イネの耐暑性,高温に強いイネの品種改良,3\n"
)
BAD = "key,title,summary,trl\njob-c,良い行,概要,3\njob-d,悪い行,概要,12\n"


def _create(org, user, content, *, kind="seeds", django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        job = import_job_create(org=org, by=user, kind=kind, content=content, file_name="s.csv")
    return job, callbacks


def test_creating_a_job_stores_the_file_counts_rows_and_enqueues_on_commit_only(
    uni, uni_user, django_capture_on_commit_callbacks
):
    job, callbacks = _create(
        uni,
        uni_user,
        GOOD.encode("utf-8-sig"),
        django_capture_on_commit_callbacks=django_capture_on_commit_callbacks,
    )
    assert job.status == ImportJob.Status.PENDING
    assert job.total_rows == 2 and job.content.startswith("key,title")
    assert len(callbacks) == 1  # the task is sent after the commit, not before
    assert not Seed.objects.filter(organization=uni).exists()


def test_the_task_imports_every_row_and_records_the_report(uni, uni_user):
    job = import_job_create(org=uni, by=uni_user, kind="seeds", content=GOOD)
    assert run_import_job.delay(job.id).get() == "done"
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE
    assert job.processed_rows == 2 and job.finished_at is not None
    assert [e["key"] for e in job.report["created"]] == ["job-a", "job-b"]
    assert set(Seed.objects.filter(organization=uni).values_list("key", flat=True)) == {
        "job-a",
        "job-b",
    }
    assert import_job_progress(job)["progress"] == 1.0


def test_a_second_delivery_of_a_finished_job_does_nothing(uni, uni_user):
    job = import_job_create(org=uni, by=uni_user, kind="seeds", content=GOOD)
    import_job_run(job_id=job.id)
    Seed.objects.filter(key="job-a").update(title="手で直したタイトル")
    job.refresh_from_db()
    report_before = job.report
    assert run_import_job.delay(job.id).get() == "done"
    job.refresh_from_db()
    assert job.attempts == 1  # not started again
    assert job.report == report_before
    assert Seed.objects.get(key="job-a").title == "手で直したタイトル"


def test_a_file_with_a_bad_row_fails_with_the_row_and_column_and_writes_nothing(uni, uni_user):
    job = import_job_create(org=uni, by=uni_user, kind="seeds", content=BAD)
    assert run_import_job.delay(job.id).get() == "failed"
    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED and job.error
    assert [(e["row"], e["column"]) for e in job.report["errors"]] == [(3, "trl")]
    assert not Seed.objects.filter(organization=uni).exists()


def test_a_job_whose_data_changed_since_the_preview_fails_and_writes_nothing(
    uni, other_uni, uni_user
):
    """The preview was clean, but before the job ran another organisation took a key."""
    job = import_job_create(org=uni, by=uni_user, kind="seeds", content=GOOD)
    make_seed(org=other_uni, key="job-b")
    import_job_run(job_id=job.id)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED
    assert [(e["row"], e["column"]) for e in job.report["errors"]] == [(3, "key")]
    assert not Seed.objects.filter(organization=uni).exists()


def test_an_unexpected_error_ends_the_job_as_failed_with_nothing_written(
    uni, uni_user, monkeypatch
):
    from profiles.services.imports import jobs

    def explode(**kwargs):
        csv_import_seeds(**{**kwargs, "dry_run": False})  # writes, then the run breaks
        raise RuntimeError("boom")

    monkeypatch.setitem(jobs.SERVICES, ImportJob.Kind.SEEDS, explode)
    job = import_job_create(org=uni, by=uni_user, kind="seeds", content=GOOD)
    import_job_run(job_id=job.id)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED and "RuntimeError" in job.error
    assert not Seed.objects.filter(organization=uni).exists()


def test_a_member_who_left_the_organisation_cannot_have_the_job_run_for_it(
    uni, uni_user, other_uni
):
    job = import_job_create(org=uni, by=uni_user, kind="seeds", content=GOOD)
    uni_user.membership.organization = other_uni
    uni_user.membership.save()
    import_job_run(job_id=job.id)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED
    assert not Seed.objects.exists()


def test_progress_is_reported_every_few_rows_inside_the_import(uni, uni_user):
    rows = "".join(f"p-{i},題{i},概要{i},3\n" for i in range(60))
    calls: list[tuple[int, int]] = []
    report = csv_import_seeds(
        org=uni,
        by=uni_user,
        file="key,title,summary,trl\n" + rows,
        dry_run=True,
        progress=lambda done, total: calls.append((done, total)),
    )
    assert report.ok
    assert calls[0] == (0, 60) and calls[-1] == (60, 60)
    assert (25, 60) in calls and (50, 60) in calls


def test_a_company_job_imports_needs(company, company_user):
    content = "key,title,description\njob-n,電池の安全性,安全な電池材料を探している\n"
    job = import_job_create(org=company, by=company_user, kind="needs", content=content)
    import_job_run(job_id=job.id)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE
    assert Need.objects.get(key="job-n").organization == company


def test_row_counting_ignores_blank_lines_and_the_header():
    assert csv_count_rows("title,summary\na,b\n\n ,\nc,d\n") == 2
    assert csv_count_rows(b"\xff\xfe\x00") == 0


# --- on a real worker (Redis broker), like production ------------------------------------------

BROKER = os.environ.get("SANGAKU_TEST_BROKER_URL", "")


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
    app._pool = None  # connections made for the eager default must not be reused
    app.amqp._producer_pool = None
    with app.connection_for_write() as conn:
        app.control.purge(connection=conn)
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=30) as worker:
        yield worker
    app.conf.update(saved)
    app._pool = None
    app.amqp._producer_pool = None


def _wait_for(predicate, *, timeout: float = 60.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)  # polling a condition with a deadline
    return False


@pytest.mark.worker
@pytest.mark.skipif(not BROKER, reason="SANGAKU_TEST_BROKER_URL is not set (no Redis broker)")
@pytest.mark.django_db(transaction=True)
def test_the_worker_runs_a_confirmed_job_once_even_when_the_task_is_delivered_twice(
    celery_worker,
):
    from tests.factories import make_org, make_user

    org = make_org(kind="university")
    user = make_user(org=org)
    job = import_job_create(org=org, by=user, kind="seeds", content=GOOD)  # sent on commit

    def finished() -> bool:
        job.refresh_from_db()
        return job.is_finished

    assert _wait_for(finished), f"job still {job.status}"
    assert job.status == ImportJob.Status.DONE and job.attempts == 1
    assert Seed.objects.filter(organization=org).count() == 2
    Seed.objects.filter(key="job-a").update(title="手で直したタイトル")
    run_import_job.delay(job.id)  # duplicate deliveries of the same task
    run_import_job.delay(job.id)
    # The solo worker takes tasks in order: once a later job is done, the duplicates ran.
    later = import_job_create(
        org=org, by=user, kind="seeds", content="key,title,summary\njob-z,後の行,概要\n"
    )
    assert _wait_for(lambda: ImportJob.objects.get(pk=later.pk).is_finished)
    job.refresh_from_db()
    assert job.attempts == 1
    assert Seed.objects.get(key="job-a").title == "手で直したタイトル"  # not imported again


def test_the_sweep_fails_a_job_a_lost_worker_left_running_and_requeues_a_lost_pending_one(
    monkeypatch,
):
    from datetime import timedelta

    from django.utils import timezone

    from profiles.models import ImportJob
    from profiles.services.imports import jobs
    from tests.factories import make_org, make_user

    org = make_org()
    user = make_user(org=org)
    long_ago = timezone.now() - timedelta(hours=1)
    stuck = ImportJob.objects.create(
        organization=org, user=user, kind="seeds", content="title\\n", status="running"
    )
    ImportJob.objects.filter(pk=stuck.pk).update(started_at=long_ago)
    lost = ImportJob.objects.create(organization=org, user=user, kind="seeds", content="x")
    ImportJob.objects.filter(pk=lost.pk).update(created_at=long_ago)
    fresh = ImportJob.objects.create(organization=org, user=user, kind="seeds", content="x")
    enqueued = []
    monkeypatch.setattr(jobs, "_enqueue", enqueued.append)

    assert jobs.import_jobs_sweep() == {"failed": 1, "requeued": 1}

    stuck.refresh_from_db()
    assert stuck.status == ImportJob.Status.FAILED and stuck.error and stuck.content == ""
    assert enqueued == [lost.pk]
    fresh.refresh_from_db()
    assert fresh.status == ImportJob.Status.PENDING
