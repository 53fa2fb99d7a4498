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

The package: `corpus` (knobs and the seed corpus), `needs` (seed/organisation rankings and
proposals), `partners`, `investors`, `runs` (incremental refresh, full rebuild, stale sweep);
every name stays importable from `matching.services.refresh`.
"""

from .corpus import (
    COMMITTED,
    LEARNED_WEIGHTS_NAME,
    Corpus,
    _readiness,
    _setting,
    active_investor_weights,
    active_weights,
    chunk_size,
    need_row,
    partner_readiness_weight,
    proposals_per_need,
    scores_per_need,
    seed_corpus,
)
from .investors import (
    _reference_vectors,
    investor_matches_refresh,
)
from .needs import (
    needs_score,
    proposals_assign,
)
from .partners import (
    partnerships_refresh,
)
from .runs import (
    _chunks,
    _needs_near_seed,
    match_all,
    match_run_chunk,
    match_run_fail,
    match_run_finish,
    match_run_start,
    stale_refresh,
    subject_embed,
    subject_refresh,
)

__all__ = [
    "COMMITTED",
    "Corpus",
    "LEARNED_WEIGHTS_NAME",
    "_chunks",
    "_needs_near_seed",
    "_readiness",
    "_reference_vectors",
    "_setting",
    "active_investor_weights",
    "active_weights",
    "chunk_size",
    "investor_matches_refresh",
    "match_all",
    "match_run_chunk",
    "match_run_fail",
    "match_run_finish",
    "match_run_start",
    "need_row",
    "needs_score",
    "partner_readiness_weight",
    "partnerships_refresh",
    "proposals_assign",
    "proposals_per_need",
    "scores_per_need",
    "seed_corpus",
    "stale_refresh",
    "subject_embed",
    "subject_refresh",
]
