"""Offline ranking metrics of CATALOG.md: nDCG@k (gain 2^g − 1, discount log2(rank + 1)),
recall@k and MRR, each averaged over the queries of a gold file."""

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


def evaluate_rankings(
    rankings: Mapping[str, Mapping[str, Sequence[str]]],
    gold: Mapping[str, Mapping[str, Mapping[str, float]]],
    org_of_seed: Mapping[str, str],
) -> dict[str, float]:
    """The metrics object `evaluate_matching` prints, from a rankings file and a gold file.

    A gold query missing from the rankings counts as an empty ranking (score 0), so a matcher
    cannot improve its figures by dropping hard queries.
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
    }
