"""The matching API: ownership (404 for other organisations), bad input (400 naming the field),
admin-only endpoints, and that confidential text never leaves through a list."""

from __future__ import annotations

import pytest
from django.urls import reverse

from matching.models import (
    InvestorMatch,
    MatchRun,
    MatchScore,
    Outcome,
    PartnershipProposal,
    Proposal,
    ProposalResponse,
)
from matching.models.results import ProposalStatus
from matching.services.proposals import proposal_approve, proposal_respond
from profiles.choices import OrgKind
from tests.factories import (
    make_investor,
    make_need,
    make_org,
    make_seed,
    make_user,
    make_venture,
    publish_search_index,
)

from .conftest import NEED_SECRET, SEED_SECRET

pytestmark = pytest.mark.django_db

HUGE_ID = 10**30


def _client(api_client, user):
    api_client.force_authenticate(user=user)
    return api_client


def _approve(world) -> Proposal:
    return proposal_approve(proposal=world.proposal, by=world.admin)


def _introduce(world) -> Proposal:
    _approve(world)
    proposal_respond(proposal=world.proposal, by=world.company_user, decision="interested")
    proposal_respond(proposal=world.proposal, by=world.university_user, decision="interested")
    world.proposal.refresh_from_db()
    return world.proposal


def _ids(response) -> list[int]:
    return [row["id"] for row in response.json()["results"]]


# --- Proposals: lists and details ----------------------------------------------------------


def test_each_side_lists_its_approved_proposals_and_nobody_else_does(api_client, world):
    url = reverse("matching-api-proposals")
    assert _ids(_client(api_client, world.company_user).get(url)) == []  # not yet approved
    _approve(world)
    assert _ids(_client(api_client, world.company_user).get(url)) == [world.proposal.pk]
    assert _ids(_client(api_client, world.university_user).get(url)) == [world.proposal.pk]
    assert _ids(_client(api_client, world.other_user).get(url)) == []


def test_proposal_list_filters_validate_their_input(api_client, world):
    _approve(world)
    client = _client(api_client, world.company_user)
    url = reverse("matching-api-proposals")
    assert _ids(client.get(url, {"status": "approved", "need": world.need.pk})) == [
        world.proposal.pk
    ]
    assert _ids(client.get(url, {"status": "introduced"})) == []
    for params, field in (
        ({"status": "nonsense"}, "status"),
        ({"need": "abc"}, "need"),
        ({"need": str(HUGE_ID)}, "need"),
        ({"seed": "-3"}, "seed"),
    ):
        response = client.get(url, params)
        assert response.status_code == 400, params
        assert field in response.json()


def test_another_organisation_gets_404_on_a_proposal(api_client, world):
    _approve(world)
    client = _client(api_client, world.other_user)
    pk = world.proposal.pk
    assert client.get(reverse("matching-api-proposal", args=[pk])).status_code == 404
    assert (
        client.post(
            reverse("matching-api-proposal-respond", args=[pk]), {"decision": "interested"}
        ).status_code
        == 404
    )
    assert (
        client.post(
            reverse("matching-api-proposal-outcome", args=[pk]), {"agreement_type": "license"}
        ).status_code
        == 404
    )
    assert not ProposalResponse.objects.exists()


def test_unapproved_proposals_are_404_for_the_parties(api_client, world):
    client = _client(api_client, world.company_user)
    assert client.get(reverse("matching-api-proposal", args=[world.proposal.pk])).status_code == 404


def test_ids_out_of_range_are_404_not_500(api_client, world):
    client = _client(api_client, world.company_user)
    for name in (
        "matching-api-proposal",
        "matching-api-proposal-introduction",
        "matching-api-partnership",
    ):
        assert client.get(reverse(name, args=[HUGE_ID])).status_code == 404
    admin = _client(api_client, world.admin)
    assert admin.get(reverse("matching-api-match-run", args=[HUGE_ID])).status_code == 404
    assert (
        admin.post(reverse("matching-api-admin-proposal-approve", args=[HUGE_ID])).status_code
        == 404
    )


def test_confidential_text_never_appears_in_lists_or_details(api_client, world):
    _introduce(world)
    for user in (world.company_user, world.university_user, world.admin):
        client = _client(api_client, user)
        for response in (
            client.get(reverse("matching-api-proposals")),
            client.get(reverse("matching-api-proposal", args=[world.proposal.pk])),
        ):
            assert response.status_code == 200
            body = response.content.decode()
            assert NEED_SECRET not in body and SEED_SECRET not in body


