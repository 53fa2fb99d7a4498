"""The relevance floor against the database (hashing embedder, the topic corpus of
tests/factories.py with the calibration the tests store for it): proposals only above the
floor, "no good match yet" with weak matches a company can ask about, what the coordinator and
IP offices see, partnership evidence, the CATALOG commands and the fitting command."""

from __future__ import annotations

import io
import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from matching import coverage
from matching.models import (
    MatchScore,
    PartnershipProposal,
    Proposal,
    RelevanceCalibration,
)
from matching.models.results import ProposalStatus
from matching.services.embedding import get_embedder
from matching.services.proposals import proposal_approve, proposal_request
from matching.services.refresh import match_all, proposals_assign
from profiles.choices import OrgKind
from tests.factories import (
    make_admin,
    make_need,
    make_org,
    make_topic_world,
    make_user,
    store_hashing_calibration,
    topic_text,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("hashing_embedder")]


@pytest.fixture
def world():
    return make_topic_world()


@pytest.fixture
def calibrated(world):
    store_hashing_calibration()
    match_all(sync=True)
    return world


def test_a_need_with_nothing_relevant_gets_no_proposal_and_the_no_match_state(calibrated):
    w = calibrated
    served = list(Proposal.objects.filter(need=w["served"]).values_list("seed__key", flat=True))
    assert served and served[0] == "topic-seed-0"
    assert all(
        p.relevance >= 0.4 for p in Proposal.objects.filter(need=w["served"])
    )  # 0, 1, 2 or 3 proposals, each above the floor
    assert not Proposal.objects.filter(need__in=[w["unserved"], w["anonymous"]]).exists()
    assert MatchScore.objects.filter(need=w["unserved"], relevance__isnull=True).count() == 0
    user = make_user(org=w["company"])
    state = coverage.need_matches(user=user, need=w["unserved"])
    assert state.state == "no_match" and not state.shown and state.pending == 0
    assert len(state.weak) == 3 and all(row["relevance"] < 0.4 for row in state.weak)
    assert coverage.need_matches(user=user, need=w["served"]).state == "covered"


def test_without_a_calibration_the_matcher_fills_every_need_as_before(world):
    assert RelevanceCalibration.objects.count() == 0
    match_all(sync=True)
    assert Proposal.objects.filter(need=world["unserved"]).count() == 3
    assert MatchScore.objects.filter(relevance__isnull=False).count() == 0


def test_the_company_sees_no_good_match_yet_and_can_ask_about_a_weak_match(calibrated, client):
    w = calibrated
    user = make_user(org=w["company"])
    client.force_login(user)
    url = reverse("need_matches", args=[w["unserved"].pk])
    html = client.get(url).content.decode()
    assert 'data-testid="no-match"' in html and 'data-testid="weak-matches"' in html
    weak = coverage.need_matches(user=user, need=w["unserved"]).weak[0]["seed"]
    response = client.post(url, {"seed": weak.pk})
    assert response.status_code == 302
    request = Proposal.objects.get(need=w["unserved"], seed=weak)
    assert request.status == ProposalStatus.PROPOSED and request.requested_by == user
    assert request.requested_at is not None and request.relevance < 0.4
    assert "defaults" in request.explanation
    # It waits in the coordinator's queue, marked as the company's question.
    admin = make_admin()
    client.force_login(admin)
    queue = client.get(reverse("console_queue")).content.decode()
    assert f'data-proposal="{request.pk}"' in queue and 'data-testid="requested"' in queue
    # The matcher never removes it, and it does not count as a good match.
    proposals_assign()
    assert Proposal.objects.filter(pk=request.pk).exists()
    assert coverage.need_matches(user=user, need=w["unserved"]).state == "no_match"
    # Asking twice, or about a seed that is not among the need's candidates, is refused.
    client.force_login(user)
    client.post(url, {"seed": weak.pk})
    assert Proposal.objects.filter(need=w["unserved"], seed=weak).count() == 1
    with pytest.raises(ValidationError, match="問い合わせ済み"):
        proposal_request(need=w["unserved"], seed=weak, by=user)
    # Once a coordinator lets it through, the need is covered.
    proposal_approve(proposal=request, by=admin)
    assert coverage.need_matches(user=user, need=w["unserved"]).state == "covered"


