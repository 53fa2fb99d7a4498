"""The proposal lifecycle through the services: review, responses, introduction, outcomes."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from matching import selectors
from matching.models import (
    InvestorMatch,
    Outcome,
    PartnershipProposal,
    Proposal,
    ProposalResponse,
)
from matching.models.results import ProposalStatus
from matching.services.agreements import outcome_record
from matching.services.proposals import (
    partnership_approve,
    partnership_respond,
    partnership_suppress,
    proposal_approve,
    proposal_respond,
    proposal_suppress,
)
from profiles import access
from profiles.choices import OrgKind
from tests.factories import make_investor, make_org, make_user, make_venture

pytestmark = pytest.mark.django_db


def _introduce(world) -> Proposal:
    proposal_approve(proposal=world.proposal, by=world.admin)
    proposal_respond(proposal=world.proposal, by=world.company_user, decision="interested")
    proposal_respond(proposal=world.proposal, by=world.university_user, decision="interested")
    world.proposal.refresh_from_db()
    return world.proposal


def test_full_lifecycle_from_approval_to_introduction_and_outcome(world):
    p = proposal_approve(proposal=world.proposal, by=world.admin, note="良い組合せ")
    assert p.status == ProposalStatus.APPROVED
    assert p.reviewed_by == world.admin and p.reviewed_at is not None
    assert list(selectors.proposals_for(user=world.company_user)) == [world.proposal]
    assert list(selectors.proposals_for(user=world.university_user)) == [world.proposal]

    proposal_respond(proposal=p, by=world.company_user, decision="interested", comment="ぜひ")
    p.refresh_from_db()
    assert p.status == ProposalStatus.APPROVED and p.introduced_at is None

    proposal_respond(proposal=p, by=world.university_user, decision="interested")
    p.refresh_from_db()
    assert p.status == ProposalStatus.INTRODUCED
    assert p.introduced_at is not None
    assert dict(p.responses.values_list("side", "decision")) == {
        "company": "interested",
        "academic": "interested",
    }

    outcome = outcome_record(
        proposal=p,
        by=world.university_user,
        agreement_type="joint_research",
        amount_yen=12_000_000,
        duration_years=2,
        fiscal_year=2026,
    )
    assert outcome.company == world.company and outcome.academic == world.university
    assert outcome.amount_yen == 12_000_000 and outcome.duration_years == 2
    assert Outcome.objects.filter(proposal=p).count() == 1


def test_members_cannot_approve_or_suppress_a_proposal(world):
    with pytest.raises(PermissionDenied):
        proposal_approve(proposal=world.proposal, by=world.company_user)
    with pytest.raises(PermissionDenied):
        proposal_suppress(proposal=world.proposal, by=world.university_user, note="不要")
    world.proposal.refresh_from_db()
    assert world.proposal.status == ProposalStatus.PROPOSED


def test_suppressing_needs_a_note_and_hides_the_proposal_from_both_sides(world):
    with pytest.raises(ValidationError) as exc:
        proposal_suppress(proposal=world.proposal, by=world.admin, note="  ")
    assert "note" in exc.value.message_dict
    proposal_suppress(proposal=world.proposal, by=world.admin, note="分野違い")
    assert not selectors.proposals_for(user=world.company_user).exists()
    assert not selectors.proposals_for(user=world.university_user).exists()
    # A coordinator can change their mind.
    proposal_approve(proposal=world.proposal, by=world.admin)
    assert selectors.proposals_for(user=world.company_user).exists()


def test_a_side_cannot_respond_before_approval(world):
    with pytest.raises(ValidationError) as exc:
        proposal_respond(proposal=world.proposal, by=world.company_user, decision="interested")
    assert "status" in exc.value.message_dict
    assert not ProposalResponse.objects.exists()


def test_a_third_organisation_cannot_respond(world):
    proposal_approve(proposal=world.proposal, by=world.admin)
    with pytest.raises(PermissionDenied):
        proposal_respond(proposal=world.proposal, by=world.other_user, decision="interested")
    with pytest.raises(PermissionDenied):
        proposal_respond(proposal=world.proposal, by=world.admin, decision="interested")


def test_declining_needs_a_reason_from_the_fixed_list(world):
    proposal_approve(proposal=world.proposal, by=world.admin)
    with pytest.raises(ValidationError) as exc:
        proposal_respond(proposal=world.proposal, by=world.company_user, decision="declined")
    assert "reason" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        proposal_respond(
            proposal=world.proposal, by=world.company_user, decision="declined", reason="bored"
        )
    assert "reason" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        proposal_respond(proposal=world.proposal, by=world.company_user, decision="maybe")
    assert "decision" in exc.value.message_dict
    assert not ProposalResponse.objects.exists()

    response = proposal_respond(
        proposal=world.proposal, by=world.company_user, decision="declined", reason="budget"
    )
    assert (response.side, response.decision, response.reason) == ("company", "declined", "budget")


def test_one_decline_closes_the_proposal_at_once_without_introduction(world):
    """Issue 14: a one-sided decline used to leave the proposal approved, holding one of the
    need's slots; nothing can come of it, so it closes at once."""
    proposal_approve(proposal=world.proposal, by=world.admin)
    proposal_respond(
        proposal=world.proposal, by=world.university_user, decision="declined", reason="timing"
    )
    world.proposal.refresh_from_db()
    assert world.proposal.status == ProposalStatus.CLOSED
    assert world.proposal.introduced_at is None
    with pytest.raises(ValidationError):
        proposal_respond(proposal=world.proposal, by=world.company_user, decision="interested")