def test_an_anonymous_need_hides_its_company_from_the_university_until_introduction(
    api_client, world
):
    world.need.is_anonymous = True
    world.need.save()
    _approve(world)
    url = reverse("matching-api-proposal", args=[world.proposal.pk])
    seen_by_university = _client(api_client, world.university_user).get(url).json()
    assert seen_by_university["need"]["organization"] is None
    assert (
        world.company.name
        not in _client(api_client, world.university_user).get(url).content.decode()
    )
    assert _client(api_client, world.company_user).get(url).json()["need"]["organization"][
        "id"
    ] == (world.company.pk)
    proposal_respond(proposal=world.proposal, by=world.company_user, decision="interested")
    proposal_respond(proposal=world.proposal, by=world.university_user, decision="interested")
    assert (
        _client(api_client, world.university_user).get(url).json()["need"]["organization"]["name"]
        == world.company.name
    )


# --- Responding ------------------------------------------------------------------------------


def test_both_sides_respond_through_the_api_and_are_introduced(api_client, world):
    _approve(world)
    url = reverse("matching-api-proposal-respond", args=[world.proposal.pk])
    r1 = _client(api_client, world.company_user).post(
        url, {"decision": "interested", "comment": "要相談"}, format="json"
    )
    assert r1.status_code == 200 and r1.json()["status"] == "approved"
    assert r1.json()["my_side"] == "company"
    r2 = _client(api_client, world.university_user).post(
        url, {"decision": "interested"}, format="json"
    )
    assert r2.status_code == 200
    assert r2.json()["status"] == "introduced" and r2.json()["introduced_at"]
    # The company's comment is its own; the university sees the decision only.
    company_answer = [r for r in r2.json()["responses"] if r["side"] == "company"][0]
    assert company_answer["decision"] == "interested" and "comment" not in company_answer


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"decision": "perhaps"}, "decision"),
        ({}, "decision"),
        ({"decision": "declined"}, "reason"),
        ({"decision": "declined", "reason": "because"}, "reason"),
        ({"decision": "interested", "comment": "NUL\x00byte"}, "comment"),
        ({"decision": "interested", "comment": "長" * 5001}, "comment"),
    ],
)
def test_bad_responses_are_400_naming_the_field_and_write_nothing(
    api_client, world, payload, field
):
    _approve(world)
    response = _client(api_client, world.company_user).post(
        reverse("matching-api-proposal-respond", args=[world.proposal.pk]), payload, format="json"
    )
    assert response.status_code == 400
    assert field in response.json()
    assert not ProposalResponse.objects.exists()


def test_a_decline_with_a_reason_is_kept(api_client, world):
    _approve(world)
    response = _client(api_client, world.university_user).post(
        reverse("matching-api-proposal-respond", args=[world.proposal.pk]),
        {"decision": "declined", "reason": "ip_terms", "comment": "知財の扱いが合わない"},
        format="json",
    )
    assert response.status_code == 200
    answer = ProposalResponse.objects.get()
    assert (answer.side, answer.decision, answer.reason) == ("academic", "declined", "ip_terms")


def test_responding_after_the_introduction_is_a_400_on_status(api_client, world):
    _introduce(world)
    response = _client(api_client, world.company_user).post(
        reverse("matching-api-proposal-respond", args=[world.proposal.pk]),
        {"decision": "declined", "reason": "other"},
        format="json",
    )
    assert response.status_code == 400 and "status" in response.json()


# --- Introduction ----------------------------------------------------------------------------


def test_the_introduction_shows_contacts_and_confidential_details_to_the_two_parties_only(
    api_client, world
):
    url = reverse("matching-api-proposal-introduction", args=[world.proposal.pk])
    _approve(world)
    assert _client(api_client, world.company_user).get(url).status_code == 404  # not introduced
    proposal_respond(proposal=world.proposal, by=world.company_user, decision="interested")
    proposal_respond(proposal=world.proposal, by=world.university_user, decision="interested")
    for user in (world.company_user, world.university_user):
        response = _client(api_client, user).get(url)
        assert response.status_code == 200
        body = response.json()
        assert body["need"]["confidential_details"] == NEED_SECRET
        assert body["seed"]["confidential_details"] == SEED_SECRET
        assert body["company"]["email"] == "sangaku@denki.example.jp"
        assert body["academic"]["email"] == "tlo@hoppo-u.example.jp"
    for user in (world.other_user, world.admin):
        response = _client(api_client, user).get(url)
        assert response.status_code == 404
        assert SEED_SECRET not in response.content.decode()


