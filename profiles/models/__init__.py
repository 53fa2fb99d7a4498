"""Models of the `profiles` app, one module per area; import them from `profiles.models`."""

from .audit import ConfidentialRead
from .catalog import InvestorProfile, Need, Patent, Researcher, Seed, Venture
from .jobs import ImportJob
from .organizations import Account, Invitation, Membership, Organization
from .readiness import ReadinessProfile, ReadinessVersion, TrackRecord
from .researchmap import (
    ImportedAchievement,
    ImportedSeed,
    ResearchmapImport,
    ResearchmapImportSeed,
)

__all__ = [
    "Account",
    "ConfidentialRead",
    "Invitation",
    "ImportJob",
    "ImportedAchievement",
    "ImportedSeed",
    "InvestorProfile",
    "Membership",
    "Need",
    "Organization",
    "Patent",
    "ReadinessProfile",
    "ReadinessVersion",
    "Researcher",
    "ResearchmapImport",
    "ResearchmapImportSeed",
    "Seed",
    "TrackRecord",
    "Venture",
]
