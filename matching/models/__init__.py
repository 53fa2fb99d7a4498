"""Models of the matcher, one module per area; import them from `matching.models`.

- `vectors`: stored embeddings (with the model identity and content hash), match runs and
  their chunks.
- `results`: what the matcher computed: seed–need scores, proposals, organisation-level
  partnership proposals, investor–venture matches, offline evaluation results.
- `feedback`: each side's response to a proposal and recorded outcomes (agreements).
- `calibration`: calibrations of relevance per embedding model (fitted on a gold file).
- `engagement`: saved searches, the watchlist of seeds, and the alerts they sent.
- `investors`: investor introductions (an investor's interest in a venture, the university's
  answer).
"""

from .calibration import RelevanceCalibration
from .engagement import SavedSearch, SearchAlert, WatchedSeed
from .feedback import Outcome, PartnershipResponse, ProposalResponse
from .investors import InvestorIntroduction
from .results import (
    EvaluationResult,
    InvestorMatch,
    MatchScore,
    OrganizationRanking,
    PartnershipProposal,
    Proposal,
)
from .vectors import EmbeddingVector, MatchRun, MatchRunChunk

__all__ = [
    "EmbeddingVector",
    "EvaluationResult",
    "InvestorIntroduction",
    "InvestorMatch",
    "MatchRun",
    "MatchRunChunk",
    "MatchScore",
    "OrganizationRanking",
    "Outcome",
    "PartnershipProposal",
    "PartnershipResponse",
    "Proposal",
    "ProposalResponse",
    "RelevanceCalibration",
    "SavedSearch",
    "SearchAlert",
    "WatchedSeed",
]
