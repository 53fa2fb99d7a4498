"""Matching runs: the full rebuild (`match_all`) in chunks, and the incremental refresh of one
subject after it was (re-)embedded.

Everything here reads vectors of the active model only and writes:
- MatchScore: the top seeds of each need (at least MATCHING_SCORES_PER_NEED, default 50);
- OrganizationRanking: universities and institutes for each need (best seed each);
- Proposal: status `proposed`, chosen by the constrained assignment; a proposal past
  `proposed` (approved, suppressed, introduced, closed) is never touched, and a `proposed`
  one that is no longer chosen is deleted (nobody has seen it yet);
- PartnershipProposal: company × university, with the same rule on statuses;
- InvestorMatch: investors for each venture.

Per-need writes lock the need row, so two deliveries of the same task serialise instead of
racing on the unique constraints, and both leave the same rows.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable
from datetime import timedelta

import numpy as np
from django.conf import settings
from django.db import transaction
from django.db.models import Count, F, Q
from django.utils import timezone

from matching.engine.aggregation import OrgLink, organisation_links, partnerships
from matching.engine.assignment import Candidate, assign
from matching.engine.explain import match_explanation, partnership_evidence
from matching.engine.index import build_index
from matching.engine.investors import InvestorSet, VentureRow, investor_weights, rank_investors
from matching.engine.lexical import CharTfidf
from matching.engine.scoring import (
    DEFAULT_WEIGHTS,
    NeedRow,
    SeedSet,
    language_table,
    score_needs,
    weights_from,
)
from matching.engine.text import detect_language, shared_terms
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
from profiles.models import Need, Seed, Venture

from .embedding import get_embedder, matchable, vectors_embed, vectors_embed_all, vectors_load

logger = logging.getLogger(__name__)

# Proposals a seed's capacity is spent on: those a coordinator let through.
COMMITTED = (ProposalStatus.APPROVED, ProposalStatus.INTRODUCED)
LEARNED_WEIGHTS_NAME = "feedback:learned-weights"


def _setting(name: str, default):
    return getattr(settings, name, default)


def scores_per_need() -> int:
    return int(_setting("MATCHING_SCORES_PER_NEED", 50))


def proposals_per_need() -> int:
    return int(_setting("MATCHING_PROPOSALS_PER_NEED", 3))


def partner_readiness_weight() -> float:
    return float(_setting("MATCHING_PARTNER_READINESS_WEIGHT", 0.2))


def chunk_size() -> int:
    return int(_setting("MATCHING_CHUNK_SIZE", 50))


def active_weights() -> dict[str, float]:
    """Settings (MATCHING_WEIGHTS) over the defaults; learned weights (weights_learn) replace
    the defaults when MATCHING_USE_LEARNED_WEIGHTS is on and a learned set exists."""
    overrides = {
        k: v for k, v in (_setting("MATCHING_WEIGHTS", {}) or {}).items() if k in DEFAULT_WEIGHTS
    }
    base: dict[str, float] = {}
    if _setting("MATCHING_USE_LEARNED_WEIGHTS", False):
        learned = EvaluationResult.objects.filter(gold_name=LEARNED_WEIGHTS_NAME).first()
        if learned is not None:
            base = {
                k: v for k, v in learned.metrics.get("weights", {}).items() if k in DEFAULT_WEIGHTS
            }
    return weights_from({**base, **overrides})


def active_investor_weights() -> dict[str, float]:
    raw = _setting("MATCHING_WEIGHTS", {}) or {}
    return investor_weights(
        {k.removeprefix("investor_"): v for k, v in raw.items() if k.startswith("investor_")}
    )


# --- Loading the corpus ---------------------------------------------------------------------


def _readiness(org_ids: Iterable[int]) -> dict[int, float]:
    try:
        from profiles.selectors.readiness import readiness_scores
    except ImportError:  # the readiness area is optional for the matcher
        return {}
    try:
        return readiness_scores(org_ids=list(org_ids))
    except Exception:  # a readiness bug must not stop matching; the signal is then neutral
        logger.exception("readiness_scores failed; readiness signal neutral for this run")
        return {}


def seed_corpus(
    model_id: str,
    vectors: dict[int, np.ndarray] | None = None,
    queryset=None,
) -> tuple[SeedSet, list[Seed]]:
    """Seeds (matchable ones, or `queryset`) that have a vector of `model_id` (or in
    `vectors`), as engine arrays."""
    qs = matchable("seed") if queryset is None else queryset
    seeds = list(
        qs.annotate(committed=Count("proposals", filter=Q(proposals__status__in=COMMITTED)))
    )
    if vectors is None:
        vectors = vectors_load(kind="seed", ids=[s.id for s in seeds], model_id=model_id)
    seeds = [s for s in seeds if s.id in vectors]
    readiness = _readiness({s.organization_id for s in seeds})
    rows = []
    for s in seeds:
        text = s.embedding_text()
        rows.append(
            {
                "id": s.id,
                "org_id": s.organization_id,
                "language": detect_language(text),
                "trl": s.trl,
                "modes": s.collaboration_modes or [],
                "region": s.organization.region,
                "capacity_left": s.capacity - s.committed,
                "readiness": readiness.get(s.organization_id),
                "text": text,
            }
        )
    dim = next(iter(vectors.values())).shape[0] if vectors else 0
    matrix = np.vstack([vectors[s.id] for s in seeds]) if seeds else np.zeros((0, dim), "f4")
    return SeedSet.build(rows, matrix), seeds


def need_row(need: Need, vector: np.ndarray) -> NeedRow:
    text = need.embedding_text()
    return NeedRow(
        id=need.id,
        vector=vector,
        org_id=need.organization_id,
        language=detect_language(text),
        modes=frozenset(need.collaboration_modes or []),
        trl_min=need.trl_min,
        trl_max=need.trl_max,
        budget_max_yen=need.budget_max_yen or need.budget_min_yen,
        preferred_regions=frozenset(need.preferred_regions or []),
        text=text,
    )


class Corpus:
    """The seed corpus with its index (and lexical model when fused), built once per call."""

    def __init__(
        self,
        model_id: str,
        *,
        vectors: dict[int, np.ndarray] | None = None,
        weights: dict[str, float] | None = None,
        correct_language: bool = True,
        need_vectors: dict[int, np.ndarray] | None = None,
        queryset=None,
    ) -> None:
        self.model_id = model_id
        self.correct_language = correct_language
        self.seeds, self.seed_objs = seed_corpus(model_id, vectors, queryset)
        self.index = (
            build_index(np.arange(len(self.seeds), dtype=np.int64), self.seeds.vectors)
            if len(self.seeds)
            else None
        )
        self.weights = weights if weights is not None else active_weights()
        self.offsets_table = self._language_table(need_vectors)
        self.lexical = (
            CharTfidf().fit(self.seeds.texts)
            if self.weights.get("lexical") and self.seeds.texts
            else None
        )

    def _language_table(self, need_vectors: dict[int, np.ndarray] | None) -> dict:
        """Language offsets over the platform's needs (a sample of them when there are many)."""
        if not len(self.seeds):
            return {}
        if need_vectors is None:
            ids = list(matchable("need").values_list("id", flat=True)[:500])
            need_vectors = vectors_load(kind="need", ids=ids, model_id=self.model_id)
        if not need_vectors:
            return {}
        needs = Need.objects.filter(id__in=list(need_vectors)).only(
            "id", "title", "description", "keywords", "field"
        )
        langs = {n.id: detect_language(n.embedding_text()) for n in needs}
        ids = [i for i in need_vectors if i in langs]
        if not ids:
            return {}
        matrix = np.vstack([need_vectors[i] for i in ids])
        return language_table(matrix, [langs[i] for i in ids], self.seeds)

    def rank(self, needs: list[NeedRow], k: int):
        return score_needs(
            needs,
            self.seeds,
            self.weights,
            k=k,
            index=self.index,
            lexical=self.lexical,
            correct_language=self.correct_language,
            offsets_table=self.offsets_table,
        )