# --- Outcomes --------------------------------------------------------------------------------


def test_an_outcome_is_recorded_after_the_introduction(api_client, world):
    url = reverse("matching-api-proposal-outcome", args=[world.proposal.pk])
    _approve(world)
    early = _client(api_client, world.company_user).post(
        url, {"agreement_type": "joint_research"}, format="json"
    )
    assert early.status_code == 400 and "status" in early.json()
    proposal_respond(proposal=world.proposal, by=world.company_user, decision="interested")
    proposal_respond(proposal=world.proposal, by=world.university_user, decision="interested")
    response = _client(api_client, world.company_user).post(
        url,
        {"agreement_type": "joint_research", "amount_yen": 8_000_000, "duration_years": 2},
        format="json",
    )
    assert response.status_code == 201
    assert response.json()["amount_yen"] == 8_000_000
    outcome = Outcome.objects.get()
    assert (outcome.company, outcome.academic) == (world.company, world.university)


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"agreement_type": "gift"}, "agreement_type"),
        ({"agreement_type": "license", "amount_yen": -5}, "amount_yen"),
        ({"agreement_type": "license", "amount_yen": 10**30}, "amount_yen"),
        ({"agreement_type": "license", "amount_yen": "abc"}, "amount_yen"),
        ({"agreement_type": "license", "duration_years": 0}, "duration_years"),
        ({"agreement_type": "license", "fiscal_year": 1800}, "fiscal_year"),
        ({"agreement_type": "license", "note": "x\x00"}, "note"),
        ({"agreement_type": "cross_appointment"}, "cross_appointment_direction"),
        (
            {"agreement_type": "license", "cross_appointment_direction": "company_to_university"},
            "cross_appointment_direction",
        ),
    ],
)
def test_bad_outcomes_are_400_naming_the_field(api_client, world, payload, field):
    _introduce(world)
    response = _client(api_client, world.university_user).post(
        reverse("matching-api-proposal-outcome", args=[world.proposal.pk]), payload, format="json"
    )
    assert response.status_code == 400, response.content
    assert field in response.json()
    assert not Outcome.objects.exists()


# --- Partnerships ----------------------------------------------------------------------------


@pytest.fixture
def partnership(world):
    second_need = make_need(org=world.company, title="公開ニーズ: 電池の長寿命化")
    hidden_need = make_need(org=world.company, title="匿名ニーズの題名", is_anonymous=True)
    MatchScore.objects.create(need=second_need, seed=world.seed, score=0.9, rank=1, model_id="m")
    MatchScore.objects.create(need=hidden_need, seed=world.seed, score=0.8, rank=1, model_id="m")
    return PartnershipProposal.objects.create(
        company=world.company,
        academic=world.university,
        score=0.75,
        rank=1,
        evidence=[
            {"need_id": second_need.pk, "need_title": second_need.title, "seed_id": world.seed.pk},
            {"need_id": hidden_need.pk, "need_title": hidden_need.title, "seed_id": world.seed.pk},
        ],
    )


def test_partnerships_are_listed_for_the_two_organisations_once_approved(
    api_client, world, partnership
):
    url = reverse("matching-api-partnerships")
    assert _ids(_client(api_client, world.company_user).get(url)) == []
    admin = _client(api_client, world.admin)
    assert (
        admin.post(
            reverse("matching-api-admin-partnership-approve", args=[partnership.pk])
        ).status_code
        == 200
    )
    assert _ids(_client(api_client, world.company_user).get(url)) == [partnership.pk]
    assert _ids(_client(api_client, world.university_user).get(url)) == [partnership.pk]
    assert _ids(_client(api_client, world.other_user).get(url)) == []
    detail = reverse("matching-api-partnership", args=[partnership.pk])
    assert _client(api_client, world.other_user).get(detail).status_code == 404


