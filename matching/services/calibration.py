"""Fitting the calibration of relevance on a gold file, with its held-out figures.

`calibration_fit(gold=…)` ranks every labelled need of the database against every seed (in
memory, with the stored vectors of the active model, exactly as `needs_score` does), takes the
pairs the assignment reads (each need's top `candidates_per_need()`), and

- fits p = sigmoid(a + b·z) on all of them (in-sample) and leave-one-company-out (each
  company's needs predicted by a fit on the other companies'), with AUC and Brier score of
  both, and of isotonic regression on the fused score for comparison;
- runs the real constrained assignment (capacity, exposure) at each floor of a grid with the
  in-sample and with the held-out probabilities, giving the proposal figures of CATALOG.md per
  floor; the plateau where every target holds on the held-out curve gives the suggested
  floor (its low edge + 0.1);
- reports the held-out share of relevant pairs in each band at the floor in force.

Labels: grade >= 1 of `need_seed` is relevant; a need in `no_match` has no relevant seed;
needs in neither are not labelled and only compete for capacity in the assignment.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import numpy as np
from django.conf import settings

from matching.engine.assignment import Candidate, assign
from matching.engine.metrics import proposal_metrics
from matching.engine.relevance import (
    CONFLICT_SIGNALS,
    METHOD,
    Calibration,
    discrimination,
    fit_isotonic,
    fit_platt,
    floor_plateau,
    loco_isotonic,
    loco_platt,
    suggested_floor,
)

from .corpus import Corpus, need_row
from .embedding import get_embedder, matchable, vectors_load
from .refresh.needs import candidates_per_need

# Targets of the proposal figures (issue 11): the plateau of the held-out curve meets them all.
TARGET_PRECISION = 0.90
TARGET_RECALL = 0.95
FLOORS = [round(float(f), 2) for f in np.arange(0.02, 0.99, 0.02)]


@dataclass
class Pairs:
    """The candidate pairs of every matchable need (rank <= candidates_per_need())."""

    need: list[str]
    seed: list[str]
    company: list[str]
    need_id: list[int]
    seed_id: list[int]
    org_id: list[int]
    z: np.ndarray
    conflict: np.ndarray
    score: np.ndarray
    label: np.ndarray  # 1, 0, or -1 for an unlabelled need
    capacity: dict[int, int]


def calibration_pairs(*, gold: dict, depth: int | None = None) -> Pairs:
    """Rank every matchable need with a vector of the active model against every seed."""
    depth = depth or candidates_per_need()
    model_id = get_embedder().model_id
    corpus = Corpus(model_id)
    needs = list(matchable("need").select_related("organization"))
    vectors = vectors_load(kind="need", ids=[n.id for n in needs], model_id=model_id)
    needs = [n for n in needs if n.id in vectors]
    if not needs or not len(corpus.seeds):
        raise ValueError(f"no needs or seeds with vectors of {model_id}: run match_all first")
    if len(corpus.seeds) < settings.MATCHING_RELEVANCE_MIN_SEEDS:
        raise ValueError(
            f"{len(corpus.seeds)} seeds: a calibration needs at least "
            f"MATCHING_RELEVANCE_MIN_SEEDS ({settings.MATCHING_RELEVANCE_MIN_SEEDS})"
        )
    rankings = corpus.rank([need_row(n, vectors[n.id]) for n in needs], k=len(corpus.seeds))
    seed_key = {s.id: s.key for s in corpus.seed_objs}
    need_seed = gold.get("need_seed", {})
    no_match = set(gold.get("no_match", []))
    w = corpus.weights
    rows: dict[str, list] = defaultdict(list)
    for need, ranking in zip(needs, rankings, strict=True):
        labelled = need.key in need_seed or need.key in no_match
        grades = need_seed.get(need.key, {})
        c = ranking.contributions
        z = c["semantic"] / w["semantic"]
        conflict = np.ones_like(z)
        for name in CONFLICT_SIGNALS:
            if w.get(name):
                conflict *= np.clip(c[name] / w[name], 0.0, 1.0)
        for i, row in enumerate(ranking.rows[:depth].tolist()):
            seed_id = int(corpus.seeds.ids[row])
            rows["need"].append(need.key)
            rows["seed"].append(seed_key[seed_id])
            rows["company"].append(need.organization.key)
            rows["need_id"].append(need.id)
            rows["seed_id"].append(seed_id)
            rows["org_id"].append(int(corpus.seeds.org_ids[row]))
            rows["z"].append(float(z[i]))
            rows["conflict"].append(float(conflict[i]))
            rows["score"].append(float(ranking.scores[i]))
            rows["label"].append(int(grades.get(seed_key[seed_id], 0) >= 1) if labelled else -1)
    capacity = {
        int(i): int(left)
        for i, left in zip(corpus.seeds.ids, corpus.seeds.capacity_left, strict=True)
    }
    return Pairs(
        need=rows["need"],
        seed=rows["seed"],
        company=rows["company"],
        need_id=rows["need_id"],
        seed_id=rows["seed_id"],
        org_id=rows["org_id"],
        z=np.array(rows["z"]),
        conflict=np.array(rows["conflict"]),
        score=np.array(rows["score"]),
        label=np.array(rows["label"]),
        capacity=capacity,
    )


def proposals_at(pairs: Pairs, relevance: np.ndarray, floor: float | None) -> dict[str, list[str]]:
    """The proposals the real assignment makes (fresh database: no reviewed proposals) when
    only pairs with relevance >= floor are candidates (every pair when floor is None)."""
    candidates = [
        Candidate(pairs.need_id[i], pairs.seed_id[i], pairs.org_id[i], float(pairs.score[i]))
        for i in range(len(pairs.z))
        if floor is None or relevance[i] >= floor
    ]
    slots = {n: settings.MATCHING_PROPOSALS_PER_NEED for n in set(pairs.need_id)}
    result = assign(
        candidates,
        slots,
        pairs.capacity,
        fair_share=settings.MATCHING_EXPOSURE_FAIR_SHARE,
        exposure_penalty=settings.MATCHING_EXPOSURE_PENALTY,
    )
    key_of_need = dict(zip(pairs.need_id, pairs.need, strict=True))
    key_of_seed = dict(zip(pairs.seed_id, pairs.seed, strict=True))
    return {
        key_of_need[n]: [key_of_seed[c.seed_id] for c in chosen]
        for n, chosen in result.chosen.items()
    }


def _figures(proposals: dict[str, list[str]], gold: dict) -> dict:
    counts = [len(v) for v in proposals.values()]
    return proposal_metrics(proposals, gold.get("need_seed", {}), gold.get("no_match", [])) | {
        "proposals": sum(counts),
        "needs_by_count": {str(k): counts.count(k) for k in range(max(counts, default=0) + 1)},
    }


def calibration_fit(*, gold: dict, floor: float | None = None) -> dict:
    """Fit and evaluate the calibration of the active model on `gold` (nothing is stored).

    Returns the report: parameters, in-sample and held-out figures, folds, floor curves, the
    plateau and the suggested floor, and the figures at `floor` (the setting by default).
    """
    floor = float(settings.MATCHING_RELEVANCE_FLOOR if floor is None else floor)
    strong = float(settings.MATCHING_RELEVANCE_STRONG)
    pairs = calibration_pairs(gold=gold)
    model_id = get_embedder().model_id
    lab = np.flatnonzero(pairs.label >= 0)
    y, z, groups = pairs.label[lab], pairs.z[lab], np.array(pairs.company)[lab]
    if len(set(groups.tolist())) < 2:
        raise ValueError("leave-one-company-out needs labelled needs of at least two companies")
    intercept, slope = fit_platt(z, y)
    full = Calibration(model_id, intercept, slope)
    held = loco_platt(z, y, groups)
    in_p = full.probability(z)
    iso_in = fit_isotonic(pairs.score[lab], y).predict(pairs.score[lab])
    iso_held = loco_isotonic(pairs.score[lab], y, groups)

    # Relevance of every candidate pair: conflicts multiply; unlabelled needs use the full fit.
    p_in = full.probability(pairs.z, pairs.conflict)
    p_held = p_in.copy()
    p_held[lab] = np.clip(held.predictions * pairs.conflict[lab], 0.0, 1.0)
    curve = []
    for f in FLOORS:
        curve.append(
            {
                "floor": f,
                "in_sample": _figures(proposals_at(pairs, p_in, f), gold),
                "held_out": _figures(proposals_at(pairs, p_held, f), gold),
            }
        )
    plateau = floor_plateau(
        [{"floor": r["floor"], **r["held_out"]} for r in curve],
        precision=TARGET_PRECISION,
        recall=TARGET_RECALL,
    )
    bands = {}
    for name, lo, hi in (("strong", strong, 1.01), ("possible", floor, strong), ("weak", 0, floor)):
        mask = (held.predictions >= lo) & (held.predictions < hi)
        bands[name] = {
            "pairs": int(mask.sum()),
            "mean_probability": round(float(held.predictions[mask].mean()), 4)
            if mask.any()
            else None,
            "relevant_share": round(float(y[mask].mean()), 4) if mask.any() else None,
        }
    return {
        "model_id": model_id,
        "method": METHOD,
        "intercept": round(intercept, 4),
        "slope": round(slope, 4),
        "z_at_floor": round(full.z_at(floor), 3),
        "pairs": int(len(lab)),
        "relevant": int(y.sum()),
        "needs": len({pairs.need[i] for i in lab}),
        "companies": len(set(groups.tolist())),
        "in_sample": discrimination(y, in_p),
        "held_out": discrimination(y, held.predictions),
        "isotonic": {
            "in_sample": discrimination(y, iso_in),
            "held_out": discrimination(y, iso_held),
        },
        "folds": [
            {
                "without": f["group"],
                "intercept": round(f["intercept"], 4),
                "slope": round(f["slope"], 4),
                "z_at_floor": round(
                    Calibration(model_id, f["intercept"], f["slope"]).z_at(floor), 3
                ),
            }
            for f in held.folds
        ],
        "unfiltered": _figures(proposals_at(pairs, p_in, None), gold),
        "curve": curve,
        "plateau": list(plateau) if plateau else None,
        "suggested_floor": suggested_floor(plateau),
        "floor": floor,
        "strong": strong,
        "at_floor": {
            "in_sample": _figures(proposals_at(pairs, p_in, floor), gold),
            "held_out": _figures(proposals_at(pairs, p_held, floor), gold),
        },
        "bands_held_out": bands,
    }