# --- Seed and organisation rankings of needs ------------------------------------------------


def needs_score(*, need_ids: list[int], corpus: Corpus | None = None) -> list[int]:
    """Recompute MatchScore and OrganizationRanking of these needs; returns the ids scored.

    Needs that are no longer matchable (archived, no vector) lose their rows.
    """
    model_id = corpus.model_id if corpus else get_embedder().model_id
    needs = list(matchable("need").filter(id__in=need_ids))
    vectors = vectors_load(kind="need", ids=[n.id for n in needs], model_id=model_id)
    needs = [n for n in needs if n.id in vectors]
    gone = set(need_ids) - {n.id for n in needs}
    if gone:
        with transaction.atomic():
            MatchScore.objects.filter(need_id__in=gone).delete()
            OrganizationRanking.objects.filter(need_id__in=gone).delete()
            Proposal.objects.filter(need_id__in=gone, status=ProposalStatus.PROPOSED).delete()
    if not needs:
        return []
    corpus = corpus or Corpus(model_id)
    keep = scores_per_need()
    rankings = corpus.rank([need_row(n, vectors[n.id]) for n in needs], k=max(keep, 200))
    seed_ids = corpus.seeds.ids
    for need, ranking in zip(needs, rankings, strict=True):
        scores = [
            MatchScore(
                need_id=need.id,
                seed_id=int(seed_ids[row]),
                score=float(ranking.scores[i]),
                rank=i + 1,
                signals=ranking.signals_of(i),
                model_id=model_id,
            )
            for i, row in enumerate(ranking.rows[:keep].tolist())
        ]
        orgs = [
            OrganizationRanking(
                need_id=need.id,
                organization_id=link.org_id,
                score=link.score,
                rank=r + 1,
                signals={"best_seed": int(seed_ids[link.seed_row]), "model_id": model_id},
            )
            for r, link in enumerate(organisation_links(ranking, corpus.seeds))
        ]
        with transaction.atomic():
            Need.objects.select_for_update().filter(id=need.id).first()
            MatchScore.objects.filter(need_id=need.id).delete()
            MatchScore.objects.bulk_create(scores)
            OrganizationRanking.objects.filter(need_id=need.id).delete()
            OrganizationRanking.objects.bulk_create(orgs)
    return [n.id for n in needs]


