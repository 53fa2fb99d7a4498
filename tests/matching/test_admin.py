"""Django admin of the matching models: every page opens, and the review actions call the
services (so the lifecycle rules hold there too)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from matching.models import (
    EmbeddingVector,
    EvaluationResult,
    InvestorMatch,
    MatchRun,
    MatchScore,
    OrganizationRanking,
    Outcome,
    PartnershipProposal,
)
from matching.models.results import ProposalStatus
from matching.services.proposals import proposal_approve, proposal_respond
from tests.factories import make_investor, make_venture

pytestmark = pytest.mark.django_db

MODELS = [
    "proposal",
    "proposalresponse",
    "partnershipproposal",
    "partnershipresponse",
    "outcome",
    "matchscore",
    "organizationranking",
    "investormatch",
    "evaluationresult",
    "matchrun",
    "embeddingvector",
]


@pytest.fixture
def populated(world):
    MatchScore.objects.create(need=world.need, seed=world.seed, score=0.8, rank=1, model_id="m")
    OrganizationRanking.objects.create(
        need=world.need, organization=world.university, score=0.8, rank=1
    )
    PartnershipProposal.objects.create(
        company=world.company, academic=world.university, score=0.7, rank=1
    )
    InvestorMatch.objects.create(
        venture=make_venture(org=world.university), investor=make_investor(), score=0.5, rank=1
    )
    EvaluationResult.objects.create(model_id="m", gold_name="dev", metrics={})
    MatchRun.objects.create(model_id="m")
    EmbeddingVector.objects.create(
        kind="seed",
        object_id=world.seed.pk,
        model_id="m",
        content_hash="0" * 64,
        dim=1,
        vector=b"\0" * 4,
    )
    proposal_approve(proposal=world.proposal, by=world.admin)
    proposal_respond(proposal=world.proposal, by=world.company_user, decision="interested")
    proposal_respond(proposal=world.proposal, by=world.university_user, decision="interested")
    Outcome.objects.create(agreement_type="license", amount_yen=1, proposal=world.proposal)
    return world


@pytest.mark.parametrize("model", MODELS)
def test_each_matching_admin_page_opens(client, populated, model):
    client.force_login(populated.admin)
    changelist = client.get(reverse(f"admin:matching_{model}_changelist"))
    assert changelist.status_code == 200
    search = client.get(reverse(f"admin:matching_{model}_changelist"), {"q": "テスト"})
    assert search.status_code == 200


def test_the_proposal_page_opens_with_its_responses(client, populated):
    client.force_login(populated.admin)
    url = reverse("admin:matching_proposal_change", args=[populated.proposal.pk])
    assert client.get(url).status_code == 200


def test_admin_actions_approve_and_suppress_through_the_services(client, world):
    client.force_login(world.admin)
    url = reverse("admin:matching_proposal_changelist")
    response = client.post(
        url, {"action": "approve_selected", "_selected_action": [world.proposal.pk]}
    )
    assert response.status_code == 302
    world.proposal.refresh_from_db()
    assert world.proposal.status == ProposalStatus.APPROVED
    assert world.proposal.reviewed_by == world.admin

    client.post(url, {"action": "suppress_selected", "_selected_action": [world.proposal.pk]})
    world.proposal.refresh_from_db()
    assert world.proposal.status == ProposalStatus.SUPPRESSED
    assert world.proposal.review_note


def test_an_admin_action_refuses_a_transition_the_service_forbids(client, world):
    proposal_approve(proposal=world.proposal, by=world.admin)
    proposal_respond(proposal=world.proposal, by=world.company_user, decision="interested")
    proposal_respond(proposal=world.proposal, by=world.university_user, decision="interested")
    client.force_login(world.admin)
    response = client.post(
        reverse("admin:matching_proposal_changelist"),
        {"action": "suppress_selected", "_selected_action": [world.proposal.pk]},
        follow=True,
    )
    assert response.status_code == 200
    world.proposal.refresh_from_db()
    assert world.proposal.status == ProposalStatus.INTRODUCED
    assert f"#{world.proposal.pk}" in response.content.decode()