def test_another_company_can_neither_see_nor_ask_about_a_need(calibrated, client):
    w = calibrated
    other = make_user(org=make_org(kind=OrgKind.COMPANY))
    client.force_login(other)
    url = reverse("need_matches", args=[w["unserved"].pk])
    assert client.get(url).status_code == 404
    seed = w["seeds"][1]
    assert client.post(url, {"seed": seed.pk}).status_code == 404
    client.force_login(make_user(org=w["north"]))
    assert client.get(url).status_code == 403
    assert not Proposal.objects.filter(need=w["unserved"]).exists()
    with pytest.raises(PermissionDenied):  # the service guards it too
        proposal_request(need=w["unserved"], seed=seed, by=other)


def test_the_coordinator_sees_uncovered_needs_by_field_and_region(calibrated, client):
    w = calibrated
    keys = set(coverage.uncovered_needs().values_list("key", flat=True))
    assert keys == {"need-unserved", "need-anonymous"}
    table = coverage.coverage_table(coverage.uncovered_needs())
    assert table.total == 2 and table.by_field == {"材料": 2}
    assert table.by_region == {"kinki": 1, "chubu": 1}
    client.force_login(make_admin())
    html = client.get(reverse("console_uncovered")).content.decode()
    assert 'data-testid="uncovered-table"' in html
    assert 'data-need-key="need-unserved"' in html and 'data-need-key="need-served"' not in html
    assert "秘密工業株式会社" in html  # coordinators know every company
    filtered = client.get(reverse("console_uncovered"), {"region": "kinki"}).content.decode()
    assert 'data-need-key="need-unserved"' in filtered
    assert 'data-need-key="need-anonymous"' not in filtered
    client.force_login(make_user(org=w["company"]))
    assert client.get(reverse("console_uncovered")).status_code == 403


def test_unmet_needs_show_an_ip_office_its_fields_and_hide_anonymous_companies(calibrated, client):
    w = calibrated
    office = make_user(org=w["north"])
    client.force_login(office)
    html = client.get(reverse("unmet_needs")).content.decode()
    assert f'data-need="{w["unserved"].public_id}"' in html
    assert f'data-need="{w["anonymous"].public_id}"' in html
    assert f'data-need="{w["served"].public_id}"' not in html  # a seed serves it well
    assert "未来電機株式会社" in html  # a named need names its company
    # The anonymous need: neither its company's name, key nor region, nor its own key or id.
    hidden = w["hidden"]
    assert hidden.name not in html and hidden.key not in html and "中部" not in html
    assert w["anonymous"].key not in html and f'"{w["anonymous"].pk}"' not in html
    assert html.count('data-testid="unmet-anonymous"') == 1
    # Another field than the office's: nothing, unless it asks for every field.
    food = make_org(kind=OrgKind.UNIVERSITY)
    from tests.factories import make_seed

    make_seed(org=food, field="食品", summary=topic_text(300))
    client.force_login(make_user(org=food))
    assert 'data-testid="unmet-empty"' in client.get(reverse("unmet_needs")).content.decode()
    everything = client.get(reverse("unmet_needs"), {"field": "all"}).content.decode()
    assert f'data-need="{w["anonymous"].public_id}"' in everything
    assert hidden.name not in everything
    client.force_login(make_user(org=w["company"]))
    assert client.get(reverse("unmet_needs")).status_code == 403


def test_the_company_itself_and_coordinators_see_its_anonymous_need_named(calibrated):
    w = calibrated
    rows = coverage.unmet_need_rows(
        user=make_user(org=w["hidden"]), needs=coverage.unmet_needs(fields=None)
    )
    named = {r["ref"]: r["company"] for r in rows}
    assert named[str(w["anonymous"].public_id)]["name"] == "秘密工業株式会社"
    rows = coverage.unmet_need_rows(
        user=make_user(org=w["north"]), needs=coverage.unmet_needs(fields=None)
    )
    row = next(r for r in rows if r["ref"] == str(w["anonymous"].public_id))
    assert row["company"] is None and row["anonymous"]
    assert not {"need", "organization", "id", "key"} & set(row)  # nothing to leak from


def test_partnership_evidence_lists_only_links_above_the_floor(calibrated):
    w = calibrated
    company_pp = PartnershipProposal.objects.filter(company=w["company"])
    assert company_pp.exists()
    relevance = dict(
        MatchScore.objects.filter(need__organization=w["company"]).values_list(
            "seed_id", "relevance"
        )
    )
    links = [link for pp in company_pp for link in pp.evidence]
    assert links and all(link["relevance"] >= 0.4 for link in links)
    assert {link["seed_id"] for link in links} <= {s for s, r in relevance.items() if r >= 0.4}
    # The university of the unserved need's closest seeds still ranks, without evidence.
    assert any(not pp.evidence for pp in company_pp)


