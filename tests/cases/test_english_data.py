"""The platform's own bilingual data: the national KPIs (notes, targets, source) and the case
library (parties, fields, amount notes, summaries, success factors) read in English, from the
data migrations, with every figure and source as the Japanese ones; the KPI CSV and API in
English, with suppressed figures still suppressed."""

from __future__ import annotations

import csv
import importlib
import io

import pytest
from django.urls import reverse

from cases.models import KpiIndicator, PartnershipCase
from matching.models import Outcome
from profiles.choices import OrgKind
from tests.factories import make_org

pytestmark = pytest.mark.django_db


def _has_japanese(text: str) -> bool:
    return any("\u3040" <= ch <= "\u30ff" or "\u3400" <= ch <= "\u9fff" for ch in text)


def _starting_cases() -> list[dict]:
    return importlib.import_module("cases.migrations.0003_starting_cases").CASES


def test_every_kpi_text_the_platform_writes_has_its_english():
    for ind in KpiIndicator.objects.all():
        assert ind.name_en and not _has_japanese(ind.name_en), ind.code
        assert bool(ind.note_en) == bool(ind.note) and not _has_japanese(ind.note_en), ind.code
        assert bool(ind.target_text_en) == bool(ind.target_text), ind.code
        assert not _has_japanese(ind.target_text_en), ind.code
        if ind.source_title:
            assert ind.source_title_en.startswith("Investments for the Future Strategy 2017")
    baseline = KpiIndicator.objects.get(code="company-investment")
    assert "¥115.1 billion" in baseline.note_en and "¥115,088 million" in baseline.note_en


def test_every_starting_case_reads_in_english_with_its_figures_and_sources_as_published():
    cases = {c.slug: c for c in PartnershipCase.objects.all()}
    for row in _starting_cases():
        case = cases[row["slug"]]
        for name in (
            "title_en",
            "academic_party_en",
            "company_party_en",
            "amount_note_en",
            "summary_en",
            "success_factors_en",
        ):
            value = getattr(case, name)
            assert value and not _has_japanese(value), (row["slug"], name)
        assert len(case.fields_en) == len(row["fields"]), row["slug"]
        assert not any(_has_japanese(f) for f in case.fields_en), row["slug"]
        # Figures and sources are the Japanese record's, untouched.
        for name in ("amount_per_year_yen", "total_amount_yen", "start_year", "duration_years"):
            assert getattr(case, name) == row[name], (row["slug"], name)
        assert case.sources == row["sources"]
        assert case.summary == row["summary"] and case.amount_note == row["amount_note"]


def test_the_english_amount_notes_state_the_same_amounts():
    cases = {c.slug: c for c in PartnershipCase.objects.all()}
    assert "¥1 billion a year" in cases["osaka-ifrec-chugai"].amount_note_en
    assert "¥10 billion in total" in cases["osaka-ifrec-chugai"].amount_note_en
    assert "about ¥20 billion over ten years" in cases["kyoto-cira-takeda-t-cira"].amount_note_en
    assert "¥5.6 billion" in cases["osaka-daikin"].amount_note_en
    assert "Up to ¥20 billion" in cases["utokyo-softbank-beyond-ai"].amount_note_en


def test_case_pages_in_english_show_the_english_text_and_the_sources_as_cited(client):
    client.cookies["django_language"] = "en"
    html = client.get(reverse("cases_detail", args=["osaka-ifrec-chugai"])).content.decode()
    assert "Chugai Pharmaceutical Co., Ltd." in html and "first right of refusal" in html
    assert "¥1 billion" in html and "¥10 billion" in html  # the amounts, in English
    assert '<cite lang="ja">中外製薬 ニュースリリース' in html  # the source under its own title
    listed = client.get(reverse("cases_list"), {"field": "Immunology"}).content.decode()
    assert 'data-case="osaka-ifrec-chugai"' in listed  # English fields filter too


def _outcome(**kw):
    kw.setdefault("academic", make_org(kind=OrgKind.UNIVERSITY))
    kw.setdefault("company", make_org(kind=OrgKind.COMPANY))
    kw.setdefault("fiscal_year", 2025)
    return Outcome.objects.create(**kw)


def test_the_kpi_csv_and_api_follow_the_reader_and_keep_small_cells_suppressed(client):
    uni = make_org(kind=OrgKind.UNIVERSITY)
    _outcome(agreement_type="joint_research", amount_yen=30_000_000, academic=uni)
    _outcome(agreement_type="joint_research", amount_yen=40_000_000, academic=uni)
    for _ in range(3):
        _outcome(agreement_type="license")
    client.cookies["django_language"] = "en"
    body = client.get(reverse("kpi_csv")).content.decode("utf-8-sig")
    rows = {r["code"]: r for r in csv.DictReader(io.StringIO(body))}
    assert not _has_japanese(body.replace(rows["company-investment"]["source"], ""))
    investment = rows["company-investment"]
    assert investment["name"] == "Company investment into universities and national R&D agencies"
    assert investment["target_text"].startswith("Triple the investment")
    assert investment["indicator_note"].startswith("The baseline is ¥115.1 billion")
    assert investment["platform_total"] == "" and investment["fy2025"] == ""  # suppressed
    assert investment["note"].startswith("Empty cells are suppressed")
    assert rows["licenses"]["platform_total"] == "3" and rows["licenses"]["note"] == ""
    page = client.get(reverse("kpi_dashboard")).content.decode()
    assert "Suppressed (too few organisations)" in page
    assert "70 million" not in page and "7,000" not in page  # neither figure leaks
    client.cookies["django_language"] = "ja"
    rows = {
        r["code"]: r
        for r in csv.DictReader(
            io.StringIO(client.get(reverse("kpi_csv")).content.decode("utf-8-sig"))
        )
    }
    assert rows["company-investment"]["name"] == "企業から大学・国立研究開発法人等への投資"
    assert rows["company-investment"]["note"].startswith("空欄は非公開です")
    api = client.get(reverse("api_kpi")).json()["results"]
    inv = next(r for r in api if r["code"] == "company-investment")
    assert inv["platform_total"] is None and inv["suppressed"] is True
    assert inv["note_en"] and inv["target_text_en"] and inv["source_title_en"]
