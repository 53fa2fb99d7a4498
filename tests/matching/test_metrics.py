"""Admin metrics from live feedback, on constructed feedback with numbers worked out by hand."""

from __future__ import annotations

import datetime as dt

import pytest

from matching.models import EvaluationResult, MatchRun, Proposal, ProposalResponse
from matching.models.results import ProposalStatus
from matching.services.metrics import admin_metrics, feedback_rates, precision_at_k
from profiles.choices import OrgKind, PublicationStatus
from tests.factories import make_need, make_org, make_seed

pytestmark = pytest.mark.django_db

UTC = dt.UTC


def _at(y, m, d, hour=1):
    return dt.datetime(y, m, d, hour, 0, tzinfo=UTC)


@pytest.fixture
def feedback(settings):
    """Five shown proposals (P1–P5), one waiting for review, one suppressed.

    need N1: P1 0.92 (both interested → introduced), P2 0.72 (company declined: budget;
             university interested → closed), P3 0.55 (company interested, university silent)
    need N2: P4 0.85 (no answer), P5 0.33 (both declined: timing / not_aligned → closed)
    Universities: U1 Hokkaido (S1), U2 Kanto (S2, S3), U3 Kyushu (S4: published, never shown),
    U4 Kanto (draft seed only: not counted).
    """
    company = make_org(kind=OrgKind.COMPANY)
    u1 = make_org(kind=OrgKind.UNIVERSITY, prefecture="北海道", region="hokkaido", name="U1")
    u2 = make_org(kind=OrgKind.UNIVERSITY, prefecture="東京都", region="kanto", name="U2")
    u3 = make_org(kind=OrgKind.UNIVERSITY, prefecture="福岡県", region="kyushu_okinawa", name="U3")
    u4 = make_org(kind=OrgKind.RESEARCH_INSTITUTE, prefecture="千葉県", region="kanto", name="U4")
    s1, s2, s3, s4 = (make_seed(org=u) for u in (u1, u2, u2, u3))
    make_seed(org=u4, status=PublicationStatus.DRAFT)
    n1, n2 = make_need(org=company), make_need(org=company)

    def proposal(need, seed, score, status, reviewed_at):
        return Proposal.objects.create(
            need=need, seed=seed, score=score, status=status, reviewed_at=reviewed_at
        )

    def answer(p, side, decision, reason=""):
        ProposalResponse.objects.create(proposal=p, side=side, decision=decision, reason=reason)

    p1 = proposal(n1, s1, 0.92, ProposalStatus.INTRODUCED, _at(2026, 11, 2))  # Mon, week 11-02
    p2 = proposal(n1, s2, 0.72, ProposalStatus.CLOSED, _at(2026, 11, 3))  # Tue, week 11-02
    p3 = proposal(n1, s3, 0.55, ProposalStatus.APPROVED, _at(2026, 11, 10))  # week 11-09
    # 23:30 UTC on 30 November is 08:30 on 1 December in Tokyo: a December proposal.
    proposal(n2, s2, 0.85, ProposalStatus.APPROVED, dt.datetime(2026, 11, 30, 23, 30, tzinfo=UTC))
    p5 = proposal(n2, s1, 0.33, ProposalStatus.CLOSED, _at(2026, 12, 1))
    proposal(n2, s4, 0.95, ProposalStatus.PROPOSED, None)
    suppressed = proposal(n1, s4, 0.60, ProposalStatus.SUPPRESSED, _at(2026, 11, 3))
    answer(p1, "company", "interested")
    answer(p1, "academic", "interested")
    answer(p2, "company", "declined", "budget")
    answer(p2, "academic", "interested")
    answer(p3, "company", "interested")
    answer(p5, "company", "declined", "timing")
    answer(p5, "academic", "declined", "not_aligned")
    # A response left on a proposal that was suppressed afterwards does not count.
    answer(suppressed, "company", "declined", "other")

    EvaluationResult.objects.create(model_id="old", gold_name="dev", metrics={"seed_ndcg@10": 0.5})
    EvaluationResult.objects.create(
        model_id="hashing:char2-3:2048", gold_name="dev_gold.json", metrics={"seed_ndcg@10": 0.97}
    )
    MatchRun.objects.create(model_id="hashing:char2-3:2048", status="done")
    return {"u1": u1, "u2": u2}


def test_interest_and_mutual_interest_rates_count_shown_proposals_only(feedback):
    m = admin_metrics()["feedback"]
    assert m == {
        "shown": 5,
        "responded": 4,
        "interested": 3,
        "mutual": 1,
        "response_rate": 0.8,
        "interest_rate": 0.6,
        "mutual_interest_rate": 0.2,
        "company_interest_rate": 0.4,
        "academic_interest_rate": 0.4,
    }


