"""researchmap import pages through Django's test client: upload (a bad file is refused next to
the field, nothing written), the review page (drafts with their source and links, the report,
its CSV), bulk publish and discard, take or leave a difference, who may see what; and the
researchmap ID rule and links wherever IDs are typed or shown."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from profiles.choices import OrgKind, PublicationStatus
from profiles.models import ImportedAchievement, ResearchmapImport, Seed
from profiles.services.catalog import seed_update
from tests.factories import make_org, make_seed, make_user
from tests.profiles.researchmap_fixtures import fixture, fixture_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def uni():
    return make_org(kind=OrgKind.UNIVERSITY, name="アルファ大学", name_en="Alpha University")


@pytest.fixture
def uni_user(uni):
    return make_user(org=uni)


def upload(client, name: str, text: str, capture):
    with capture(execute=True):
        return client.post(
            reverse("researchmap_import"),
            {"file": SimpleUploadedFile(name, text.encode("utf-8"))},
        )


def seed_of(org, kind, rm_id) -> Seed:
    return ImportedAchievement.objects.get(
        organization=org, achievement_type=kind, achievement_id=rm_id
    ).imported_seed.seed


def test_an_upload_runs_in_the_background_and_its_review_page_shows_drafts_and_report(
    client, uni, uni_user, django_capture_on_commit_callbacks
):
    client.force_login(uni_user)
    response = upload(
        client, "export.jsonl", fixture_text("export.jsonl"), django_capture_on_commit_callbacks
    )
    imp = ResearchmapImport.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("researchmap_review", args=[imp.pk])
    imp.refresh_from_db()
    assert imp.status == "done" and imp.user == uni_user

    html = client.get(response.url).content.decode()
    project = seed_of(uni, "research_projects", "40010001")
    assert f'data-seed="{project.pk}"' in html and project.title in html
    assert 'href="https://researchmap.jp/tanaka-kenji"' in html
    assert 'href="https://researchmap.jp/tanaka-kenji/research_projects/40010001"' in html
    assert "https://www.j-platpat.inpit.go.jp/c1800/PU/JP-2019-123456/10/ja" in html
    assert "https://www.j-platpat.inpit.go.jp/c1800/PU/JP-6543210/15/ja" in html
    assert "A-STEP" in html  # the industry term that made the project a draft
    # The report: the broken line and the unknown @type, and the CSV of the same.
    assert "grant_applications_draft" in html and "JSON として読めません" in html
    rows = list(
        csv.reader(
            io.StringIO(
                client.get(reverse("researchmap_report_csv", args=[imp.pk])).content.decode(
                    "utf-8-sig"
                )
            )
        )
    )
    assert rows[0] == ["kind", "record", "researcher", "type", "id", "field", "title", "reason"]
    errors = [r for r in rows[1:] if r[0] == "error"]
    assert {(r[1], r[3]) for r in errors} == {("3", ""), ("4", "grant_applications_draft")}
    assert any(r[0] == "skipped" and r[4] == "40010002" for r in rows[1:])


def test_a_malformed_file_is_refused_next_to_the_field_and_nothing_is_written(
    client, uni, uni_user, django_capture_on_commit_callbacks
):
    client.force_login(uni_user)
    response = upload(
        client, "bad.json", fixture_text("malformed.json"), django_capture_on_commit_callbacks
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-field="file"' in html and "JSON として読めません" in html
    assert not ResearchmapImport.objects.exists() and not Seed.objects.exists()
    response = upload(client, "notes.pdf", "{}", django_capture_on_commit_callbacks)
    assert "JSON Lines" in response.content.decode()


def _imported(client, uni, uni_user, capture, text=None):
    client.force_login(uni_user)
    upload(client, "tanaka.json", text or fixture_text("tanaka_bilingual.json"), capture)
    return ResearchmapImport.objects.order_by("-id").first()


def test_bulk_publish_and_discard_act_on_the_chosen_drafts_only(
    client, uni, uni_user, django_capture_on_commit_callbacks
):
    imp = _imported(client, uni, uni_user, django_capture_on_commit_callbacks)
    project = seed_of(uni, "research_projects", "40010001")
    family = seed_of(uni, "industrial_property_rights", "50010001")
    other = make_seed(org=uni, status=PublicationStatus.DRAFT)  # not from this import
    url = reverse("researchmap_bulk", args=[imp.pk])
    client.post(url, {"action": "publish", "seed": [project.pk, other.pk]})
    project.refresh_from_db()
    other.refresh_from_db()
    assert project.status == "published" and other.status == "draft"
    response = client.post(url, {"action": "discard", "seed": [project.pk, family.pk]})
    assert response.status_code == 302
    assert not Seed.objects.filter(pk=family.pk).exists()
    assert Seed.objects.filter(pk=project.pk).exists()  # published: not discarded
    html = client.get(reverse("researchmap_review", args=[imp.pk])).content.decode()
    assert "破棄済み" in html


def test_a_difference_can_be_taken_or_left_on_the_review_page(
    client, uni, uni_user, django_capture_on_commit_callbacks
):
    _imported(client, uni, uni_user, django_capture_on_commit_callbacks)
    seed = seed_of(uni, "research_projects", "40010001")
    seed_update(
        seed=seed, by=uni_user, data={"summary": "手で直した概要。", "title": "手で直した題"}
    )
    doc = fixture("tanaka_bilingual.json")
    doc["@graph"][2]["items"][0]["description"] = {"ja": "researchmap の新しい説明。"}
    doc["@graph"][2]["items"][0]["research_project_title"] = {"ja": "researchmap の新しい題"}
    imp = _imported(
        client,
        uni,
        uni_user,
        django_capture_on_commit_callbacks,
        json.dumps(doc, ensure_ascii=False),
    )
    html = client.get(reverse("researchmap_review", args=[imp.pk])).content.decode()
    assert "手で直した概要。" in html and "researchmap の新しい説明。" in html
    url = reverse("researchmap_difference", args=[imp.pk, seed.researchmap.pk])
    client.post(url, {"field": "summary", "decision": "take"})
    client.post(url, {"field": "title", "decision": "leave"})
    seed.refresh_from_db()
    assert seed.summary == "researchmap の新しい説明。" and seed.title == "手で直した題"
    assert seed.researchmap.pending == {}
    # The editor says where the seed came from.
    editor = client.get(reverse("seed_edit", args=[seed.pk])).content.decode()
    assert 'data-testid="researchmap-origin"' in editor
    assert 'href="https://researchmap.jp/tanaka-kenji"' in editor
    assert "https://jglobal.jst.go.jp/detail?JGLOBAL_ID=200901012345678901" in editor


def test_another_organisation_sees_none_of_an_import(
    client, uni, uni_user, django_capture_on_commit_callbacks
):
    imp = _imported(client, uni, uni_user, django_capture_on_commit_callbacks)
    seed = seed_of(uni, "research_projects", "40010001")
    other = make_user(org=make_org(kind=OrgKind.UNIVERSITY))
    client.force_login(other)
    for url in (
        reverse("researchmap_review", args=[imp.pk]),
        reverse("researchmap_report_csv", args=[imp.pk]),
    ):
        assert client.get(url).status_code == 404
    assert (
        client.post(
            reverse("researchmap_bulk", args=[imp.pk]), {"action": "publish", "seed": [seed.pk]}
        ).status_code
        == 404
    )
    diff = reverse("researchmap_difference", args=[imp.pk, seed.researchmap.pk])
    assert client.post(diff, {"decision": "take"}).status_code == 404
    assert f"#{imp.pk}" not in client.get(reverse("researchmap_import")).content.decode()
    seed.refresh_from_db()
    assert seed.status == "draft"


def test_companies_and_anonymous_visitors_cannot_use_the_import(client, uni, uni_user):
    company_user = make_user(org=make_org(kind=OrgKind.COMPANY))
    client.force_login(company_user)
    assert client.get(reverse("researchmap_import")).status_code == 403
    client.logout()
    assert client.get(reverse("researchmap_import")).status_code == 302  # to sign in


def test_a_typed_researchmap_id_is_checked_and_a_profile_address_is_reduced_to_it(
    client, uni, uni_user
):
    client.force_login(uni_user)
    base = {
        "title": "手入力のシーズ",
        "summary": "概要",
        "language": "ja",
        "capacity": 2,
        "researchers-TOTAL_FORMS": 1,
        "researchers-INITIAL_FORMS": 0,
        "patents-TOTAL_FORMS": 0,
        "patents-INITIAL_FORMS": 0,
        "researchers-0-name": "山田 太郎",
    }
    response = client.post(
        reverse("seed_create"), {**base, "researchers-0-researchmap_id": "山田 太郎のページ"}
    )
    assert response.status_code == 200
    assert "researchmap ID は researchmap のパーマリンク" in response.content.decode()
    assert not Seed.objects.filter(title="手入力のシーズ").exists()
    response = client.post(
        reverse("seed_create"),
        {**base, "researchers-0-researchmap_id": "https://researchmap.jp/yamada_taro/"},
    )
    assert response.status_code == 302
    seed = Seed.objects.get(title="手入力のシーズ")
    assert seed.researchers.get().researchmap_id == "yamada_taro"


def test_the_api_checks_researchmap_ids_and_gives_the_links(uni, uni_user, api_client):
    api_client.force_authenticate(uni_user)
    bad = {
        "title": "API のシーズ",
        "summary": "概要",
        "researchers": [{"name": "山田", "researchmap_id": "a/b"}],
    }
    response = api_client.post("/api/seeds/", bad, format="json")
    assert response.status_code == 400 and "researchmap_id" in json.dumps(response.json())
    assert not Seed.objects.filter(title="API のシーズ").exists()
    good = {
        **bad,
        "researchers": [
            {"name": "山田", "researchmap_id": "yamada_taro", "jglobal_id": "200901000000000001"}
        ],
        "patents": [{"application_number": "特願2020-000123", "registration_number": "6000123"}],
    }
    data = api_client.post("/api/seeds/", good, format="json").json()
    assert data["researchers"][0]["researchmap_url"] == "https://researchmap.jp/yamada_taro"
    assert data["researchers"][0]["jglobal_url"].endswith("JGLOBAL_ID=200901000000000001")
    assert data["patents"][0]["application_url"].endswith("/JP-2020-000123/10/ja")
    assert data["patents"][0]["registration_url"].endswith("/JP-6000123/15/ja")


def test_the_admin_links_the_ids_and_lists_the_imports(
    client, uni, uni_user, django_capture_on_commit_callbacks
):
    from tests.factories import make_admin

    imp = _imported(client, uni, uni_user, django_capture_on_commit_callbacks)
    family = seed_of(uni, "industrial_property_rights", "50010001")
    client.force_login(make_admin())
    html = client.get(reverse("admin:profiles_seed_change", args=[family.pk])).content.decode()
    assert 'href="https://researchmap.jp/tanaka-kenji"' in html
    assert 'href="https://www.j-platpat.inpit.go.jp/c1800/PU/JP-2019-123456/10/ja"' in html
    assert client.get(reverse("admin:profiles_researchmapimport_changelist")).status_code == 200
    page = client.get(reverse("admin:profiles_researchmapimport_change", args=[imp.pk]))
    assert page.status_code == 200 and "content" not in page.context["adminform"].form.fields