# --- Proposals under constraints ------------------------------------------------------------


def proposals_assign(*, need_ids: list[int] | None = None) -> dict:
    """Choose the proposals of these needs (all matchable needs by default) with the
    constrained assignment, and upsert them. Returns the quality figures of the assignment."""
    if need_ids is None:
        need_ids = list(matchable("need").values_list("id", flat=True))
    need_ids = sorted(set(need_ids))
    per_need = proposals_per_need()
    candidates_per_need = max(per_need * 5, 20)
    existing = defaultdict(dict)
    for p in Proposal.objects.filter(need_id__in=need_ids):
        existing[p.need_id][p.seed_id] = p
    slots = {}
    for need_id in need_ids:
        committed = sum(1 for p in existing[need_id].values() if p.status in COMMITTED)
        slots[need_id] = max(0, per_need - committed)
    rows = (
        MatchScore.objects.filter(need_id__in=need_ids, rank__lte=candidates_per_need)
        .select_related("seed")
        .order_by("need_id", "rank")
    )
    candidates, by_pair = [], {}
    for ms in rows:
        if ms.seed_id in existing[ms.need_id]:
            continue  # already decided (approved/suppressed/…) or re-chosen below
        candidates.append(Candidate(ms.need_id, ms.seed_id, ms.seed.organization_id, ms.score))
        by_pair[(ms.need_id, ms.seed_id)] = ms
    # Existing `proposed` ones compete again on equal terms.
    for need_id in need_ids:
        for seed_id, p in existing[need_id].items():
            if p.status == ProposalStatus.PROPOSED:
                ms = MatchScore.objects.filter(need_id=need_id, seed_id=seed_id).first()
                if ms is not None:
                    candidates.append(Candidate(need_id, seed_id, p.seed.organization_id, ms.score))
                    by_pair[(need_id, seed_id)] = ms
    seed_ids = {c.seed_id for c in candidates}
    capacity = dict(Seed.objects.filter(id__in=seed_ids).values_list("id", "capacity"))
    spent = defaultdict(int)
    for seed_id, need_id, status in Proposal.objects.filter(seed_id__in=seed_ids).values_list(
        "seed_id", "need_id", "status"
    ):
        if status in COMMITTED or (status == ProposalStatus.PROPOSED and need_id not in slots):
            spent[seed_id] += 1
    left = {s: max(0, capacity.get(s, 0) - spent[s]) for s in seed_ids}
    # Proposals organisations hold on needs outside this set (exposure across the platform).
    org_load = defaultdict(int)
    for org_id in (
        Proposal.objects.exclude(need_id__in=need_ids)
        .filter(status__in=[ProposalStatus.PROPOSED, *COMMITTED])
        .values_list("seed__organization_id", flat=True)
    ):
        org_load[org_id] += 1
    result = assign(
        candidates,
        slots,
        left,
        org_load=org_load,
        fair_share=float(_setting("MATCHING_EXPOSURE_FAIR_SHARE", 2.0)),
        exposure_penalty=float(_setting("MATCHING_EXPOSURE_PENALTY", 0.5)),
    )
    needs = {n.id: n for n in Need.objects.filter(id__in=need_ids)}
    seeds = {s.id: s for s in Seed.objects.filter(id__in=seed_ids)}
    weights = active_weights()
    for need_id in need_ids:
        chosen = {c.seed_id: c for c in result.chosen.get(need_id, [])}
        with transaction.atomic():
            Need.objects.select_for_update().filter(id=need_id).first()
            Proposal.objects.filter(need_id=need_id, status=ProposalStatus.PROPOSED).exclude(
                seed_id__in=list(chosen)
            ).delete()
            for seed_id, c in chosen.items():
                ms = by_pair[(need_id, seed_id)]
                need, seed = needs[need_id], seeds[seed_id]
                explanation = match_explanation(
                    need_text=need.embedding_text(),
                    seed_text=seed.embedding_text(),
                    need_keywords=need.keywords or [],
                    seed_keywords=seed.keywords or [],
                    signals=ms.signals,
                )
                explanation["values"] = {
                    k: round(v / weights[k], 4) if weights.get(k) else 0.0
                    for k, v in ms.signals.items()
                }
                explanation["weights"] = weights
                obj, created = Proposal.objects.get_or_create(
                    need_id=need_id,
                    seed_id=seed_id,
                    defaults={
                        "score": c.score,
                        "signals": ms.signals,
                        "explanation": explanation,
                        "model_id": ms.model_id,
                    },
                )
                if not created and obj.status == ProposalStatus.PROPOSED:
                    obj.score, obj.signals, obj.explanation = c.score, ms.signals, explanation
                    obj.model_id = ms.model_id
                    obj.save(
                        update_fields=["score", "signals", "explanation", "model_id", "updated_at"]
                    )
    return {
        "assigned_score": round(result.total_score, 4),
        "unconstrained_score": round(result.unconstrained_score, 4),
        "quality_ratio": round(result.quality_ratio, 4),
        "proposals": sum(len(v) for v in result.chosen.values()),
    }


