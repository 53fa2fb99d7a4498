"""The CSV format defined once (profiles/services/imports/csv_columns.py): the page's column help
and the downloadable template come from the parser's own definition, so following either one
imports cleanly; a blank cell leaves a field as it is and `(clear)` empties it, and the
preview says which."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from profiles.choices import OrgKind
from profiles.models import Need, Seed
from profiles.services.imports import (
    FORMATS,
    column_help,
    csv_import_needs,
    csv_import_seeds,
    template_csv,
)
from profiles.services.imports.csv_columns import PATENT_PARTS, RESEARCHER_PARTS
from tests.factories import make_need, make_org, make_seed, make_user

pytestmark = pytest.mark.django_db


def _file(text: str, name: str = "seeds.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


def test_the_column_help_is_the_parsers_definition_in_words(client, uni):
    client.force_login(make_user(org=uni))
    html = client.get(reverse("seed_import")).content.decode()
    for column in FORMATS["seed"]:
        assert f'data-column="{column.name}"' in html, column.name
    # The patent cell: application number | registration number | licence | title, the order
    # the parser reads (the page used to say "…|title|yes/no" and the parser refused it).
    help_by_name = {c["name"]: c for c in column_help("seed")}
    assert [p.name for p in PATENT_PARTS] == [
        "application_number",
        "registration_number",
        "license_available",
        "title",
    ]
    assert "出願番号|登録番号|ライセンス可 (yes/no)|発明の名称" in help_by_name["patents"]["format"]
    assert (
        "氏名|所属|researchmap ID|クロスアポイントメント可 (yes/no)"
        in (help_by_name["researchers"]["format"])
    )
    assert help_by_name["patents"]["format"] in html.replace("&quot;", '"')
    with translation.override("en"):
        english = {c["name"]: c for c in column_help("seed")}
    assert "application number|registration number|licence available (yes/no)|title" in (
        english["patents"]["format"].lower().replace("出願番号", "")
    )


@pytest.mark.parametrize("kind", ["seed", "need"])
def test_following_the_documented_format_imports_cleanly(kind, uni):
    """Each column's documented example, written the way the help says, is accepted."""
    org = uni if kind == "seed" else make_org(kind=OrgKind.COMPANY)
    user = make_user(org=org)
    service = csv_import_seeds if kind == "seed" else csv_import_needs
    report = service(org=org, by=user, file=_file(template_csv(kind)), dry_run=False)
    assert report.errors == [] and len(report.created) == 1, report.to_dict()
    if kind == "seed":
        seed = Seed.objects.get(organization=org)
        assert seed.patents.get().application_number == "2023-123456"
        assert seed.patents.get().license_available is True
        assert seed.researchers.get().cross_appointment_available is True
    else:
        need = Need.objects.get(organization=org)
        assert (need.budget_min_yen, need.budget_max_yen) == (1_000_000, 5_000_000)


@pytest.mark.parametrize(
    "kind, url", [("seed", "seed_import_template"), ("need", "need_import_template")]
)
def test_the_template_is_a_header_and_one_example_row_in_utf8_with_a_bom(client, kind, url):
    org = make_org(kind=OrgKind.UNIVERSITY if kind == "seed" else OrgKind.COMPANY)
    client.force_login(make_user(org=org))
    response = client.get(reverse(url))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    raw = response.content
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert len(rows) == 2
    assert rows[0] == [c.name for c in FORMATS[kind]]
    # Another kind of organisation may not download it.
    other = make_org(kind=OrgKind.COMPANY if kind == "seed" else OrgKind.UNIVERSITY)
    client.force_login(make_user(org=other))
    assert client.get(reverse(url)).status_code == 403


def _seed_with_everything(org) -> Seed:
    seed = make_seed(org=org, key="s-keep", title="Keep", summary="Old summary", trl=5)
    seed.researchers.create(name="山田 太郎", department="工学研究科")
    seed.patents.create(application_number="特願2023-1", title="方法")
    return seed