def test_partnership_detail_lists_the_links_behind_it_without_anonymous_needs(
    api_client, world, partnership
):
    partnership.status = ProposalStatus.APPROVED
    partnership.save()
    detail = reverse("matching-api-partnership", args=[partnership.pk])
    university_view = _client(api_client, world.university_user).get(detail).json()
    titles = [link["need"]["title"] for link in university_view["links"]]
    assert titles == ["公開ニーズ: 電池の長寿命化"]
    assert [e["need_title"] for e in university_view["evidence"]] == ["公開ニーズ: 電池の長寿命化"]
    assert (
        "匿名ニーズの題名"
        not in _client(api_client, world.university_user)
        .get(reverse("matching-api-partnerships"))
        .content.decode()
    )
    company_view = _client(api_client, world.company_user).get(detail).json()
    assert len(company_view["links"]) == 2 and len(company_view["evidence"]) == 2
    assert company_view["contacts"] is None
    body = _client(api_client, world.university_user).get(detail).content.decode()
    assert SEED_SECRET not in body and NEED_SECRET not in body


def test_partnership_responses_introduce_and_reveal_contacts(api_client, world, partnership):
    partnership.status = ProposalStatus.APPROVED
    partnership.save()
    url = reverse("matching-api-partnership-respond", args=[partnership.pk])
    bad = _client(api_client, world.company_user).post(url, {"decision": "x"}, format="json")
    assert bad.status_code == 400 and "decision" in bad.json()
    assert (
        _client(api_client, world.other_user)
        .post(url, {"decision": "interested"}, format="json")
        .status_code
        == 404
    )
    _client(api_client, world.company_user).post(url, {"decision": "interested"}, format="json")
    response = _client(api_client, world.university_user).post(
        url, {"decision": "interested"}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["status"] == "introduced"
    assert response.json()["contacts"]["company"]["email"] == "sangaku@denki.example.jp"
    outcome = _client(api_client, world.company_user).post(
        reverse("matching-api-partnership-outcome", args=[partnership.pk]),
        {"agreement_type": "comprehensive_partnership", "amount_yen": 30_000_000},
        format="json",
    )
    assert outcome.status_code == 201


# --- Deal flow -------------------------------------------------------------------------------


def test_an_investor_sees_its_own_deal_flow_ranked_and_nobody_elses(api_client, db):
    university = make_org(kind=OrgKind.UNIVERSITY)
    v1 = make_venture(org=university, confidential_details="資本政策の非公開情報")
    v2 = make_venture(org=university)
    mine, theirs = make_investor(), make_investor()
    InvestorMatch.objects.create(venture=v1, investor=mine, score=0.6, rank=2, signals={"stage": 1})
    InvestorMatch.objects.create(venture=v2, investor=mine, score=0.9, rank=1)
    other_match = InvestorMatch.objects.create(venture=v2, investor=theirs, score=0.5, rank=1)
    me = make_user(org=mine.organization)
    response = _client(api_client, me).get(reverse("matching-api-deal-flow"))
    assert response.status_code == 200
    rows = response.json()["results"]
    assert [r["venture"]["id"] for r in rows] == [v2.pk, v1.pk]
    assert rows[1]["signals"] == {"stage": 1}
    assert "資本政策の非公開情報" not in response.content.decode()
    company_user = make_user(org=make_org(kind=OrgKind.COMPANY))
    assert (
        _client(api_client, company_user).get(reverse("matching-api-deal-flow")).json()["results"]
        == []
    )
    # An investor records an investment only on its own match.
    client = _client(api_client, me)
    url_other = reverse("matching-api-deal-flow-outcome", args=[other_match.pk])
    assert client.post(url_other, {"agreement_type": "spinoff_investment"}).status_code == 404
    my_match = InvestorMatch.objects.get(venture=v1, investor=mine)
    url = reverse("matching-api-deal-flow-outcome", args=[my_match.pk])
    bad = client.post(url, {"agreement_type": "spinoff_investment", "amount_yen": -1})
    assert bad.status_code == 400 and "amount_yen" in bad.json()
    ok = client.post(url, {"agreement_type": "spinoff_investment", "amount_yen": 100_000_000})
    assert ok.status_code == 201 and ok.json()["venture"] == v1.pk


# --- Search ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({}, "q"),
        ({"q": "   "}, "q"),
        ({"q": "電池", "trl_min": "0"}, "trl_min"),
        ({"q": "電池", "trl_max": "10"}, "trl_max"),
        ({"q": "電池", "trl_min": "7", "trl_max": "3"}, "trl_min"),
        ({"q": "電池", "region": "atlantis"}, "region"),
        ({"q": "電池", "mode": "bribery"}, "mode"),
        ({"q": "電池", "limit": "100000"}, "limit"),
        ({"q": "x" * 1001}, "q"),
        ({"q": "電\x00池"}, "q"),
    ],
)
def test_search_rejects_bad_input_with_400_naming_the_field(api_client, world, params, field):
    response = _client(api_client, world.company_user).get(
        reverse("matching-api-search-seeds"), params
    )
    assert response.status_code == 400
    assert field in response.json()


