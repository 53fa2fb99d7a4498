"""Offline metrics of CATALOG.md: nDCG@k (gain 2^g − 1, discount log2(rank + 1)), recall@k and
MRR, each averaged over the queries of a gold file; and the proposal metrics (how many
proposals are worth reading, how many strong pairs are proposed, proposals for needs no seed
serves)."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence


def dcg(grades: Sequence[float], k: int) -> float:
    return sum((2.0**g - 1.0) / math.log2(i + 2) for i, g in enumerate(grades[:k]))


def ndcg_at_k(ranked: Sequence[str], gold: Mapping[str, float], k: int) -> float:
    """nDCG@k of one ranking against graded relevance (unlisted items have grade 0)."""
    ideal = dcg(sorted(gold.values(), reverse=True), k)
    if ideal <= 0:
        return 0.0
    return dcg([gold.get(item, 0) for item in ranked[:k]], k) / ideal


def recall_at_k(ranked: Sequence[str], gold: Mapping[str, float], k: int) -> float:
    relevant = {item for item, grade in gold.items() if grade >= 1}
    if not relevant:
        return 0.0
    return len(relevant.intersection(ranked[:k])) / len(relevant)


def reciprocal_rank(ranked: Sequence[str], gold: Mapping[str, float]) -> float:
    for i, item in enumerate(ranked):
        if gold.get(item, 0) >= 1:
            return 1.0 / (i + 1)
    return 0.0


def mean(values: Sequence[float]) -> float:
    return sum(values) / len(values) if values else 0.0


def org_grades(
    seed_grades: Mapping[str, float], org_of_seed: Mapping[str, str]
) -> dict[str, float]:
    """An organisation's grade for a need is the best grade among its seeds."""
    out: dict[str, float] = {}
    for seed, grade in seed_grades.items():
        org = org_of_seed.get(seed)
        if org is not None:
            out[org] = max(out.get(org, 0), grade)
    return out


def proposal_metrics(
    proposals: Mapping[str, Sequence[str]],
    need_seed: Mapping[str, Mapping[str, float]],
    no_match: Sequence[str] = (),
) -> dict[str, float]:
    """`proposal_precision`: over the proposals made for needs in `need_seed`, the share whose
    seed has grade >= 1 (1.0 when none was made: nothing unreadable was sent);
    `proposal_recall`: the share of grade-2 pairs proposed (1.0 when the gold has none);
    `no_match_proposals`: proposals made for the `no_match` needs."""
    made = relevant = 0
    for need, grades in need_seed.items():
        for seed in proposals.get(need, []):
            made += 1
            relevant += grades.get(seed, 0) >= 1
    strong = [(n, s) for n, grades in need_seed.items() for s, g in grades.items() if g >= 2]
    found = sum(1 for n, s in strong if s in proposals.get(n, []))
    return {
        "proposal_precision": round(relevant / made, 4) if made else 1.0,
        "proposal_recall": round(found / len(strong), 4) if strong else 1.0,
        "no_match_proposals": sum(len(proposals.get(n, [])) for n in no_match),
    }


def evaluate_rankings(
    rankings: Mapping[str, Mapping[str, Sequence[str]]],
    gold: Mapping[str, Mapping[str, Mapping[str, float]]],
    org_of_seed: Mapping[str, str],
) -> dict[str, float]:
    """The metrics object `evaluate_matching` prints, from a rankings file and a gold file.

    A gold query missing from the rankings counts as an empty ranking (score 0), so a matcher
    cannot improve its figures by dropping hard queries. A need missing from `proposals`
    counts as one without proposals.
    """
    need_seed = gold.get("need_seed", {})
    seed_rank = rankings.get("need_seed", {})
    org_rank = rankings.get("need_organization", {})
    ndcg10, recall10, mrr, org5 = [], [], [], []
    for need, grades in need_seed.items():
        ranked = list(seed_rank.get(need, []))
        ndcg10.append(ndcg_at_k(ranked, grades, 10))
        recall10.append(recall_at_k(ranked, grades, 10))
        mrr.append(reciprocal_rank(ranked, grades))
        org5.append(ndcg_at_k(list(org_rank.get(need, [])), org_grades(grades, org_of_seed), 5))
    partner = [
        ndcg_at_k(list(rankings.get("company_partner", {}).get(company, [])), grades, 3)
        for company, grades in gold.get("company_partner", {}).items()
    ]
    investor = [
        ndcg_at_k(list(rankings.get("venture_investor", {}).get(venture, [])), grades, 3)
        for venture, grades in gold.get("venture_investor", {}).items()
    ]
    return {
        "seed_ndcg@10": round(mean(ndcg10), 4),
        "seed_recall@10": round(mean(recall10), 4),
        "seed_mrr": round(mean(mrr), 4),
        "org_ndcg@5": round(mean(org5), 4),
        "partner_ndcg@3": round(mean(partner), 4),
        "investor_ndcg@3": round(mean(investor), 4),
    } | proposal_metrics(rankings.get("proposals", {}), need_seed, gold.get("no_match", []))
