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

The package: `needs` (seed/organisation rankings and proposals), `partners`, `investors`,
`runs` (incremental refresh, the full rebuild as a resumable state machine, stale sweep).
The seed corpus is in `matching.services.corpus`, the weights in `matching.services.weights`.
"""

from .investors import investor_matches_refresh
from .needs import needs_score, proposals_assign
from .partners import partnerships_refresh
from .runs import (
    match_all,
    match_run_chunk,
    match_run_fail,
    match_run_finish,
    match_run_start,
    match_runs_resume,
    stale_refresh,
    subject_embed,
    subject_refresh,
)

__all__ = [
    "investor_matches_refresh",
    "match_all",
    "match_run_chunk",
    "match_run_fail",
    "match_run_finish",
    "match_run_start",
    "match_runs_resume",
    "needs_score",
    "partnerships_refresh",
    "proposals_assign",
    "stale_refresh",
    "subject_embed",
    "subject_refresh",
]
