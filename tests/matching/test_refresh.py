"""Matching runs against the database (hashing embedder for speed): what match_all writes,
idempotent tasks, capacity, the proposal lifecycle boundary, privacy of explanations, and
model isolation."""

from __future__ import annotations

import io
import json

import numpy as np
import pytest
from django.core.management import call_command

from matching.models import (
    EmbeddingVector,
    EvaluationResult,
    InvestorMatch,
    MatchRun,
    MatchScore,
    OrganizationRanking,
    PartnershipProposal,
    Proposal,
)
from matching.models.results import ProposalStatus
from matching.services.embedding import get_embedder, vectors_load
from matching.services.evaluation import rankings_export
from matching.services.refresh import match_all, subject_refresh
from matching.tasks import embed_subject, refresh_matches_for
from profiles.choices import OrgKind, PublicationStatus
from tests.factories import make_investor, make_need, make_org, make_seed, make_venture

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("hashing_embedder")]

SECRET = "極秘配合比ZX-9000社外秘"

BATTERY = "全固体電池 固体電解質 リチウムイオン伝導 硫化物 電池材料 界面抵抗"
FOOD = "米粉パン グルテンフリー 食感 製パン 澱粉 老化抑制 食品加工"
QUAKE = "免震 住宅 耐震 木造 構造設計 ダンパ 地震"


@pytest.fixture
def catalog():
    north = make_org(kind=OrgKind.UNIVERSITY, prefecture="青森県", region="tohoku")
    tokyo = make_org(kind=OrgKind.UNIVERSITY)
    company = make_org(kind=OrgKind.COMPANY)
    seeds = {
        "battery": make_seed(
            org=north,
            title="硫化物系全固体電池の固体電解質",
            summary=BATTERY,
            keywords=["全固体電池", "固体電解質"],
            confidential_details=SECRET + " 全固体電池 固体電解質",
        ),
        "food": make_seed(org=tokyo, title="米粉パンの食感改良", summary=FOOD, keywords=["米粉"]),
        "quake": make_seed(org=tokyo, title="戸建て住宅の免震", summary=QUAKE, keywords=["免震"]),
    }
    needs = {
        "battery": make_need(
            org=company,
            title="車載用全固体電池の固体電解質",
            description=BATTERY,
            keywords=["全固体電池"],
            confidential_details=SECRET + " 固体電解質 量産",
        ),
        "food": make_need(org=company, title="グルテンフリー米粉パン", description=FOOD),
    }
    venture = make_venture(org=north, summary="全固体電池の固体電解質を事業化する。")
    venture.seeds.add(seeds["battery"])
    investor = make_investor(thesis="電池材料とエネルギー分野の大学発ベンチャーに投資する。")
    return {
        "seeds": seeds,
        "needs": needs,
        "company": company,
        "venture": venture,
        "investor": investor,
    }


def test_match_all_sync_writes_every_level_of_results(catalog):
    run = match_all(sync=True)

    assert run.status == MatchRun.Status.DONE and run.done_chunks == run.total_chunks >= 1
    need = catalog["needs"]["battery"]
    top = MatchScore.objects.filter(need=need).order_by("rank").first()
    assert top.seed == catalog["seeds"]["battery"] and top.model_id == get_embedder().model_id
    assert OrganizationRanking.objects.filter(need=need, rank=1).get().organization_id == (
        catalog["seeds"]["battery"].organization_id
    )
    assert Proposal.objects.filter(need=need, seed=catalog["seeds"]["battery"]).exists()
    assert PartnershipProposal.objects.filter(company=catalog["company"]).exists()
    assert InvestorMatch.objects.filter(venture=catalog["venture"], rank=1).exists()


def test_duplicate_delivery_of_a_task_leaves_one_proposal(catalog):
    need, seed = catalog["needs"]["battery"], catalog["seeds"]["battery"]
    for kind, obj in (("seed", s) for s in catalog["seeds"].values()):
        embed_subject(kind, obj.id)
    embed_subject("need", need.id)
    embed_subject("need", need.id)  # the same message delivered twice
    refresh_matches_for("need", need.id)
    refresh_matches_for("need", need.id)

    assert Proposal.objects.filter(need=need, seed=seed).count() == 1
    assert MatchScore.objects.filter(need=need, seed=seed).count() == 1
    assert EmbeddingVector.objects.filter(kind="need", object_id=need.id).count() == 1


def test_proposals_respect_each_seeds_capacity(catalog, settings):
    settings.MATCHING_PROPOSALS_PER_NEED = 1
    seed = catalog["seeds"]["battery"]
    seed.capacity = 1
    seed.save()
    extra = [
        make_need(org=catalog["company"], title=f"全固体電池の固体電解質 {i}", description=BATTERY)
        for i in range(3)
    ]

    match_all(sync=True)

    assert Proposal.objects.filter(seed=seed).count() == 1
    # Every battery need still got a proposal (another seed), none got two.
    for need in [catalog["needs"]["battery"], *extra]:
        assert Proposal.objects.filter(need=need).count() == 1