def test_a_blank_cell_leaves_the_field_as_it_is(uni, uni_user):
    seed = _seed_with_everything(uni)
    text = "key,title,summary,trl,researchers,patents,keywords\ns-keep,Keep,,,,,new\n"
    report = csv_import_seeds(org=uni, by=uni_user, file=_file(text), dry_run=False)
    assert report.errors == []
    assert report.updated[0]["changed"] == ["keywords"]
    assert report.updated[0]["kept"] == ["summary", "trl", "researchers", "patents"]
    seed.refresh_from_db()
    assert (seed.summary, seed.trl, seed.keywords) == ("Old summary", 5, ["new"])
    assert seed.researchers.count() == 1 and seed.patents.count() == 1


def test_the_clear_marker_empties_a_field_on_purpose(uni, uni_user):
    seed = _seed_with_everything(uni)
    text = "key,title,trl,researchers,patents\ns-keep,Keep,(clear),(削除),\n"
    report = csv_import_seeds(org=uni, by=uni_user, file=_file(text), dry_run=False)
    assert report.errors == []
    entry = report.updated[0]
    assert entry["cleared"] == ["trl", "researchers"] and entry["kept"] == ["patents"]
    assert set(entry["changed"]) == {"trl", "researchers"}
    seed.refresh_from_db()
    assert seed.trl is None and seed.researchers.count() == 0 and seed.patents.count() == 1


def test_a_required_field_cannot_be_cleared_and_a_new_row_needs_it(uni, uni_user):
    _seed_with_everything(uni)
    text = "key,title,summary\ns-keep,Keep,(clear)\ns-new,New seed,\n"
    report = csv_import_seeds(org=uni, by=uni_user, file=_file(text), dry_run=True)
    assert [(e["row"], e["column"]) for e in report.errors] == [(2, "summary"), (3, "summary")]
    assert "(clear)" in report.errors[0]["message"]


def test_a_blank_budget_on_an_update_keeps_it_and_clear_removes_it(company):
    user = make_user(org=company)
    need = make_need(org=company, key="n-b", title="B", budget_min_yen=1, budget_max_yen=9)
    keep = "key,title,budget_min_yen,budget_max_yen\nn-b,B,,\n"
    assert csv_import_needs(org=company, by=user, file=_file(keep), dry_run=False).unchanged
    need.refresh_from_db()
    assert (need.budget_min_yen, need.budget_max_yen) == (1, 9)
    clear = "key,title,budget_min_yen\nn-b,B,(clear)\n"
    csv_import_needs(org=company, by=user, file=_file(clear), dry_run=False)
    need.refresh_from_db()
    assert (need.budget_min_yen, need.budget_max_yen) == (None, 9)


def test_the_preview_shows_what_a_row_empties_and_what_it_leaves(client, uni, uni_user):
    _seed_with_everything(uni)
    client.force_login(uni_user)
    text = "key,title,summary,trl,researchers,patents\ns-keep,Keep,,(clear),,\n"
    response = client.post(reverse("seed_import"), {"step": "preview", "file": _file(text)})
    html = response.content.decode()
    assert 'data-testid="import-cleared"' in html and 'data-testid="import-kept"' in html
    assert "公開概要, 研究者, 特許" in html  # left as they are (blank cells)
    assert not Seed.objects.filter(trl=None).exists()  # a preview writes nothing
    client.cookies["django_language"] = "en"
    english = client.post(reverse("seed_import"), {"step": "preview", "file": _file(text)})
    assert "Emptied" in english.content.decode() and "Left as is" in english.content.decode()


def test_an_export_reimports_unchanged_and_a_blank_export_cell_keeps_the_field(
    client, uni, uni_user
):
    _seed_with_everything(uni)
    make_seed(org=uni, key="s-plain", title="Plain", trl=None)
    client.force_login(uni_user)
    exported = client.get(reverse("seed_export_csv")).content
    report = csv_import_seeds(org=uni, by=uni_user, file=exported, dry_run=True)
    assert report.errors == [] and len(report.unchanged) == 2, report.to_dict()
    assert RESEARCHER_PARTS[0].name == "name"
