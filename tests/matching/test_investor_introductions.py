"""Issue 14: investors and ventures. The investor marks interest (deal flow), the venture's
university sees it on the venture page and answers, both interested → introduction (contacts,
the venture's confidential details, a message thread); third parties get 404; investments are
recorded on a page and confirmed by the university."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from matching.models import InvestorIntroduction, InvestorMatch, Outcome
from matching.models.feedback import OutcomeStatus
from matching.models.investors import InvestorIntroductionStatus as Status
from matching.outcomes import kpi_figures
from matching.services.agreements import outcome_confirm
from matching.services.introductions import (
    investor_interest_answer,
    investor_interest_express,
    investor_interest_withdraw,
)
from messaging.models import Thread
from notifications.kinds import Kind
from notifications.models import Notification
from profiles.choices import OrgKind, PublicationStatus
from tests.factories import make_investor, make_org, make_user, make_venture

pytestmark = pytest.mark.django_db

SECRET = "非公開: 次回ラウンドの評価額"


@pytest.fixture
def w():
    uni = make_org(kind=OrgKind.UNIVERSITY, name="東都大学", contact_email="tlo@tohto.example.jp")
    vc = make_org(kind=OrgKind.INVESTOR, name="さくらVC", contact_email="deal@sakura.example.jp")
    investor = make_investor(org=vc)
    venture = make_venture(org=uni, name="東都マテリアル株式会社", confidential_details=SECRET)
    InvestorMatch.objects.create(venture=venture, investor=investor, score=1.5, rank=1)
    return {
        "uni": uni,
        "vc": vc,
        "investor": investor,
        "venture": venture,
        "uni_user": make_user(org=uni),
        "vc_user": make_user(org=vc),
        "stranger": make_user(org=make_org(kind=OrgKind.INVESTOR)),
        "company_user": make_user(org=make_org(kind=OrgKind.COMPANY)),
    }


def test_the_investor_introduction_lifecycle_through_the_pages(client, w):
    client.force_login(w["vc_user"])
    assert 'data-testid="venture-interest-' in client.get(reverse("deal_flow")).content.decode()
    response = client.post(
        reverse("investor_interest", args=[w["venture"].pk]), {"message": "シリーズAを検討"}
    )
    assert response.status_code == 302
    intro = InvestorIntroduction.objects.get()
    assert (intro.status, intro.message) == (Status.INTERESTED, "シリーズAを検討")
    told = Notification.objects.get(recipient=w["uni_user"])
    assert told.kind == Kind.INVESTOR_INTERESTED and told.params["investor"] == "さくらVC"
    # Twice: refused with a message, still one row.
    response = client.post(reverse("investor_interest", args=[w["venture"].pk]), follow=True)
    assert "すでに関心を伝えています" in response.content.decode()
    assert InvestorIntroduction.objects.count() == 1
    # Before the answer the introduction page does not exist for anyone.
    assert client.get(reverse("investor_introduction", args=[intro.pk])).status_code == 404
    # The university sees the investor on its venture's page and answers.
    client.force_login(w["uni_user"])
    html = client.get(reverse("venture_edit", args=[w["venture"].pk])).content.decode()
    assert 'data-testid="venture-investors-card"' in html and "さくらVC" in html
    response = client.post(
        reverse("venture_investors", args=[w["venture"].pk]),
        {"intro": intro.pk, "decision": "interested"},
    )
    assert response["Location"] == reverse("investor_introduction", args=[intro.pk])
    intro.refresh_from_db()
    assert intro.status == Status.INTRODUCED and intro.introduced_at is not None
    # Both see contacts and the venture's confidential details; a thread is open.
    for user in (w["uni_user"], w["vc_user"]):
        client.force_login(user)
        html = client.get(reverse("investor_introduction", args=[intro.pk])).content.decode()
        assert "deal@sakura.example.jp" in html and "tlo@tohto.example.jp" in html
        assert SECRET in html
    thread = Thread.objects.get(investor_introduction=intro)
    assert (thread.company_id, thread.academic_id) == (w["vc"].pk, w["uni"].pk)
    assert Notification.objects.filter(kind=Kind.INTRODUCED, recipient=w["vc_user"]).exists()
    client.force_login(w["vc_user"])
    assert client.get(reverse("thread_detail", args=[thread.pk])).status_code == 200


def test_third_parties_get_404_on_the_introduction_the_thread_and_the_answer(client, w):
    intro = investor_interest_express(venture=w["venture"], by=w["vc_user"])
    investor_interest_answer(intro=intro, by=w["uni_user"], decision="interested")
    thread = Thread.objects.get(investor_introduction=intro)
    for user in (w["stranger"], w["company_user"], make_user(org=make_org())):
        client.force_login(user)
        assert client.get(reverse("investor_introduction", args=[intro.pk])).status_code == 404
        assert client.get(reverse("thread_detail", args=[thread.pk])).status_code == 404
        assert client.get(reverse("thread_for", args=["investor", intro.pk])).status_code == 404
        html = client.get(reverse("notification_list")).content.decode()
        assert SECRET not in html
    # Another university cannot answer for the venture, nor see its investors.
    other_uni = make_user(org=make_org(kind=OrgKind.UNIVERSITY))
    client.force_login(other_uni)
    assert client.get(reverse("venture_investors", args=[w["venture"].pk])).status_code == 404
    with pytest.raises(PermissionDenied):
        investor_interest_answer(intro=intro, by=other_uni, decision="declined", reason="other")


def test_a_decline_needs_a_reason_withdrawing_and_renewing_and_bad_input(client, w):
    intro = investor_interest_express(venture=w["venture"], by=w["vc_user"])
    with pytest.raises(ValidationError):
        investor_interest_answer(intro=intro, by=w["uni_user"], decision="declined")
    with pytest.raises(ValidationError):
        investor_interest_answer(intro=intro, by=w["uni_user"], decision="maybe")
    client.force_login(w["uni_user"])
    response = client.post(
        reverse("venture_investors", args=[w["venture"].pk]),
        {"intro": intro.pk, "decision": "declined"},
    )
    assert response.status_code == 200 and 'id="id_reason_error"' in response.content.decode()
    assert (
        client.post(
            reverse("venture_investors", args=[w["venture"].pk]),
            {"intro": "9" * 30, "decision": "interested"},
        ).status_code
        == 404
    )
    investor_interest_withdraw(intro=intro, by=w["vc_user"])
    intro.refresh_from_db()
    assert intro.status == Status.WITHDRAWN
    with pytest.raises(ValidationError):
        investor_interest_answer(intro=intro, by=w["uni_user"], decision="interested")
    renewed = investor_interest_express(venture=w["venture"], by=w["vc_user"], message="再度")
    assert renewed.pk == intro.pk and renewed.status == Status.INTERESTED
    investor_interest_answer(intro=renewed, by=w["uni_user"], decision="declined", reason="timing")
    renewed.refresh_from_db()
    assert renewed.status == Status.DECLINED and renewed.introduced_at is None
    # Only investors express interest, only in published ventures.
    with pytest.raises(PermissionDenied):
        investor_interest_express(venture=w["venture"], by=w["company_user"])
    draft = make_venture(org=w["uni"], status=PublicationStatus.DRAFT)
    with pytest.raises(ValidationError):
        investor_interest_express(venture=draft, by=w["vc_user"])
    client.force_login(w["company_user"])
    assert client.post(reverse("investor_interest", args=[w["venture"].pk])).status_code == 403


def test_an_investment_recorded_on_the_page_counts_once_the_university_confirms_it(client, w):
    client.force_login(w["vc_user"])
    assert client.get(reverse("investments")).status_code == 200
    response = client.post(
        reverse("investments"),
        {
            "venture": str(w["venture"].pk),
            "amount_yen": "50000000",
            "stage": "series_a",
            "agreed_on": "2026-05-20",
        },
    )
    assert response.status_code == 302
    outcome = Outcome.objects.get()
    assert outcome.status == OutcomeStatus.PENDING and outcome.stage == "series_a"
    assert outcome.agreed_on == datetime.date(2026, 5, 20) and outcome.fiscal_year == 2026
    assert (outcome.company_id, outcome.academic_id) == (w["vc"].pk, w["uni"].pk)
    assert Notification.objects.filter(recipient=w["uni_user"], kind=Kind.OUTCOME_PENDING).exists()
    count = [
        r
        for r in kpi_figures(suppress=False)
        if r.indicator.aggregation == "spinoff_investment_count"
    ]
    assert count and all(r.total == 0 for r in count)
    # Bad input is shown next to its field, nothing written.
    response = client.post(
        reverse("investments"),
        {"venture": str(w["venture"].pk), "amount_yen": "-1", "stage": "x", "agreed_on": "?"},
    )
    html = response.content.decode()
    assert 'id="id_amount_yen_error"' in html and 'id="id_agreed_on_error"' in html
    assert Outcome.objects.count() == 1
    # The investor cannot confirm its own record; the university does.
    with pytest.raises(PermissionDenied):
        outcome_confirm(outcome=outcome, by=w["vc_user"])
    client.force_login(w["uni_user"])
    html = client.get(reverse("investments")).content.decode()
    assert 'data-testid="outcome-confirm"' in html
    client.post(reverse("outcome_action", args=[outcome.pk, "confirm"]))
    outcome.refresh_from_db()
    assert outcome.status == OutcomeStatus.CONFIRMED
    count = [
        r
        for r in kpi_figures(suppress=False)
        if r.indicator.aggregation == "spinoff_investment_count"
    ]
    assert count and all(r.total == 1 for r in count)
    # A university may not record investments on the page.
    assert client.post(reverse("investments"), {}).status_code == 403
