"""The case library: starting data, search by field and scheme, similarity, API."""

from __future__ import annotations

import pytest
from django.urls import reverse

from cases.models import PartnershipCase
from cases.selectors import cases_search, similar_cases

pytestmark = pytest.mark.django_db


def test_the_starting_library_has_the_three_policy_cases_and_at_least_five_more():
    slugs = set(PartnershipCase.objects.values_list("slug", flat=True))
    assert {"osaka-ifrec-chugai", "kyoto-cira-takeda-t-cira", "hokkaido-hitachi-lab"} <= slugs
    assert len(slugs) >= 8


def test_every_starting_case_cites_at_least_one_public_source_with_a_url():
    for case in PartnershipCase.objects.all():
        assert case.sources, case.slug
        assert all(s["title"] and s["url"].startswith("http") for s in case.sources), case.slug


def test_policy_figures_are_recorded_and_unknown_amounts_left_blank():
    chugai = PartnershipCase.objects.get(slug="osaka-ifrec-chugai")
    assert (chugai.amount_per_year_yen, chugai.duration_years) == (1_000_000_000, 10)
    takeda = PartnershipCase.objects.get(slug="kyoto-cira-takeda-t-cira")
    assert (takeda.amount_per_year_yen, takeda.duration_years) == (2_000_000_000, 10)
    hitachi = PartnershipCase.objects.get(slug="hokkaido-hitachi-lab")
    assert hitachi.amount_per_year_yen is None
    assert hitachi.total_amount_yen is None


def test_search_by_field_and_scheme():
    slugs = [m.case.slug for m in cases_search(field_name="免疫学")]
    assert slugs == ["osaka-ifrec-chugai"]
    labs = {m.case.slug for m in cases_search(scheme="joint_lab")}
    assert labs == {"hokkaido-hitachi-lab", "utokyo-hitachi-lab"}
    assert cases_search(scheme="joint_lab", field_name="免疫学") == []


def test_free_text_search_ranks_the_case_that_contains_the_words_first():
    results = cases_search(q="iPS細胞")
    assert results[0].case.slug == "kyoto-cira-takeda-t-cira"
    assert cases_search(q="zzzzqqqq") == []


def test_similar_cases_finds_the_immunology_partnership_for_an_immunology_need():
    matches = similar_cases(text="自己免疫疾患の新規創薬標的を探索する免疫学研究との連携", limit=3)
    assert len(matches) == 3
    assert matches[0].case.slug == "osaka-ifrec-chugai"
    assert matches[0].score >= matches[1].score >= matches[2].score


def test_fields_boost_cases_that_share_them():
    plain = {m.case.slug: m.score for m in similar_cases(text="空調", limit=20)}
    boosted = similar_cases(text="空調", fields=["ヘルスケア"], limit=20)
    kyoto_daikin = next(m for m in boosted if m.case.slug == "kyoto-daikin")
    assert kyoto_daikin.shared_fields == ["ヘルスケア"]
    assert kyoto_daikin.score == pytest.approx(plain["kyoto-daikin"] + 0.1, abs=1e-3)


def test_similar_cases_with_no_text_and_no_fields_returns_nothing():
    assert similar_cases(text="", limit=3) == []
    assert similar_cases(text="免疫", limit=0) == []


def test_case_api_searches_and_reports_bad_input(api_client):
    r = api_client.get(reverse("api_cases_list"), {"scheme": "joint_lab"})
    assert r.status_code == 200
    assert {row["slug"] for row in r.json()["results"]} == {
        "hokkaido-hitachi-lab",
        "utokyo-hitachi-lab",
    }
    r = api_client.get(reverse("api_cases_list"), {"scheme": "merger"})
    assert r.status_code == 400
    assert "scheme" in r.json()
    r = api_client.get(reverse("api_cases_similar"), {"text": "iPS細胞 再生医療", "limit": 1})
    assert r.json()["results"][0]["slug"] == "kyoto-cira-takeda-t-cira"
    assert api_client.get(reverse("api_cases_similar")).status_code == 400
    r = api_client.get(reverse("api_cases_detail", args=["osaka-daikin"]))
    assert r.json()["total_amount_yen"] == 5_600_000_000
    assert api_client.get(reverse("api_cases_detail", args=["nope"])).status_code == 404


def test_a_partnership_links_the_cases_closest_to_its_public_needs_and_seeds():
    from matching.models import PartnershipProposal
    from profiles.choices import OrgKind
    from tests.factories import make_need, make_org, make_seed

    company = make_org(kind=OrgKind.COMPANY)
    uni = make_org(kind=OrgKind.UNIVERSITY)
    make_need(
        org=company,
        title="自己免疫疾患の創薬標的",
        description="免疫学の基礎研究から創薬標的を探したい。",
        confidential_details="iPS細胞 再生医療 " * 50,  # never used for the comparison
        field="免疫学",
    )
    make_seed(org=uni, title="制御性T細胞の研究", summary="免疫応答の制御機構。", field="免疫学")
    pp = PartnershipProposal.objects.create(company=company, academic=uni, score=0.5, rank=1)
    from cases.selectors import similar_cases_for_partnership

    cases = similar_cases_for_partnership(partnership=pp, limit=2)
    assert [c.slug for c in cases][0] == "osaka-ifrec-chugai"
    assert cases[0].shared_fields == ["免疫学"]
    assert str(cases[0]) == cases[0].title
    assert len(cases) == 2