# --- Partnerships -----------------------------------------------------------------------------


def partnerships_refresh(*, company_ids: list[int] | None = None) -> int:
    """Recompute the organisation-to-organisation partnerships of these companies."""
    needs_qs = matchable("need")
    if company_ids is not None:
        needs_qs = needs_qs.filter(organization_id__in=company_ids)
    needs = {n.id: n for n in needs_qs}
    companies = (
        set(company_ids) if company_ids is not None else {n.organization_id for n in needs.values()}
    )
    links_by_need: dict[int, list[OrgLink]] = defaultdict(list)
    for r in OrganizationRanking.objects.filter(need_id__in=list(needs)).order_by(
        "need_id", "rank"
    ):
        seed_id = int(r.signals.get("best_seed", 0))
        links_by_need[r.need_id].append(OrgLink(r.need_id, r.organization_id, seed_id, r.score))
    company_of = {n.id: n.organization_id for n in needs.values()}
    readiness_weight = partner_readiness_weight()
    academic_ids = {link.org_id for links in links_by_need.values() for link in links}
    readiness = _readiness(academic_ids) if readiness_weight else {}
    table = partnerships(
        links_by_need, company_of, readiness=readiness, readiness_weight=readiness_weight
    )
    seed_ids = {link.seed_row for links in links_by_need.values() for link in links}
    seeds = {s.id: s for s in Seed.objects.filter(id__in=seed_ids)}
    limit = int(_setting("MATCHING_PARTNERS_PER_COMPANY", 50))
    written = 0
    for company in companies:
        ranked = table.get(company, [])[:limit]
        with transaction.atomic():
            existing = {
                p.academic_id: p
                for p in PartnershipProposal.objects.select_for_update().filter(company_id=company)
            }
            keep = {p.org_id for p in ranked}
            PartnershipProposal.objects.filter(
                company_id=company, status=ProposalStatus.PROPOSED
            ).exclude(academic_id__in=keep).delete()
            for rank, p in enumerate(ranked, start=1):
                evidence = partnership_evidence(
                    [
                        {
                            "need_id": link.need_id,
                            "need_title": needs[link.need_id].title,
                            "seed_id": link.seed_row,
                            "seed_title": seeds[link.seed_row].title
                            if link.seed_row in seeds
                            else "",
                            "score": round(link.score, 4),
                            "strength": round(strength, 4),
                            "shared_terms": shared_terms(
                                needs[link.need_id].embedding_text(),
                                seeds[link.seed_row].embedding_text(),
                                needs[link.need_id].keywords or [],
                                seeds[link.seed_row].keywords or [],
                                limit=5,
                            )
                            if link.seed_row in seeds
                            else [],
                        }
                        for link, strength in p.links
                    ]
                )
                strength = sum(st for _, st in p.links)
                signals = {
                    "links": round(strength, 4),
                    "breadth": len({link.seed_row for link, _ in p.links}),
                }
                if p.org_id in readiness:
                    signals["readiness"] = round(readiness_weight * (readiness[p.org_id] - 0.5), 4)
                current = existing.get(p.org_id)
                if current is None:
                    PartnershipProposal.objects.create(
                        company_id=company,
                        academic_id=p.org_id,
                        score=p.score,
                        rank=rank,
                        signals=signals,
                        evidence=evidence,
                    )
                elif current.status == ProposalStatus.PROPOSED:
                    current.score, current.rank = p.score, rank
                    current.signals, current.evidence = signals, evidence
                    current.save(
                        update_fields=["score", "rank", "signals", "evidence", "computed_at"]
                    )
                written += 1
    return written