def test_matcher_never_touches_a_proposal_past_proposed(catalog):
    match_all(sync=True)
    need, seed = catalog["needs"]["battery"], catalog["seeds"]["battery"]
    approved = Proposal.objects.get(need=need, seed=seed)
    Proposal.objects.filter(pk=approved.pk).update(status=ProposalStatus.APPROVED, score=-1.0)
    suppressed = Proposal.objects.exclude(pk=approved.pk).first()
    Proposal.objects.filter(pk=suppressed.pk).update(status=ProposalStatus.SUPPRESSED)

    match_all(sync=True)

    approved.refresh_from_db()
    assert approved.status == ProposalStatus.APPROVED and approved.score == -1.0
    assert Proposal.objects.get(pk=suppressed.pk).status == ProposalStatus.SUPPRESSED
    assert Proposal.objects.filter(need=suppressed.need, seed=suppressed.seed).count() == 1


def test_explanations_never_contain_another_organisations_confidential_text(catalog):
    match_all(sync=True)

    stored = [
        *Proposal.objects.values_list("explanation", "signals"),
        *PartnershipProposal.objects.values_list("evidence", "signals"),
        *MatchScore.objects.values_list("signals", flat=True),
        *OrganizationRanking.objects.values_list("signals", flat=True),
        *InvestorMatch.objects.values_list("signals", flat=True),
    ]
    dumped = json.dumps(stored, ensure_ascii=False) + json.dumps(
        rankings_export(), ensure_ascii=False
    )
    assert Proposal.objects.exists() and PartnershipProposal.objects.exists()
    assert "ZX-9000" not in dumped and "極秘" not in dumped and "量産" not in dumped
    explanation = Proposal.objects.get(
        need=catalog["needs"]["battery"], seed=catalog["seeds"]["battery"]
    ).explanation
    assert explanation["shared_terms"]  # the public texts do share terms
    assert set(explanation["signals"]) >= {"semantic", "mode", "trl"}


def test_rankings_never_mix_vectors_of_two_models(catalog):
    seed = catalog["seeds"]["battery"]
    EmbeddingVector.objects.create(
        kind="seed",
        object_id=seed.id,
        model_id="another-model",
        content_hash="x",
        dim=3,
        vector=np.ones(3, dtype="<f4").tobytes(),
    )
    match_all(sync=True)

    active = get_embedder().model_id
    assert set(MatchScore.objects.values_list("model_id", flat=True)) == {active}
    assert vectors_load(kind="seed", ids=[seed.id])[seed.id].shape[0] == get_embedder().dim


def test_archived_seed_loses_its_open_proposals_and_scores(catalog):
    match_all(sync=True)
    seed = catalog["seeds"]["battery"]
    assert Proposal.objects.filter(seed=seed).exists()
    seed.status = PublicationStatus.ARCHIVED
    seed.save()

    subject_refresh(kind="seed", object_id=seed.id)

    assert not Proposal.objects.filter(seed=seed, status=ProposalStatus.PROPOSED).exists()
    assert not MatchScore.objects.filter(seed=seed).exists()


def test_match_all_without_sync_runs_the_chunked_tasks_in_process_without_a_broker(
    catalog, settings, django_capture_on_commit_callbacks
):
    settings.MATCHING_CHUNK_SIZE = 1
    with django_capture_on_commit_callbacks(execute=True):
        run = match_all(sync=False)

    run.refresh_from_db()
    assert run.status == MatchRun.Status.DONE
    assert run.total_chunks == 2 and run.done_chunks == 2
    assert Proposal.objects.filter(need=catalog["needs"]["food"]).exists()


def test_export_rankings_and_evaluate_matching_follow_the_catalog_formats(catalog, tmp_path):
    match_all(sync=True)
    out = tmp_path / "rankings.json"
    call_command("export_rankings", str(out), stdout=io.StringIO())
    rankings = json.loads(out.read_text(encoding="utf-8"))
    need_key = catalog["needs"]["battery"].key
    assert rankings["need_seed"][need_key][0] == catalog["seeds"]["battery"].key
    assert set(rankings) == {
        "need_seed",
        "need_organization",
        "company_partner",
        "venture_investor",
        "proposals",
    }
    assert catalog["company"].key in rankings["company_partner"]
    # Every need appears in `proposals` (an empty list where none was made), best first.
    assert set(rankings["proposals"]) == set(rankings["need_seed"])
    proposed = list(
        Proposal.objects.filter(need=catalog["needs"]["battery"])
        .order_by("-score", "id")
        .values_list("seed__key", flat=True)
    )
    assert rankings["proposals"][need_key] == proposed and proposed

    gold = tmp_path / "gold.json"
    gold.write_text(
        json.dumps(
            {
                "format": "gold/1",
                "need_seed": {need_key: {catalog["seeds"]["battery"].key: 2}},
                "company_partner": {
                    catalog["company"].key: {catalog["seeds"]["battery"].organization.key: 2}
                },
                "venture_investor": {
                    catalog["venture"].key: {catalog["investor"].organization.key: 2}
                },
            }
        )
    )
    stdout = io.StringIO()
    call_command("evaluate_matching", str(gold), stdout=stdout)
    metrics = json.loads(stdout.getvalue().strip().splitlines()[-1])
    assert list(metrics) == [
        "seed_ndcg@10",
        "seed_recall@10",
        "seed_mrr",
        "org_ndcg@5",
        "partner_ndcg@3",
        "investor_ndcg@3",
        "proposal_precision",
        "proposal_recall",
        "no_match_proposals",
    ]
    assert metrics["seed_ndcg@10"] == 1.0 and metrics["investor_ndcg@3"] == 1.0
    assert metrics["proposal_recall"] == 1.0  # the one grade-2 pair is proposed
    assert metrics["no_match_proposals"] == 0
    assert EvaluationResult.objects.filter(gold_name="gold.json").exists()