def test_a_side_can_change_an_interested_answer_until_the_introduction(world):
    proposal_approve(proposal=world.proposal, by=world.admin)
    proposal_respond(proposal=world.proposal, by=world.company_user, decision="interested")
    proposal_respond(proposal=world.proposal, by=world.company_user, decision="interested")
    proposal_respond(
        proposal=world.proposal, by=world.company_user, decision="declined", reason="too_early"
    )
    assert ProposalResponse.objects.filter(proposal=world.proposal).count() == 1
    response = ProposalResponse.objects.get(proposal=world.proposal)
    assert response.decision == "declined" and response.reason == "too_early"
    world.proposal.refresh_from_db()
    assert world.proposal.status == ProposalStatus.CLOSED


def test_outcome_cannot_be_recorded_before_the_introduction(world):
    proposal_approve(proposal=world.proposal, by=world.admin)
    with pytest.raises(ValidationError) as exc:
        outcome_record(proposal=world.proposal, by=world.company_user, agreement_type="license")
    assert "status" in exc.value.message_dict
    assert not Outcome.objects.exists()


def test_only_the_two_parties_record_an_outcome_with_valid_figures(world):
    p = _introduce(world)
    with pytest.raises(PermissionDenied):
        outcome_record(proposal=p, by=world.other_user, agreement_type="license")
    with pytest.raises(ValidationError) as exc:
        outcome_record(proposal=p, by=world.company_user, agreement_type="license", amount_yen=-1)
    assert "amount_yen" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        outcome_record(proposal=p, by=world.company_user, agreement_type="gift")
    assert "agreement_type" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        outcome_record(proposal=p, by=world.company_user, agreement_type="cross_appointment")
    assert "cross_appointment_direction" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        outcome_record(proposal=p, by=world.company_user, agreement_type="license", note="a\x00b")
    assert "note" in exc.value.message_dict
    assert not Outcome.objects.exists()

    outcome = outcome_record(
        proposal=p,
        by=world.company_user,
        agreement_type="cross_appointment",
        cross_appointment_direction="university_to_company",
    )
    assert outcome.cross_appointment_count == 1


def test_confidential_details_open_to_the_two_parties_only_after_introduction(world):
    # Each side owns its own row; before the introduction neither reads the other's.
    assert access.can_see_confidential(user=world.university_user, obj=world.seed)
    assert not access.can_see_confidential(user=world.university_user, obj=world.need)
    for user in (world.company_user, world.other_user):
        assert not access.can_see_confidential(user=user, obj=world.seed)
    _introduce(world)
    assert access.can_see_confidential(user=world.company_user, obj=world.seed)
    assert access.can_see_confidential(user=world.university_user, obj=world.need)
    assert not access.can_see_confidential(user=world.other_user, obj=world.seed)
    assert not access.can_see_confidential(user=world.other_user, obj=world.need)

    intro = selectors.introduction_for(user=world.company_user, proposal=world.proposal)
    assert intro["seed"]["confidential_details"] == world.seed.confidential_details
    assert intro["academic"]["email"] == "tlo@hoppo-u.example.jp"
    assert intro["academic"]["managers"][0]["email"] == world.university_user.email


def test_partnership_lifecycle_mirrors_proposals(world):
    pp = PartnershipProposal.objects.create(
        company=world.company, academic=world.university, score=0.7, rank=1
    )
    with pytest.raises(ValidationError):
        partnership_respond(partnership=pp, by=world.company_user, decision="interested")
    with pytest.raises(PermissionDenied):
        partnership_approve(partnership=pp, by=world.company_user)
    partnership_approve(partnership=pp, by=world.admin)
    assert list(selectors.partnerships_for(user=world.university_user)) == [pp]
    assert not selectors.partnerships_for(user=world.other_user).exists()
    with pytest.raises(PermissionDenied):
        partnership_respond(partnership=pp, by=world.other_user, decision="interested")
    partnership_respond(partnership=pp, by=world.company_user, decision="interested")
    partnership_respond(partnership=pp, by=world.university_user, decision="interested")
    pp.refresh_from_db()
    assert pp.status == ProposalStatus.INTRODUCED and pp.introduced_at is not None
    with pytest.raises(ValidationError):
        partnership_suppress(partnership=pp, by=world.admin, note="遅すぎる")
    outcome = outcome_record(
        partnership=pp,
        by=world.company_user,
        agreement_type="comprehensive_partnership",
        amount_yen=50_000_000,
        duration_years=5,
    )
    assert outcome.academic == world.university and outcome.company == world.company


def test_the_matched_investor_records_an_investment_in_the_venture(world):
    university = make_org(kind=OrgKind.UNIVERSITY)
    venture = make_venture(org=university)
    investor = make_investor()
    investor_user = make_user(org=investor.organization)
    stranger = make_user(org=make_investor().organization)
    InvestorMatch.objects.create(venture=venture, investor=investor, score=0.9, rank=1)
    with pytest.raises(PermissionDenied):
        outcome_record(venture=venture, by=stranger, agreement_type="spinoff_investment")
    with pytest.raises(ValidationError):
        outcome_record(venture=venture, by=investor_user, agreement_type="license")
    outcome = outcome_record(
        venture=venture, by=investor_user, agreement_type="spinoff_investment", amount_yen=3 * 10**8
    )
    assert outcome.academic == university and outcome.company == investor.organization
