"""The CSV import page with its background job: the preview writes nothing, the confirm step
creates a job and redirects to its page, the page and its JSON endpoint follow the job, and
only the organisation that started it can see it."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from profiles.choices import OrgKind
from profiles.models import ImportJob, Seed
from tests.factories import make_org, make_seed, make_user

pytestmark = pytest.mark.django_db

CSV = (
    "key,title,summary,trl,researchers\n"
    "bg-old,古いシーズ,概要は同じ,4,山田太郎|工学部||yes\n"
    "bg-new,新しいシーズ,新しい概要,3,\n"
)


@pytest.fixture
def uni():
    return make_org(kind=OrgKind.UNIVERSITY, name="東都大学")


@pytest.fixture
def uni_user(uni):
    return make_user(org=uni)


def _preview(client, text: str = CSV) -> str:
    response = client.post(
        reverse("seed_import"),
        {"step": "preview", "file": SimpleUploadedFile("seeds.csv", text.encode("utf-8-sig"))},
    )
    assert response.status_code == 200
    return response.content.decode()


def _confirm(client, html: str, capture):
    token = re.search(r'name="token" value="([^"]+)"', html).group(1)
    with capture() as callbacks:
        response = client.post(reverse("seed_import"), {"step": "confirm", "token": token})
    return response, callbacks


def test_preview_names_the_fields_the_import_changes_and_writes_nothing(client, uni, uni_user):
    make_seed(org=uni, key="bg-old", title="古いシーズ", summary="概要は同じ", trl=4)
    client.force_login(uni_user)
    html = _preview(client)
    row = re.search(r'<tr class="row-update" data-line="2">(.*?)</tr>', html, re.S).group(1)
    assert '<li class="tag">研究者</li>' in row  # from the report's updated[i]["changed"]
    assert "公開概要" not in row  # the summary is unchanged
    assert not Seed.objects.filter(key="bg-new").exists()
    assert not ImportJob.objects.exists()


def test_confirm_creates_a_job_whose_page_follows_it_until_the_report(
    client, uni, uni_user, django_capture_on_commit_callbacks
):
    client.force_login(uni_user)
    response, callbacks = _confirm(client, _preview(client), django_capture_on_commit_callbacks)
    job = ImportJob.objects.get(organization=uni)
    assert response["Location"] == reverse("import_job", args=[job.pk])
    assert job.status == ImportJob.Status.PENDING and job.total_rows == 2
    page = client.get(response["Location"]).content.decode()
    assert 'data-status="pending"' in page
    assert reverse("import_job_api", args=[job.pk]) in page  # the bar polls this endpoint
    state = client.get(reverse("import_job_api", args=[job.pk])).json()
    assert state["status"] == "pending" and state["total_rows"] == 2 and not state["finished"]
    assert not Seed.objects.filter(organization=uni).exists()

    for callback in callbacks:  # the worker (in-process here) runs the job
        callback()
    state = client.get(reverse("import_job_api", args=[job.pk])).json()
    assert state["status"] == "done" and state["finished"]
    assert (state["created"], state["processed_rows"], state["progress"]) == (2, 2, 1.0)
    page = client.get(reverse("import_job", args=[job.pk])).content.decode()
    assert 'data-testid="import-job-done"' in page
    assert re.search(r'data-count="create">2<', page)
    assert Seed.objects.filter(organization=uni).count() == 2


def test_a_job_that_fails_shows_its_row_errors_and_writes_nothing(
    client, uni, uni_user, django_capture_on_commit_callbacks
):
    client.force_login(uni_user)
    html = _preview(client)
    # Between the preview and the confirm another university takes one of the keys.
    make_seed(org=make_org(kind=OrgKind.UNIVERSITY), key="bg-new")
    _response, callbacks = _confirm(client, html, django_capture_on_commit_callbacks)
    for callback in callbacks:
        callback()
    job = ImportJob.objects.get(organization=uni)
    assert job.status == ImportJob.Status.FAILED
    page = client.get(reverse("import_job", args=[job.pk])).content.decode()
    assert 'data-testid="import-job-failed"' in page
    assert re.search(r'<tr class="row-error" data-line="3">', page)
    assert not Seed.objects.filter(organization=uni).exists()


def test_another_organisation_gets_404_on_the_job_page_and_its_endpoint(client, uni, uni_user):
    job = ImportJob.objects.create(organization=uni, user=uni_user, kind="seeds", content=CSV)
    for outsider in (
        make_user(org=make_org(kind=OrgKind.UNIVERSITY)),
        make_user(org=make_org(kind=OrgKind.COMPANY)),
    ):
        client.force_login(outsider)
        assert client.get(reverse("import_job", args=[job.pk])).status_code == 404
        assert client.get(reverse("import_job_api", args=[job.pk])).status_code == 404
    client.logout()
    assert client.get(reverse("import_job_api", args=[job.pk])).status_code == 403
    assert client.get(reverse("import_job", args=[job.pk])).status_code == 302


def test_the_endpoint_answers_only_get(client, uni, uni_user):
    job = ImportJob.objects.create(organization=uni, user=uni_user, kind="seeds", content=CSV)
    client.force_login(uni_user)
    assert client.post(reverse("import_job_api", args=[job.pk])).status_code == 405


def test_the_job_page_and_the_venture_pages_in_english_show_no_japanese_of_their_own(
    client, uni, uni_user
):
    from tests.factories import make_venture

    from .test_pages import JAPANESE

    job = ImportJob.objects.create(
        organization=uni,
        user=uni_user,
        kind="seeds",
        content="title,summary\nA,B\n",
        status=ImportJob.Status.FAILED,
        error="エラーがあるため、何も書き込みませんでした。",
        report={"errors": [{"row": 2, "column": "trl", "message": "out of range"}]},
    )
    venture = make_venture(org=uni, name="Solid Cell Inc.", summary="Batteries.")
    client.force_login(uni_user)
    client.cookies["django_language"] = "en"
    for url in (
        reverse("import_job", args=[job.pk]),
        reverse("venture_list"),
        reverse("venture_create"),
        reverse("venture_edit", args=[venture.pk]),
    ):
        html = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
        body = re.sub(r"<script.*?</script>", "", html, flags=re.S)
        found = set(JAPANESE.findall(re.sub(r"<[^>]+>", " ", body))) - {"産", "日本語", "東都大学"}
        assert not found, (url, found)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_job_page_in_a_browser_follows_a_pending_job_until_its_report(
    browser_session, screenshot_dir, hashing_embedder
):
    """The page polls the JSON endpoint; when the job finishes (here run by the test, as a
    worker would), the page shows the report without the user reloading it."""
    from profiles.services.imports.jobs import import_job_run

    uni = make_org(kind=OrgKind.UNIVERSITY, name="東都大学")
    user = make_user(org=uni, username="tohto-bg")
    # A confirmed job the worker has not picked up yet (made directly: nothing is enqueued).
    job = ImportJob.objects.create(
        organization=uni, user=user, kind="seeds", content=CSV.replace("bg-", "br-"), total_rows=2
    )
    session = browser_session()
    session.login("tohto-bg")
    session.goto(reverse("import_job", args=[job.pk]))
    assert session.page.locator("[data-testid=import-job]").get_attribute("data-status") in {
        "pending",
        "running",
    }
    session.page.screenshot(path=str(screenshot_dir / "university-csv-job-pending.png"))
    import_job_run(job_id=job.pk)
    session.page.wait_for_selector("[data-testid=import-job-done]", timeout=20_000)
    assert session.page.locator("[data-count=create]").inner_text() == "2"
    session.page.screenshot(
        path=str(screenshot_dir / "university-csv-job-done.png"), full_page=True
    )
    assert not session.errors, session.errors


def test_the_import_page_lists_the_organisations_recent_jobs_only(client, uni, uni_user):
    mine = ImportJob.objects.create(
        organization=uni, user=uni_user, kind="seeds", content="", file_name="mine.csv"
    )
    other = make_org(kind=OrgKind.UNIVERSITY)
    theirs = ImportJob.objects.create(
        organization=other, kind="seeds", content="", file_name="theirs.csv"
    )
    client.force_login(uni_user)
    html = client.get(reverse("seed_import")).content.decode()
    assert f'data-job="{mine.pk}"' in html and "mine.csv" in html
    assert f'data-job="{theirs.pk}"' not in html and "theirs.csv" not in html


def test_a_finished_job_keeps_its_report_but_not_the_uploaded_file(uni, uni_user):
    from profiles.services.imports.jobs import import_job_create, import_job_run

    job = import_job_create(org=uni, by=uni_user, kind="seeds", content=CSV)
    import_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE
    assert job.content == "" and len(job.report["created"]) == 2
