"""Case library and KPI dashboard pages (public)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from matching.models import Outcome
from profiles.choices import OrgKind
from tests.factories import make_org

pytestmark = pytest.mark.django_db


def test_the_case_list_searches_by_field_and_scheme(client):
    html = client.get(reverse("cases_list"), {"field": "iPS"}).content.decode()
    assert 'data-case="kyoto-cira-takeda-t-cira"' in html
    assert 'data-case="osaka-ifrec-chugai"' not in html
    html = client.get(reverse("cases_list"), {"scheme": "co_creation_agreement"}).content.decode()
    assert 'data-case="utokyo-daikin"' in html
    assert 'data-case="osaka-daikin"' not in html


def test_a_case_page_shows_the_amount_and_its_sources(client):
    html = client.get(reverse("cases_detail", args=["osaka-ifrec-chugai"])).content.decode()
    assert "10億円" in html
    assert "https://www.chugai-pharm.co.jp/news/detail/20160519150000_180.html" in html
    assert client.get(reverse("cases_detail", args=["missing"])).status_code == 404


def test_the_kpi_dashboard_shows_baselines_and_platform_totals_by_direction(client):
    for _ in range(3):
        Outcome.objects.create(
            agreement_type="cross_appointment",
            cross_appointment_direction="university_to_company",
            cross_appointment_count=2,
            fiscal_year=2025,
            academic=make_org(kind=OrgKind.UNIVERSITY),
            company=make_org(kind=OrgKind.COMPANY),
        )
    r = client.get(reverse("kpi_dashboard"))
    assert r.status_code == 200
    html = r.content.decode()
    assert 'data-kpi="cross-appointment-u2c"' in html
    assert "1,151億円" in html  # ¥115,088M baseline, four significant digits
    assert "6人" in html
    r = client.get(reverse("kpi_dashboard"), {"fiscal_year": "abc"})
    assert r.status_code == 200


def test_the_dashboard_and_readiness_rules_are_translated_to_english(client):
    from django.utils import translation

    r = client.get(reverse("kpi_dashboard"), HTTP_ACCEPT_LANGUAGE="en")
    html = r.content.decode()
    assert "Contribution to the national KPIs" in html
    assert "Download CSV" in html
    assert "Large joint research projects (¥10M or more per year)" in html
    html = client.get(reverse("cases_list"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Osaka University IFReC × Chugai Pharmaceutical comprehensive agreement" in html
    with translation.override("en"):
        from profiles.selectors.readiness_rules import PILLARS

        assert str(PILLARS[1].criteria[0].label) == "Indirect cost rate of 30% or more"