# --- Investors ----------------------------------------------------------------------------------


def _reference_vectors(model_id: str, limit: int = 5000) -> np.ndarray:
    """Vectors of the platform's seeds, needs and ventures: the backdrop investors are centred on."""
    qs = EmbeddingVector.objects.filter(
        model_id=model_id, kind__in=["seed", "need", "venture"]
    ).order_by("id")[:limit]
    rows = [np.frombuffer(bytes(b), dtype="<f4") for b in qs.values_list("vector", flat=True)]
    return np.vstack(rows).astype(np.float32) if rows else np.zeros((0, 0), np.float32)


def investor_matches_refresh(*, venture_ids: list[int] | None = None) -> int:
    """Rank every matchable investor for these ventures (all by default)."""
    model_id = get_embedder().model_id
    investors = list(matchable("investor"))
    inv_vectors = vectors_load(kind="investor", ids=[i.id for i in investors], model_id=model_id)
    investors = [i for i in investors if i.id in inv_vectors]
    ventures_qs = matchable("venture").prefetch_related("seeds")
    if venture_ids is not None:
        ventures_qs = ventures_qs.filter(id__in=venture_ids)
        gone = set(venture_ids) - set(ventures_qs.values_list("id", flat=True))
        InvestorMatch.objects.filter(venture_id__in=gone).delete()
    ventures = list(ventures_qs)
    ven_vectors = vectors_load(kind="venture", ids=[v.id for v in ventures], model_id=model_id)
    ventures = [v for v in ventures if v.id in ven_vectors]
    if not ventures:
        return 0
    linked = {s.id for v in ventures for s in v.seeds.all()}
    seed_vectors = vectors_load(kind="seed", ids=list(linked), model_id=model_id)
    dim = next(iter(ven_vectors.values())).shape[0]
    inv_set = InvestorSet(
        ids=np.array([i.id for i in investors], dtype=np.int64),
        vectors=np.vstack([inv_vectors[i.id] for i in investors])
        if investors
        else np.zeros((0, dim), "f4"),
        stages=[frozenset(i.stages or []) for i in investors],
        regions=[frozenset(i.regions or []) for i in investors],
    )
    rows = [
        VentureRow(
            id=v.id,
            vector=ven_vectors[v.id],
            seed_vectors=np.array(
                [seed_vectors[s.id] for s in v.seeds.all() if s.id in seed_vectors],
                dtype=np.float32,
            ).reshape(-1, dim),
            stage=v.stage,
            region=v.organization.region,
        )
        for v in ventures
    ]
    reference = _reference_vectors(model_id)
    if reference.size == 0 or reference.shape[1] != dim:
        reference = np.zeros((0, dim), np.float32)
    rankings = rank_investors(rows, inv_set, reference, active_investor_weights())
    limit = int(_setting("MATCHING_INVESTORS_PER_VENTURE", 100))
    for venture, ranking in zip(ventures, rankings, strict=True):
        matches = [
            InvestorMatch(
                venture_id=venture.id,
                investor_id=int(inv_set.ids[row]),
                score=float(ranking.scores[i]),
                rank=i + 1,
                signals=ranking.signals_of(i),
            )
            for i, row in enumerate(ranking.rows[:limit].tolist())
        ]
        with transaction.atomic():
            Venture.objects.select_for_update().filter(id=venture.id).first()
            InvestorMatch.objects.filter(venture_id=venture.id).delete()
            InvestorMatch.objects.bulk_create(matches)
    return len(ventures)


