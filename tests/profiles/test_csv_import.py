"""CSV import of seeds and needs: dry run, BOM, row/column errors, all-or-nothing, API."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from profiles.choices import PublicationStatus
from profiles.models import Need, Seed
from profiles.services.imports import csv_import_needs, csv_import_seeds
from tests.factories import make_seed

pytestmark = pytest.mark.django_db

HEADER = "key,title,summary,keywords,field,trl,modes,patents,researchers,confidential_details\n"
GOOD_ROWS = (
    "s-csv-1,全固体電池の固体電解質,硫化物系の固体電解質。,電池;材料、固体電解質,材料,4,"
    'joint_research;license,"特願2023-000001||yes;特願2023-000002|特許第7000000号|no",'
    "山田 太郎|工学研究科|R000001|yes,社外秘の組成\n"
    ",ペロブスカイト太陽電池,塗布型の太陽電池。,太陽電池,エネルギー,3,共同研究,,,\n"
)


def _file(text: str, *, bom: bool = False, name: str = "seeds.csv") -> SimpleUploadedFile:
    data = text.encode("utf-8")
    if bom:
        data = b"\xef\xbb\xbf" + data
    return SimpleUploadedFile(name, data, content_type="text/csv")


def test_dry_run_reports_what_would_be_created_and_writes_nothing(uni, uni_user):
    report = csv_import_seeds(org=uni, by=uni_user, file=_file(HEADER + GOOD_ROWS), dry_run=True)
    assert report.errors == []
    assert [r["row"] for r in report.created] == [2, 3]
    assert report.created[0]["key"] == "s-csv-1"
    assert not report.committed
    assert not Seed.objects.exists()


def test_commit_creates_drafts_with_patents_researchers_and_split_keywords(uni, uni_user):
    report = csv_import_seeds(
        org=uni, by=uni_user, file=_file(HEADER + GOOD_ROWS, bom=True), dry_run=False
    )
    assert report.committed and report.errors == []
    seed = Seed.objects.get(key="s-csv-1")
    assert seed.status == PublicationStatus.DRAFT and seed.organization == uni
    assert seed.keywords == ["電池", "材料", "固体電解質"]
    assert seed.collaboration_modes == ["joint_research", "license"]
    assert seed.confidential_details == "社外秘の組成"
    patents = list(seed.patents.values_list("application_number", "license_available"))
    assert patents == [("特願2023-000001", True), ("特願2023-000002", False)]
    r = seed.researchers.get()
    assert (r.name, r.department, r.cross_appointment_available) == (
        "山田 太郎",
        "工学研究科",
        True,
    )
    other = Seed.objects.get(title="ペロブスカイト太陽電池")
    assert other.collaboration_modes == ["joint_research"]  # Japanese label accepted


def test_a_bom_header_is_recognised(uni, uni_user):
    report = csv_import_seeds(
        org=uni, by=uni_user, file=_file(HEADER + GOOD_ROWS, bom=True), dry_run=True
    )
    assert report.errors == [] and len(report.created) == 2


def test_reimporting_the_same_file_reports_every_row_unchanged(uni, uni_user):
    csv_import_seeds(org=uni, by=uni_user, file=_file(HEADER + GOOD_ROWS), dry_run=False)
    before = sorted(Seed.objects.values_list("id", "updated_at"))
    report = csv_import_seeds(org=uni, by=uni_user, file=_file(HEADER + GOOD_ROWS), dry_run=False)
    assert report.created == [] and report.updated == []
    assert [r["row"] for r in report.unchanged] == [2, 3]
    assert sorted(Seed.objects.values_list("id", "updated_at")) == before


def test_changed_row_is_reported_as_updated_and_keeps_its_status(uni, uni_user):
    seed = make_seed(org=uni, key="s-csv-1", title="旧タイトル")
    report = csv_import_seeds(org=uni, by=uni_user, file=_file(HEADER + GOOD_ROWS), dry_run=False)
    assert [r["key"] for r in report.updated] == ["s-csv-1"]
    assert "title" in report.updated[0]["changed"] and "trl" not in report.updated[0]["changed"]
    seed.refresh_from_db()
    assert seed.title == "全固体電池の固体電解質" and seed.status == PublicationStatus.PUBLISHED


def test_every_row_error_is_reported_by_row_and_column_and_nothing_is_written(uni, uni_user):
    bad = (
        HEADER
        + GOOD_ROWS
        + "s-csv-3,,概要あり,,,4,,,,\n"  # row 4: title missing
        + "s-csv-4,タイトル,概要,,,10,,,,\n"  # row 5: TRL out of range
        + "s-csv-5,タイトル,概要,,,3,telepathy,,,\n"  # row 6: unknown mode
        + "s-csv-1,重複,概要,,,3,,,,\n"  # row 7: duplicate key
        + "bad key,タイトル,概要,,,3,,,,\n"  # row 8: invalid key
    )
    for dry_run in (True, False):
        report = csv_import_seeds(org=uni, by=uni_user, file=_file(bad), dry_run=dry_run)
        errors = {(e["row"], e["column"]) for e in report.errors}
        assert errors == {
            (4, "title"),
            (5, "trl"),
            (6, "collaboration_modes"),
            (7, "key"),
            (8, "key"),
        }
        assert not report.committed
        assert not Seed.objects.exists()


def test_a_key_of_another_organisation_is_a_row_error(uni, uni_user, other_uni):
    make_seed(org=other_uni, key="s-csv-1")
    report = csv_import_seeds(org=uni, by=uni_user, file=_file(HEADER + GOOD_ROWS), dry_run=False)
    assert [(e["row"], e["column"]) for e in report.errors] == [(2, "key")]
    assert not Seed.objects.filter(organization=uni).exists()


def test_missing_required_column_is_reported_on_the_header_row(uni, uni_user):
    report = csv_import_seeds(org=uni, by=uni_user, file=_file("key,summary\nk,s\n"), dry_run=True)
    assert report.errors == [
        {
            "row": 1,
            "column": "title",
            "message": "必須の列がありません。",
            "text": {"id": "必須の列がありません。"},
        }
    ]


def test_a_new_row_without_the_summary_column_is_a_row_error(uni, uni_user):
    """Updates may leave columns out (a missing column leaves the field as it is); a new row
    needs its summary."""
    report = csv_import_seeds(org=uni, by=uni_user, file=_file("key,title\nk,t\n"), dry_run=True)
    assert [(e["row"], e["column"]) for e in report.errors] == [(2, "summary")]


def test_nul_bytes_and_undecodable_files_are_refused(uni, uni_user):
    report = csv_import_seeds(
        org=uni, by=uni_user, file=_file(HEADER + "k,t\x00,s,,,,,,,\n"), dry_run=True
    )
    assert report.errors and not Seed.objects.exists()
    raw = SimpleUploadedFile("x.csv", b"\xff\xfe\x00\xd8garbage", content_type="text/csv")
    assert csv_import_seeds(org=uni, by=uni_user, file=raw, dry_run=True).errors


def test_japanese_headers_are_accepted(uni, uni_user):
    text = "タイトル,概要,キーワード,技術成熟度,連携形態\n水素吸蔵合金,低温で吸蔵。,水素、合金,5,ライセンス\n"
    report = csv_import_seeds(org=uni, by=uni_user, file=_file(text), dry_run=False)
    assert report.committed, report.errors
    seed = Seed.objects.get()
    assert (seed.trl, seed.collaboration_modes, seed.keywords) == (5, ["license"], ["水素", "合金"])


def test_a_company_cannot_import_seeds_and_a_university_cannot_import_needs(
    company, company_user, uni, uni_user
):
    assert csv_import_seeds(org=company, by=company_user, file=_file(HEADER), dry_run=True).errors
    assert csv_import_needs(
        org=uni, by=uni_user, file=_file("title,description\n"), dry_run=True
    ).errors


def test_need_csv_import_checks_budgets_and_regions(company, company_user):
    text = (
        "key,title,description,budget_min_yen,budget_max_yen,preferred_regions,is_anonymous\n"
        'n-csv-1,排熱回収,排熱を電力に,"1,000,000",5000000,関東;chubu,yes\n'
        "n-csv-2,逆転予算,説明,5000000,1000000,,no\n"
        "n-csv-3,負の予算,説明,-1,,,no\n"
        "n-csv-4,地域,説明,,,atlantis,no\n"
    )
    report = csv_import_needs(org=company, by=company_user, file=_file(text), dry_run=True)
    assert {(e["row"], e["column"]) for e in report.errors} == {
        (3, "budget_max_yen"),
        (4, "budget_min_yen"),
        (5, "preferred_regions"),
    }
    good = text.split("\n")[0] + "\n" + text.split("\n")[1] + "\n"
    report = csv_import_needs(org=company, by=company_user, file=_file(good), dry_run=False)
    assert report.committed
    need = Need.objects.get()
    assert (need.budget_min_yen, need.preferred_regions, need.is_anonymous) == (
        1_000_000,
        ["kanto", "chubu"],
        True,
    )


def test_csv_import_api_dry_run_then_commit(uni_client):
    response = uni_client.post(
        "/api/seeds/import/", {"file": _file(HEADER + GOOD_ROWS, bom=True)}, format="multipart"
    )
    assert response.status_code == 200, response.content
    assert response.json()["dry_run"] is True and len(response.json()["created"]) == 2
    assert not Seed.objects.exists()
    response = uni_client.post(
        "/api/seeds/import/",
        {"file": _file(HEADER + GOOD_ROWS), "dry_run": "false"},
        format="multipart",
    )
    assert response.status_code == 200 and response.json()["committed"] is True
    assert Seed.objects.count() == 2


def test_csv_import_api_with_errors_is_a_400_listing_them(uni_client):
    response = uni_client.post(
        "/api/seeds/import/",
        {"file": _file(HEADER + "k1,,s,,,,,,,\n"), "dry_run": "false"},
        format="multipart",
    )
    assert response.status_code == 400
    assert response.json()["errors"][0] | {"message": ""} == {
        "row": 2,
        "column": "title",
        "message": "",
    }
    assert not Seed.objects.exists()


def test_csv_import_api_without_a_file_is_a_400(uni_client):
    response = uni_client.post("/api/seeds/import/", {}, format="multipart")
    assert response.status_code == 400 and "file" in response.json()


def test_export_then_import_round_trips_unchanged(uni, uni_user, uni_client):
    csv_import_seeds(org=uni, by=uni_user, file=_file(HEADER + GOOD_ROWS), dry_run=False)
    exported = uni_client.get("/api/seeds/export.csv").content
    report = csv_import_seeds(
        org=uni, by=uni_user, file=SimpleUploadedFile("e.csv", exported), dry_run=True
    )
    assert report.errors == [] and len(report.unchanged) == 2, report.to_dict()


def test_export_neutralises_formulas_and_the_import_restores_them(uni, uni_user, uni_client):
    make_seed(org=uni, key="s-formula", title='=HYPERLINK("http://evil.example")')
    exported = uni_client.get("/api/seeds/export.csv").content.decode("utf-8-sig")
    assert "'=HYPERLINK" in exported
    report = csv_import_seeds(
        org=uni, by=uni_user, file=SimpleUploadedFile("e.csv", exported.encode()), dry_run=True
    )
    assert [r["key"] for r in report.unchanged] == ["s-formula"], report.to_dict()
