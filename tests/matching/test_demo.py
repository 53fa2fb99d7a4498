"""`make run` loads the demo: matched data with something for each demo user to look at."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from matching.models import Proposal
from matching.models.results import ProposalStatus

pytestmark = pytest.mark.django_db


def test_demo_load_matches_and_shows_the_demo_company_one_approved_proposal_per_need(
    settings, capsys
):
    call_command("load_demo")
    call_command("load_demo")  # a second run approves nothing more
    out = capsys.readouterr().out
    assert "demo coordinator approved 0 proposals" in out
    approved = Proposal.objects.filter(
        status=ProposalStatus.APPROVED, need__organization__key="demo-c-asahi"
    )
    demo_needs = Proposal.objects.filter(need__organization__key="demo-c-asahi").values("need")
    assert approved.count() == demo_needs.distinct().count() > 0
    assert Proposal.objects.filter(status=ProposalStatus.PROPOSED).exists()