# --- Incremental refresh of one subject -------------------------------------------------------


def _needs_near_seed(seed_id: int, model_id: str, limit: int) -> list[int]:
    """Needs the seed could enter the ranking of: the nearest needs by vector, plus those that
    currently list it."""
    listed = set(MatchScore.objects.filter(seed_id=seed_id).values_list("need_id", flat=True))
    vector = vectors_load(kind="seed", ids=[seed_id], model_id=model_id).get(seed_id)
    if vector is None:
        return sorted(listed)
    need_vectors = vectors_load(kind="need", model_id=model_id)
    if not need_vectors:
        return sorted(listed)
    ids = np.array(list(need_vectors), dtype=np.int64)
    matrix = np.vstack([need_vectors[i] for i in ids.tolist()])
    found, _ = build_index(ids, matrix).search(vector.reshape(1, -1), min(limit, len(ids)))
    return sorted(listed | {int(i) for i in found[0].tolist() if i >= 0})


def subject_refresh(*, kind: str, object_id: int) -> dict:
    """Refresh the matches that depend on one seed, need, investor or venture."""
    model_id = get_embedder().model_id
    if kind == "need":
        company = (
            Need.objects.filter(id=object_id).values_list("organization_id", flat=True).first()
        )
        needs_score(need_ids=[object_id])
        proposals_assign(need_ids=[object_id])
        if company is not None:
            partnerships_refresh(company_ids=[company])
        return {"needs": 1}
    if kind == "seed":
        if not matchable("seed").filter(id=object_id).exists():
            MatchScore.objects.filter(seed_id=object_id).delete()
            Proposal.objects.filter(seed_id=object_id, status=ProposalStatus.PROPOSED).delete()
        limit = int(_setting("MATCHING_INCREMENTAL_NEEDS", 200))
        need_ids = _needs_near_seed(object_id, model_id, limit)
        if need_ids:
            corpus = Corpus(model_id)
            needs_score(need_ids=need_ids, corpus=corpus)
            proposals_assign(need_ids=need_ids)
            companies = set(
                Need.objects.filter(id__in=need_ids).values_list("organization_id", flat=True)
            )
            partnerships_refresh(company_ids=sorted(companies))
        # A seed linked to a venture changes that venture's investor ranking.
        ventures = list(Venture.objects.filter(seeds__id=object_id).values_list("id", flat=True))
        if ventures:
            investor_matches_refresh(venture_ids=ventures)
        return {"needs": len(need_ids)}
    if kind == "investor":
        return {"ventures": investor_matches_refresh()}
    if kind == "venture":
        return {"ventures": investor_matches_refresh(venture_ids=[object_id])}
    raise ValueError(f"unknown subject kind {kind!r}")