def test_search_returns_ranked_visible_seeds_without_confidential_text(api_client, world, settings):
    make_seed(
        org=world.university, title="量子ドット太陽電池", summary="量子ドットを用いた太陽電池。"
    )
    publish_search_index()  # what the workers do after seeds change
    response = _client(api_client, world.company_user).get(
        reverse("matching-api-search-seeds"), {"q": "全固体電池の固体電解質", "limit": 5}
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["count"] >= 1
    assert body["results"][0]["seed"]["id"] == world.seed.pk
    scores = [r["score"] for r in body["results"]]
    assert scores == sorted(scores, reverse=True)
    assert SEED_SECRET not in response.content.decode()


# --- Admin endpoints -------------------------------------------------------------------------


def test_admin_endpoints_refuse_members(api_client, world):
    client = _client(api_client, world.company_user)
    pk = world.proposal.pk
    run = MatchRun.objects.create(total_chunks=4, done_chunks=1, status="running")
    for method, url in (
        ("get", reverse("matching-api-admin-review")),
        ("get", reverse("matching-api-admin-review-partnerships")),
        ("post", reverse("matching-api-admin-proposal-approve", args=[pk])),
        ("post", reverse("matching-api-admin-proposal-suppress", args=[pk])),
        ("post", reverse("matching-api-admin-partnership-approve", args=[pk])),
        ("get", reverse("matching-api-admin-metrics")),
        ("get", reverse("matching-api-match-runs")),
        ("post", reverse("matching-api-match-runs")),
        ("get", reverse("matching-api-match-run", args=[run.pk])),
    ):
        response = getattr(client, method)(url, {"note": "x"}, format="json")
        assert response.status_code == 403, url
    world.proposal.refresh_from_db()
    assert world.proposal.status == ProposalStatus.PROPOSED
    api_client.force_authenticate(user=None)
    assert api_client.get(reverse("matching-api-admin-review")).status_code in (401, 403)


def test_a_coordinator_reviews_the_queue(api_client, world):
    client = _client(api_client, world.admin)
    second = Proposal.objects.create(need=world.need, seed=make_seed(), score=0.95)
    queue = client.get(reverse("matching-api-admin-review"))
    assert queue.status_code == 200
    assert _ids(queue) == [second.pk, world.proposal.pk]  # best score first

    no_note = client.post(reverse("matching-api-admin-proposal-suppress", args=[second.pk]), {})
    assert no_note.status_code == 400 and "note" in no_note.json()
    suppressed = client.post(
        reverse("matching-api-admin-proposal-suppress", args=[second.pk]),
        {"note": "重複"},
        format="json",
    )
    assert suppressed.status_code == 200 and suppressed.json()["status"] == "suppressed"
    approved = client.post(reverse("matching-api-admin-proposal-approve", args=[world.proposal.pk]))
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    assert _ids(client.get(reverse("matching-api-admin-review"))) == []
    again = client.post(reverse("matching-api-admin-proposal-approve", args=[world.proposal.pk]))
    assert again.status_code == 400 and "status" in again.json()


def test_a_match_run_reports_its_progress(api_client, world):
    run = MatchRun.objects.create(total_chunks=4, done_chunks=1, status="running")
    response = _client(api_client, world.admin).get(
        reverse("matching-api-match-run", args=[run.pk])
    )
    assert response.status_code == 200
    assert response.json()["progress"] == 0.25 and response.json()["status"] == "running"


# Transactional: the chunk task closes stale database connections as a worker would, which
# would end the surrounding test transaction of a plain django_db test.
@pytest.mark.django_db(transaction=True)
def test_a_coordinator_starts_a_match_run(api_client, world, settings):
    response = _client(api_client, world.admin).post(reverse("matching-api-match-runs"))
    assert response.status_code == 202, response.content
    run = MatchRun.objects.get(pk=response.json()["id"])
    assert run.created_by == world.admin
    # Without a broker the chunks run in-process, so the run is finished when the call returns.
    detail = _client(api_client, world.admin).get(reverse("matching-api-match-run", args=[run.pk]))
    assert detail.json()["status"] == "done" and detail.json()["progress"] == 1.0


def test_admin_metrics_endpoint_answers_for_coordinators(api_client, world):
    _introduce(world)
    response = _client(api_client, world.admin).get(reverse("matching-api-admin-metrics"))
    assert response.status_code == 200
    body = response.json()
    assert body["feedback"]["shown"] == 1 and body["feedback"]["mutual_interest_rate"] == 1.0
    assert body["model"]["embedder"]


def test_errors_are_japanese_by_default_and_english_on_request(api_client, world):
    _approve(world)
    url = reverse("matching-api-proposal-respond", args=[world.proposal.pk])
    client = _client(api_client, world.company_user)
    payload = {"decision": "declined", "reason": ""}
    ja = client.post(url, payload, format="json")
    assert ja.json()["reason"] == ["辞退の理由を選択してください。"]
    en = client.post(url, payload, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert en.json()["reason"] == ["Choose a reason for declining."]


def test_a_proposal_detail_shows_the_price_estimate_next_to_the_budget(api_client, world):
    world.need.budget_min_yen, world.need.budget_max_yen = 1_000_000, 5_000_000
    world.need.save()
    _approve(world)
    body = (
        _client(api_client, world.company_user)
        .get(reverse("matching-api-proposal", args=[world.proposal.pk]))
        .json()
    )
    estimate = body["price_estimate"]
    assert isinstance(estimate["total_yen"], int) and estimate["assumptions"]
    assert estimate["budget_max_yen"] == 5_000_000
    assert estimate["fit"] in {"fit", "over", "under"}


def test_partnership_endpoints_refuse_bad_input_and_other_organisations(
    api_client, world, partnership
):
    bad_filter = _client(api_client, world.company_user).get(
        reverse("matching-api-partnerships"), {"status": "nonsense"}
    )
    assert bad_filter.status_code == 400 and "status" in bad_filter.json()
    admin = _client(api_client, world.admin)
    no_note = admin.post(
        reverse("matching-api-admin-partnership-suppress", args=[partnership.pk]), {}
    )
    assert no_note.status_code == 400 and "note" in no_note.json()
    assert (
        admin.post(
            reverse("matching-api-admin-partnership-approve", args=[partnership.pk]),
            {"note": "x\x00"},
            format="json",
        ).status_code
        == 400
    )
    partnership.refresh_from_db()
    assert partnership.status == ProposalStatus.PROPOSED
    admin.post(reverse("matching-api-admin-partnership-approve", args=[partnership.pk]))
    outcome_url = reverse("matching-api-partnership-outcome", args=[partnership.pk])
    other = _client(api_client, world.other_user).post(
        outcome_url, {"agreement_type": "license"}, format="json"
    )
    assert other.status_code == 404
    early = _client(api_client, world.company_user).post(
        outcome_url, {"agreement_type": "license"}, format="json"
    )
    assert early.status_code == 400 and "status" in early.json()
    negative = _client(api_client, world.company_user).post(
        outcome_url, {"agreement_type": "license", "amount_yen": -1}, format="json"
    )
    assert negative.status_code == 400 and "amount_yen" in negative.json()
    assert not Outcome.objects.exists()
    suppressed = _client(api_client, world.admin).post(
        reverse("matching-api-admin-partnership-suppress", args=[partnership.pk]),
        {"note": "時期尚早"},
        format="json",
    )
    assert suppressed.status_code == 200 and suppressed.json()["status"] == "suppressed"
    assert (
        _ids(_client(api_client, world.company_user).get(reverse("matching-api-partnerships")))
        == []
    )


def test_search_never_returns_another_organisations_draft_seed(api_client, world, settings):
    draft = make_seed(
        org=make_org(kind=OrgKind.UNIVERSITY),
        title="全固体電池の固体電解質 (下書き)",
        status="draft",
    )
    publish_search_index()
    response = _client(api_client, world.company_user).get(
        reverse("matching-api-search-seeds"), {"q": "全固体電池の固体電解質"}
    )
    assert response.status_code == 200
    ids = [r["seed"]["id"] for r in response.json()["results"]]
    assert world.seed.pk in ids and draft.pk not in ids