def test_decline_reasons_are_counted(feedback):
    assert admin_metrics()["decline_reasons"] == {"budget": 1, "not_aligned": 1, "timing": 1}


def test_weekly_and_monthly_series_group_by_tokyo_time(feedback):
    series = admin_metrics()["series"]
    assert series["week"] == [
        {
            "period": "2026-11-02",
            "shown": 2,
            "interested": 2,
            "mutual": 1,
            "interest_rate": 1.0,
            "mutual_interest_rate": 0.5,
        },
        {
            "period": "2026-11-09",
            "shown": 1,
            "interested": 1,
            "mutual": 0,
            "interest_rate": 1.0,
            "mutual_interest_rate": 0.0,
        },
        {
            "period": "2026-11-30",
            "shown": 2,
            "interested": 0,
            "mutual": 0,
            "interest_rate": 0.0,
            "mutual_interest_rate": 0.0,
        },
    ]
    months = {row["period"]: row for row in series["month"]}
    assert list(months) == ["2026-11", "2026-12"]
    assert months["2026-11"]["shown"] == 3 and months["2026-12"]["shown"] == 2
    assert months["2026-11"]["mutual_interest_rate"] == pytest.approx(1 / 3)


def test_precision_at_k_uses_the_company_answers_of_the_best_scored_proposals(feedback):
    by_k = {row["k"]: row for row in admin_metrics()["precision_at_k"]}
    # N1 top1 = P1 (interested) → 1; N2 top1 = P4 (unanswered) → skipped.
    assert by_k[1] == {"k": 1, "needs": 1, "precision": 1.0}
    # N1 top3: P1 ✓, P2 ✗, P3 ✓ → 2/3; N2: P5 ✗ → 0; mean 1/3.
    assert by_k[3]["needs"] == 2 and by_k[3]["precision"] == pytest.approx(1 / 3)
    assert by_k[5]["precision"] == pytest.approx(1 / 3)


def test_score_distribution_bins_interested_and_declined_answers(feedback):
    dist = admin_metrics()["score_distribution"]
    assert dist["edges"] == [round(0.1 * i, 6) for i in range(11)]
    assert dist["interested"] == [0, 0, 0, 0, 0, 1, 0, 1, 0, 2]  # .55, .72, .92 ×2
    assert dist["declined"] == [0, 0, 0, 2, 0, 0, 0, 1, 0, 0]  # .33 ×2, .72
    assert dist["mean_interested"] == pytest.approx((0.92 * 2 + 0.72 + 0.55) / 4)
    assert dist["mean_declined"] == pytest.approx((0.72 + 0.33 * 2) / 3)


def test_exposure_and_coverage_of_universities_by_region(feedback):
    metrics = admin_metrics()
    regions = {row["region"]: row for row in metrics["regions"]}
    assert list(regions) == ["hokkaido", "kanto", "kyushu_okinawa"]
    assert regions["hokkaido"] | {"label": None} == {
        "region": "hokkaido",
        "label": None,
        "shown": 2,
        "exposure_share": 0.4,
        "universities_with_seeds": 1,
        "universities_shown": 1,
        "coverage": 1.0,
    }
    assert (regions["kanto"]["shown"], regions["kanto"]["exposure_share"]) == (3, 0.6)
    assert regions["kanto"]["universities_with_seeds"] == 1  # U4 has a draft seed only
    assert (regions["kyushu_okinawa"]["shown"], regions["kyushu_okinawa"]["coverage"]) == (0, 0.0)
    assert metrics["coverage"] == {
        "universities_with_seeds": 3,
        "universities_shown": 2,
        "coverage": pytest.approx(2 / 3),
    }
    top = metrics["top_exposed"]
    assert [(t["name"], t["shown"], t["share"]) for t in top] == [("U2", 3, 0.6), ("U1", 2, 0.4)]


def test_the_last_offline_evaluation_and_the_configured_model_are_reported(feedback):
    metrics = admin_metrics()
    assert metrics["evaluation"]["gold_name"] == "dev_gold.json"
    assert metrics["evaluation"]["metrics"] == {"seed_ndcg@10": 0.97}
    assert metrics["model"]["embedder"] == "hashing"
    assert metrics["model"]["label"] == "hashing"
    assert metrics["model"]["last_run_model_id"] == "hashing:char2-3:2048"


def test_metrics_of_no_feedback_are_empty_not_errors(db):
    metrics = admin_metrics()
    assert metrics["feedback"]["shown"] == 0
    assert metrics["feedback"]["interest_rate"] is None
    assert metrics["precision_at_k"][0]["precision"] is None
    assert metrics["regions"] == [] and metrics["evaluation"] is None
    assert feedback_rates([])["mutual_interest_rate"] is None
    assert precision_at_k([], k=3) == {"k": 3, "needs": 0, "precision": None}