def subject_embed(*, kind: str, object_id: int) -> bool:
    """Embed one row if its vector is missing or stale; True when it was (re-)embedded."""
    return bool(vectors_embed(kind=kind, ids=[object_id]))


# --- Full rebuild -------------------------------------------------------------------------------


def _chunks(ids: list[int], size: int) -> list[list[int]]:
    return [ids[i : i + size] for i in range(0, len(ids), size)] or [[]]


def match_run_start(*, run: MatchRun) -> list[list[int]]:
    """Embed whatever is stale, then split the needs into chunks (recorded on the run)."""
    MatchRun.objects.filter(pk=run.pk).update(
        status=MatchRun.Status.RUNNING, started_at=timezone.now(), done_chunks=0
    )
    vectors_embed_all()
    need_ids = list(matchable("need").values_list("id", flat=True))
    chunks = _chunks(need_ids, chunk_size())
    MatchRun.objects.filter(pk=run.pk).update(total_chunks=len(chunks))
    run.refresh_from_db()
    return chunks


def match_run_fail(*, run_id: int, error: str) -> None:
    MatchRun.objects.filter(pk=run_id).update(
        status=MatchRun.Status.FAILED, error=error[:2000], finished_at=timezone.now()
    )


def match_run_chunk(*, run_id: int, need_ids: list[int]) -> bool:
    """Score one chunk of needs and count it; the chunk that completes the run finishes it.
    Returns True when this call finished the run.

    A chunk delivered twice re-scores the same needs (same rows) and counts once more, capped
    at the total; the run finishes once, under the row lock.
    """
    if need_ids:
        needs_score(need_ids=need_ids)
    with transaction.atomic():
        run = MatchRun.objects.select_for_update().get(pk=run_id)
        if run.status != MatchRun.Status.RUNNING:
            return False
        run.done_chunks = min(run.total_chunks, run.done_chunks + 1)
        run.save(update_fields=["done_chunks"])
        last = run.done_chunks >= run.total_chunks
    if last:
        match_run_finish(run_id=run_id)
    return last


