"""Data handling pages: an import report is read in its reader's language whatever language
the worker wrote it in; coordinators import a catalog/1 file with the CSV import's preview and
report and export the whole catalogue (a round trip changes nothing); an organisation exports
its own seeds or needs (CSV, JSON); the fair-price estimate says why it is ¥0."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from matching.models import Proposal
from matching.models.results import ProposalStatus
from profiles.choices import OrgKind, PublicationStatus
from profiles.models import ConfidentialRead, ImportJob, Organization, Seed
from profiles.services.exports import catalog_export
from profiles.services.imports import catalog_import
from profiles.services.imports.jobs import import_job_create, import_job_progress, import_job_run
from tests.factories import (
    make_admin,
    make_investor,
    make_need,
    make_org,
    make_readiness,
    make_seed,
    make_user,
    make_venture,
)

pytestmark = pytest.mark.django_db

BROKEN = "key,title,summary,trl\ns-1,,no title,4\ns-2,Two,Two,99\n"


def _job_run_in_japanese(org, user, content: str, kind: str = "seeds") -> ImportJob:
    with translation.override("ja"):
        job = import_job_create(org=org, by=user, kind=kind, content=content.encode())
        import_job_run(job_id=job.pk)
    job.refresh_from_db()
    return job


def test_a_report_written_in_japanese_is_read_in_english_and_in_japanese(client):
    uni = make_org(kind=OrgKind.UNIVERSITY)
    user = make_user(org=uni)
    job = _job_run_in_japanese(uni, user, BROKEN)
    assert job.status == "failed"
    assert job.error == "エラーがあるため、何も書き込みませんでした。"  # the admin's language
    client.force_login(user)
    client.cookies["django_language"] = "en"
    english = client.get(reverse("import_job", args=[job.pk])).content.decode()
    assert "This field is required." in english
    assert "Must be between 1 and 9." in english
    assert "Nothing was written because of the errors." in english
    assert "必須です" not in english and "何も書き込みませんでした" not in english
    assert (
        client.get(reverse("import_job_api", args=[job.pk]))
        .json()["error"]
        .startswith("Nothing was written")
    )
    client.cookies["django_language"] = "ja"
    japanese = client.get(reverse("import_job", args=[job.pk])).content.decode()
    assert "必須です。" in japanese and "1 から 9 の範囲にしてください。" in japanese


def test_a_failure_message_with_a_parameter_follows_the_reader_too():
    uni = make_org(kind=OrgKind.UNIVERSITY)
    job = import_job_create(org=uni, by=make_user(org=uni), kind="seeds", content=b"title\nx\n")
    from profiles.services.imports import jobs

    with translation.override("ja"):
        jobs._finish_failed(
            job.pk, jobs.Text(jobs.N_("取り込みに失敗しました (%(reason)s)。"), reason="Boom")
        )
    job.refresh_from_db()
    assert job.error == "取り込みに失敗しました (Boom)。"
    with translation.override("en"):
        assert import_job_progress(job)["error"] == "The import failed (Boom)."


# --- The catalogue pages --------------------------------------------------------------------


def _catalog_file(data: dict, name: str = "catalog.json") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, json.dumps(data).encode(), content_type="application/json")


GOOD = {
    "format": "catalog/1",
    "organizations": [
        {"key": "u-cat", "kind": "university", "name": "カタログ大学", "prefecture": "京都府"},
        {"key": "c-cat", "kind": "company", "name": "カタログ工業", "prefecture": "大阪府"},
    ],
    "seeds": [
        {
            "key": "s-cat",
            "organization": "u-cat",
            "title": "Catalogue seed",
            "summary": "A seed.",
            "keywords": ["x"],
            "collaboration": ["joint_research"],
            "patents": [{"application_number": "2023-1", "title": "A method"}],
        }
    ],
    "needs": [
        {
            "key": "n-cat",
            "organization": "c-cat",
            "title": "Catalogue need",
            "description": "A need.",
            "keywords": ["x"],
            "collaboration": ["joint_research"],
            "budget_yen": 20_000_000,
        }
    ],
}


def test_the_catalogue_pages_are_for_coordinators_only(client):
    assert client.get(reverse("console_catalog")).status_code == 302
    client.force_login(make_user(org=make_org(kind=OrgKind.UNIVERSITY)))
    assert client.get(reverse("console_catalog")).status_code == 403
    assert client.get(reverse("console_catalog_export")).status_code == 403
    response = client.post(
        reverse("console_catalog"), {"step": "preview", "file": _catalog_file(GOOD)}
    )
    assert response.status_code == 403 and not Seed.objects.filter(key="s-cat").exists()


def test_a_coordinator_previews_then_imports_a_catalogue_in_the_background(
    client, django_capture_on_commit_callbacks
):
    admin = make_admin()
    client.force_login(admin)
    preview = client.post(
        reverse("console_catalog"), {"step": "preview", "file": _catalog_file(GOOD)}
    )
    html = preview.content.decode()
    assert 'data-testid="catalog-preview"' in html and 'data-key="s-cat"' in html
    assert 'data-section="seeds"' in html
    assert not Organization.objects.filter(key="u-cat").exists()  # the preview wrote nothing
    token = html.split('name="token" value="')[1].split('"')[0]
    with django_capture_on_commit_callbacks(execute=True):
        confirm = client.post(reverse("console_catalog"), {"step": "confirm", "token": token})
    job = ImportJob.objects.get(kind=ImportJob.Kind.CATALOG)
    assert confirm.status_code == 302 and confirm["Location"] == reverse(
        "import_job", args=[job.pk]
    )
    job.refresh_from_db()
    assert job.status == "done" and job.organization is None
    seed = Seed.objects.get(key="s-cat")
    assert seed.status == PublicationStatus.PUBLISHED and seed.patents.count() == 1
    report = client.get(reverse("import_job", args=[job.pk])).content.decode()
    assert 'data-testid="import-job-done"' in report and 'data-key="n-cat"' in report
    # Another organisation's member cannot open the coordinators' job.
    client.force_login(make_user(org=make_org(kind=OrgKind.UNIVERSITY)))
    assert client.get(reverse("import_job", args=[job.pk])).status_code == 404


def test_a_catalogue_with_errors_is_previewed_with_them_and_cannot_be_confirmed(client):
    client.force_login(make_admin())
    bad = {**GOOD, "needs": [{"key": "n-bad", "organization": "nowhere", "title": "x"}]}
    html = client.post(
        reverse("console_catalog"), {"step": "preview", "file": _catalog_file(bad)}
    ).content.decode()
    assert 'data-testid="catalog-errors"' in html and "n-bad" in html
    assert 'data-testid="catalog-confirm"' not in html
    not_json = client.post(
        reverse("console_catalog"),
        {"step": "preview", "file": SimpleUploadedFile("c.json", b"{nope", "application/json")},
    ).content.decode()
    assert "JSON として読めません" in not_json
    wrong = client.post(
        reverse("console_catalog"),
        {"step": "preview", "file": SimpleUploadedFile("c.csv", b"a,b", "text/csv")},
    ).content.decode()
    assert "JSON ファイル (.json) を選んでください。" in wrong


def test_the_whole_catalogue_exports_as_catalog_1_and_imports_back_unchanged(client):
    uni = make_org(kind=OrgKind.UNIVERSITY, name="東都大学", name_en="Tohto University")
    company = make_org(kind=OrgKind.COMPANY, contact_email="secret@example.com")
    seed = make_seed(org=uni, confidential_details="社外秘の組成", field="材料", capacity=2)
    seed.researchers.create(name="山田 太郎", cross_appointment_available=True)
    seed.patents.create(registration_number="特許第1号", license_available=False)
    make_seed(org=uni, key="draft-seed", status=PublicationStatus.DRAFT)
    make_need(org=company, is_anonymous=True, budget_min_yen=1_000_000, budget_max_yen=9_000_000)
    make_need(org=company, trl_min=3, trl_max=6, preferred_regions=["kanto"], duration_months=12)
    make_investor(org=make_org(kind=OrgKind.INVESTOR), ticket_min_yen=10, regions=["kinki"])
    venture = make_venture(org=uni)
    venture.seeds.add(seed)
    pending = make_org(kind=OrgKind.UNIVERSITY, approval_status="pending")
    make_seed(org=pending, key="pending-seed")
    client.force_login(make_admin())
    response = client.get(reverse("console_catalog_export"))
    assert response.status_code == 200 and response["Content-Type"].startswith("application/json")
    document = json.loads(response.content)
    assert document["format"] == "catalog/1"
    assert set(document) == {"format", "organizations", "seeds", "needs", "investors", "ventures"}
    text = response.content.decode()
    assert "社外秘" not in text and "secret@example.com" not in text  # nothing confidential
    keys = {s["key"] for s in document["seeds"]}
    assert seed.key in keys and "draft-seed" not in keys and "pending-seed" not in keys
    assert pending.key not in {o["key"] for o in document["organizations"]}
    assert document["seeds"][0]["collaboration"] == ["joint_research"]  # docs/catalog.md names
    report = catalog_import(data=document, dry_run=True)
    assert report.errors == []
    assert sum(report.created.values()) == 0 and sum(report.updated.values()) == 0, report.rows
    assert sum(report.unchanged.values()) == sum(
        len(document[s]) for s in document if s != "format"
    )
    with pytest.raises(PermissionDenied):
        catalog_export(by=make_user(org=uni))  # coordinators only


def test_an_organisation_exports_its_own_seeds_as_csv_and_json(client):
    uni = make_org(kind=OrgKind.UNIVERSITY, key="u-own")
    other = make_org(kind=OrgKind.UNIVERSITY)
    user = make_user(org=uni)
    make_seed(org=uni, key="own-draft", status=PublicationStatus.DRAFT, confidential_details="秘")
    make_seed(org=other, key="not-mine")
    client.force_login(user)
    listed = client.get(reverse("seed_list")).content.decode()
    assert reverse("seed_export_csv") in listed and reverse("seed_export_json") in listed
    csv_body = client.get(reverse("seed_export_csv")).content.decode("utf-8-sig")
    assert "own-draft" in csv_body and "not-mine" not in csv_body and "秘" in csv_body
    document = json.loads(client.get(reverse("seed_export_json")).content)
    assert document["format"] == "catalog/1"
    assert [o["key"] for o in document["organizations"]] == ["u-own"]
    assert [(s["key"], s["status"]) for s in document["seeds"]] == [("own-draft", "draft")]
    assert document["seeds"][0]["confidential_details"] == "秘"
    assert ConfidentialRead.objects.filter(channel="export", owner=uni).count() == 2
    # Needs are a company's; a university gets 403 for them.
    assert client.get(reverse("need_export_csv")).status_code == 403


def test_a_company_exports_its_needs_and_a_visitor_is_sent_to_sign_in(client):
    company = make_org(kind=OrgKind.COMPANY)
    make_need(org=company, key="own-need", is_anonymous=True)
    assert client.get(reverse("need_export_json")).status_code == 302
    client.force_login(make_user(org=company))
    document = json.loads(client.get(reverse("need_export_json")).content)
    assert document["needs"][0]["key"] == "own-need" and document["needs"][0]["anonymous"]
    body = client.get(reverse("need_export_csv")).content.decode("utf-8-sig")
    assert body.splitlines()[0].startswith("key,organization,organization_name,title")


# --- The fair-price estimate at ¥0 -----------------------------------------------------------


def test_a_zero_estimate_says_why_and_what_to_fill_in(client):
    uni = make_org(kind=OrgKind.UNIVERSITY)  # no readiness profile: every rate missing
    company = make_org(kind=OrgKind.COMPANY)
    seed = make_seed(org=uni)
    need = make_need(org=company)
    proposal = Proposal.objects.create(
        seed=seed, need=need, score=2.0, status=ProposalStatus.APPROVED, signals={}
    )
    client.force_login(make_user(org=company))
    html = client.get(reverse("proposal_detail", args=[proposal.pk])).content.decode()
    assert 'data-testid="estimate-missing"' in html
    for code in ("profile", "faculty", "student", "indirect"):
        assert f'data-missing="{code}"' in html
    assert 'data-testid="estimate-fill-rates"' not in html  # the company cannot fill them in
    client.force_login(make_user(org=uni))
    html = client.get(reverse("proposal_detail", args=[proposal.pk])).content.decode()
    assert reverse("readiness_edit") in html and 'data-testid="estimate-fill-rates"' in html
    # Once the university charges faculty costs at a rate, the estimate shows an amount.
    make_readiness(org=uni, charges_personnel_costs=True, faculty_monthly_rate_yen=900_000)
    html = client.get(reverse("proposal_detail", args=[proposal.pk])).content.decode()
    assert "1,080,000円" in html  # 1.2 person-months × ¥900,000
    assert 'data-missing="faculty"' not in html and 'data-missing="indirect"' in html


def test_the_estimate_api_lists_what_is_missing():
    from rest_framework.test import APIClient

    uni = make_org(kind=OrgKind.UNIVERSITY)
    api = APIClient()
    api.force_authenticate(make_user(org=make_org(kind=OrgKind.COMPANY)))
    body = api.post(
        reverse("api_readiness_estimate"),
        {"organization": uni.pk, "faculty_person_months": "1"},
        format="json",
    ).json()
    assert body["total_yen"] == 0
    assert [m["code"] for m in body["missing"]] == ["profile", "faculty", "indirect"]
    assert "faculty_monthly_rate_yen" in body["missing"][1]["fields"]


def test_a_failed_catalogue_job_tells_the_coordinators_without_an_organisation():
    """A catalogue job has no organisation: its failure still reaches the coordinators, and
    the notification reads in the reader's language."""
    from notifications.kinds import notification_text
    from notifications.models import Notification
    from profiles.services.imports import jobs

    admin = make_admin()
    job = import_job_create(org=None, by=admin, kind="catalog", content=b'{"format": "catalog/1"}')
    jobs._finish_failed(
        job.pk, jobs.Text(jobs.N_("処理が時間内に終わらなかったため中止しました。"))
    )
    job.refresh_from_db()
    assert job.status == "failed"
    notice = Notification.objects.get(recipient=admin, kind="import_failed")
    with translation.override("en"):
        assert notification_text(notice.kind, notice.params) == (
            f"The catalogue import #{job.pk} failed."
        )


def test_a_message_notice_names_the_sender_in_english_for_an_english_reader():
    from notifications.kinds import notification_text

    params = {"org": "未来電機株式会社", "org_en": "Mirai Electric", "thread": "Sensing"}
    with translation.override("en"):
        assert "Mirai Electric" in notification_text("message", params)
    with translation.override("ja"):
        assert "未来電機株式会社" in notification_text("message", params)