def test_catalog_commands_report_proposals_and_no_match(calibrated, tmp_path):
    w = calibrated
    out = tmp_path / "rankings.json"
    call_command("export_rankings", str(out), stdout=io.StringIO())
    rankings = json.loads(out.read_text(encoding="utf-8"))
    assert rankings["proposals"]["need-unserved"] == []
    assert rankings["proposals"]["need-served"][0] == "topic-seed-0"
    gold = tmp_path / "gold.json"
    gold.write_text(
        json.dumps(
            {
                "format": "gold/1",
                "need_seed": {"need-served": {"topic-seed-0": 2}},
                "no_match": ["need-unserved", "need-anonymous"],
            }
        )
    )
    stdout = io.StringIO()
    call_command("evaluate_matching", str(gold), stdout=stdout)
    metrics = json.loads(stdout.getvalue().strip().splitlines()[-1])
    assert metrics["no_match_proposals"] == 0 and metrics["proposal_recall"] == 1.0
    served = Proposal.objects.filter(need=w["served"]).count()
    assert metrics["proposal_precision"] == round(1 / served, 4)


def test_fit_relevance_fits_leave_one_company_out_and_stores_with_the_model_id(world, tmp_path):
    w = world
    companies = [make_org(kind=OrgKind.COMPANY) for _ in range(3)]
    need_seed = {}
    for c, topics in zip(companies, [(0, 2), (4, 6), (8, 10)], strict=True):
        for t in topics:
            need = make_need(org=c, key=f"fit-{t}", description=topic_text(t), keywords=[])
            need_seed[need.key] = {f"topic-seed-{t}": 2}
    match_all(sync=True)
    gold = tmp_path / "gold.json"
    gold.write_text(
        json.dumps({"format": "gold/1", "need_seed": need_seed, "no_match": ["need-unserved"]})
    )
    stdout = io.StringIO()
    call_command("fit_relevance", str(gold), stdout=stdout)
    summary = json.loads(stdout.getvalue().strip().splitlines()[-1])
    row = RelevanceCalibration.objects.get()
    assert row.model_id == get_embedder().model_id == summary["model_id"]
    assert row.slope > 0 and row.source == "gold.json"
    assert {"in_sample", "held_out", "curve", "folds"} <= set(row.report)
    assert len(row.report["folds"]) == 4  # three companies and the no-match company
    assert summary["held_out"]["no_match_proposals"] == 0
    assert MatchScore.objects.filter(relevance__isnull=True).count() == 0  # applied
    assert w["served"].match_scores.order_by("rank").first().relevance > 0.5


def test_fit_relevance_refuses_a_bad_gold_file_and_stores_nothing(world, tmp_path):
    match_all(sync=True)
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "catalog/1"}')
    with pytest.raises(CommandError, match="not a gold file"):
        call_command("fit_relevance", str(bad), stdout=io.StringIO())
    one_company = tmp_path / "one.json"
    one_company.write_text(
        json.dumps({"format": "gold/1", "need_seed": {"need-served": {"topic-seed-0": 2}}})
    )
    with pytest.raises(CommandError, match="at least two companies"):
        call_command("fit_relevance", str(one_company), stdout=io.StringIO())
    assert not RelevanceCalibration.objects.exists()


def test_a_platform_with_too_few_seeds_is_matched_without_the_floor(settings):
    """Over n seeds no z-score exceeds sqrt(n - 1): below MATCHING_RELEVANCE_MIN_SEEDS the
    calibration is not used, so a new platform still gets its best candidates proposed."""
    w = make_topic_world(seeds=6)
    store_hashing_calibration()
    match_all(sync=True)
    assert settings.MATCHING_RELEVANCE_MIN_SEEDS > 6
    assert not MatchScore.objects.filter(relevance__isnull=False).exists()
    assert Proposal.objects.filter(need=w["unserved"]).exists()
    settings.MATCHING_RELEVANCE_MIN_SEEDS = 6
    match_all(sync=True)
    assert not MatchScore.objects.filter(relevance__isnull=True).exists()
    assert not Proposal.objects.filter(need=w["unserved"]).exists()