def match_run_finish(*, run_id: int) -> MatchRun:
    """After every chunk: clean rows of subjects that left, then proposals, partnerships and
    investor matches over everything."""
    live_needs = matchable("need").values_list("id", flat=True)
    live_seeds = matchable("seed").values_list("id", flat=True)
    MatchScore.objects.exclude(need_id__in=live_needs).delete()
    MatchScore.objects.exclude(seed_id__in=live_seeds).delete()
    OrganizationRanking.objects.exclude(need_id__in=live_needs).delete()
    Proposal.objects.filter(status=ProposalStatus.PROPOSED).filter(
        ~Q(need_id__in=live_needs) | ~Q(seed_id__in=live_seeds)
    ).delete()
    quality = proposals_assign()
    live_companies = set(matchable("need").values_list("organization_id", flat=True))
    PartnershipProposal.objects.filter(status=ProposalStatus.PROPOSED).exclude(
        company_id__in=live_companies
    ).delete()
    partnerships_refresh(company_ids=sorted(live_companies))
    investor_matches_refresh()
    MatchRun.objects.filter(pk=run_id).update(
        status=MatchRun.Status.DONE, finished_at=timezone.now(), done_chunks=F("total_chunks")
    )
    logger.info("match run %s done; assignment %s", run_id, quality)
    return MatchRun.objects.get(pk=run_id)


def match_all(*, sync: bool, by=None) -> MatchRun:
    """Rebuild every ranking. `sync`: in this process, chunk after chunk (the same code the
    Celery tasks run); otherwise enqueue `rebuild_all`, which fans the chunks out to workers."""
    embedder = get_embedder()
    run = MatchRun.objects.create(
        kind=MatchRun.Kind.FULL, model_id=embedder.model_id, created_by=by
    )
    if not sync:
        from matching.tasks import rebuild_all

        transaction.on_commit(lambda: rebuild_all.delay(run.id))
        return run
    try:
        for chunk in match_run_start(run=run):
            match_run_chunk(run_id=run.id, need_ids=chunk)
    except Exception as exc:
        match_run_fail(run_id=run.pk, error=str(exc))
        raise
    run.refresh_from_db()
    return run


def stale_refresh() -> dict:
    """The periodic sweep: embed what is stale, refresh the subjects that changed, and rebuild
    everything when the stored scores belong to another model (the model was switched)."""
    embedder = get_embedder()
    running = MatchRun.objects.filter(
        kind=MatchRun.Kind.FULL,
        status__in=[MatchRun.Status.PENDING, MatchRun.Status.RUNNING],
        created_at__gte=timezone.now() - timedelta(hours=2),
    ).first()
    if running is not None:
        return {"rebuild": running.id, "already_running": True}
    if MatchScore.objects.exclude(model_id=embedder.model_id).exists():
        run = match_all(sync=False)
        return {"rebuild": run.id}
    changed = {kind: [] for kind in ("seed", "need", "investor", "venture")}
    for kind in changed:
        changed[kind] = vectors_embed(kind=kind, embedder=embedder, return_ids=True)
    # Needs that have a vector but no scores (their refresh was lost), when there are seeds.
    unscored: list[int] = []
    if EmbeddingVector.objects.filter(kind="seed", model_id=embedder.model_id).exists():
        with_vector = EmbeddingVector.objects.filter(
            kind="need", model_id=embedder.model_id
        ).values_list("object_id", flat=True)
        unscored = list(
            matchable("need")
            .filter(id__in=with_vector)
            .exclude(match_scores__isnull=False)
            .values_list("id", flat=True)
        )
    need_ids = sorted(set(changed["need"]) | set(unscored))
    if len(changed["seed"]) + len(need_ids) > int(_setting("MATCHING_SWEEP_REBUILD_ABOVE", 50)):
        # Many changes (a bulk import): one chunked rebuild beats many incremental refreshes.
        run = match_all(sync=False)
        return {"rebuild": run.id}
    for need_id in need_ids:
        subject_refresh(kind="need", object_id=need_id)
    for seed_id in changed["seed"]:
        subject_refresh(kind="seed", object_id=seed_id)
    if changed["investor"]:
        investor_matches_refresh()
    elif changed["venture"]:
        investor_matches_refresh(venture_ids=changed["venture"])
    return {kind: len(ids) for kind, ids in changed.items()} | {"unscored_needs": len(unscored)}
