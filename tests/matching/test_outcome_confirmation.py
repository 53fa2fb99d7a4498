"""Issue 14: an outcome recorded by one party is pending until the other party confirms it
(or a coordinator resolves a dispute); only confirmed outcomes count in /kpi/ and its CSV,
and one agreement counts once whoever recorded it."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from matching.models import Outcome
from matching.models.feedback import OutcomeStatus
from matching.outcomes import kpi_csv, kpi_figures
from matching.services.agreements import (
    outcome_confirm,
    outcome_dispute,
    outcome_record,
    outcome_resolve,
)
from matching.services.proposals import proposal_approve, proposal_respond
from notifications.kinds import Kind
from notifications.models import Notification

pytestmark = pytest.mark.django_db

LICENCE = {"agreement_type": "license", "amount_yen": 3_000_000, "fiscal_year": 2026}


@pytest.fixture
def introduced(world):
    proposal_approve(proposal=world.proposal, by=world.admin)
    proposal_respond(proposal=world.proposal, by=world.company_user, decision="interested")
    proposal_respond(proposal=world.proposal, by=world.university_user, decision="interested")
    world.proposal.refresh_from_db()
    return world


def licences(*, suppress=False) -> int | None:
    return {r.code: r for r in kpi_figures(suppress=suppress)}["licenses"].total


def test_an_outcome_is_pending_until_the_other_party_confirms_it(introduced):
    w = introduced
    outcome = outcome_record(proposal=w.proposal, by=w.company_user, **LICENCE)
    assert outcome.status == OutcomeStatus.PENDING and outcome.recorded_side == "company"
    assert licences() == 0
    told = Notification.objects.get(kind=Kind.OUTCOME_PENDING)
    assert told.recipient == w.university_user and told.url == reverse("outcome_list")
    with pytest.raises(PermissionDenied):  # the recording side cannot confirm its own claim
        outcome_confirm(outcome=outcome, by=w.company_user)
    with pytest.raises(PermissionDenied):  # nor can a third party
        outcome_confirm(outcome=outcome, by=w.other_user)
    outcome_confirm(outcome=outcome, by=w.university_user)
    outcome.refresh_from_db()
    assert outcome.status == OutcomeStatus.CONFIRMED and outcome.confirmed_by == w.university_user
    assert licences() == 1
    with pytest.raises(ValidationError):
        outcome_confirm(outcome=outcome, by=w.university_user)


def test_the_same_agreement_recorded_by_both_parties_counts_once(introduced):
    w = introduced
    first = outcome_record(proposal=w.proposal, by=w.company_user, **LICENCE)
    second = outcome_record(proposal=w.proposal, by=w.university_user, **LICENCE)
    assert second.pk == first.pk and Outcome.objects.count() == 1
    first.refresh_from_db()
    assert first.status == OutcomeStatus.CONFIRMED
    assert licences() == 1
    rows = list(csv.DictReader(io.StringIO(kpi_csv(kpi_figures(suppress=False)))))
    assert {r["code"]: r["platform_total"] for r in rows}["licenses"] == "1"
    # Recording it once more (either side) is refused: it is already there.
    for user in (w.company_user, w.university_user):
        with pytest.raises(ValidationError, match="すでに記録されています"):
            outcome_record(proposal=w.proposal, by=user, **LICENCE)
    assert licences() == 1 and Outcome.objects.count() == 1


def test_other_figures_for_the_same_agreement_are_refused_with_what_to_do(introduced):
    w = introduced
    outcome_record(proposal=w.proposal, by=w.company_user, **LICENCE)
    with pytest.raises(ValidationError, match="異議を申し立てて"):
        outcome_record(
            proposal=w.proposal, by=w.university_user, **{**LICENCE, "amount_yen": 9_000_000}
        )
    assert Outcome.objects.count() == 1 and licences() == 0


def test_a_dispute_goes_to_a_coordinator_whose_decision_settles_the_count(introduced, client):
    w = introduced
    outcome = outcome_record(proposal=w.proposal, by=w.university_user, **LICENCE)
    with pytest.raises(ValidationError):  # a dispute needs its reason
        outcome_dispute(outcome=outcome, by=w.company_user, note="  ")
    client.force_login(w.company_user)
    html = client.get(reverse("introduction", args=[w.proposal.pk])).content.decode()
    assert 'data-testid="outcome-confirm"' in html
    client.post(reverse("outcome_action", args=[outcome.pk, "dispute"]), {"note": "金額が違います"})
    outcome.refresh_from_db()
    assert outcome.status == OutcomeStatus.DISPUTED and outcome.dispute_note == "金額が違います"
    assert Notification.objects.filter(kind=Kind.OUTCOME_DISPUTED, recipient=w.admin).exists()
    assert licences() == 0
    with pytest.raises(PermissionDenied):
        outcome_resolve(outcome=outcome, by=w.company_user, decision="confirm")
    client.force_login(w.admin)
    html = client.get(reverse("console_outcomes")).content.decode()
    assert f'data-outcome="{outcome.pk}"' in html
    client.post(reverse("console_outcomes"), {"outcome": outcome.pk, "decision": "reject"})
    outcome.refresh_from_db()
    assert outcome.status == OutcomeStatus.REJECTED and licences() == 0
    # A rejected record does not block recording the agreement correctly.
    fixed = outcome_record(
        proposal=w.proposal, by=w.company_user, **{**LICENCE, "amount_yen": 2_000_000}
    )
    outcome_confirm(outcome=fixed, by=w.university_user)
    assert licences() == 1
    with pytest.raises(ValidationError):
        outcome_resolve(outcome=fixed, by=w.admin, decision="confirm")  # already confirmed
    with pytest.raises(ValidationError):
        outcome_resolve(outcome=outcome, by=w.admin, decision="maybe")


def test_the_outcome_pages_are_scoped_to_the_parties(introduced, client):
    w = introduced
    outcome = outcome_record(proposal=w.proposal, by=w.company_user, **LICENCE)
    client.force_login(w.other_user)
    assert (
        f'data-outcome="{outcome.pk}"' not in client.get(reverse("outcome_list")).content.decode()
    )
    assert client.post(reverse("outcome_action", args=[outcome.pk, "confirm"])).status_code == 404
    client.force_login(w.university_user)
    assert f'data-outcome="{outcome.pk}"' in client.get(reverse("outcome_list")).content.decode()
    assert client.post(reverse("outcome_action", args=[outcome.pk, "sing"])).status_code == 404
    assert client.get(reverse("console_outcomes")).status_code == 403
    outcome.refresh_from_db()
    assert outcome.status == OutcomeStatus.PENDING
