"""Models of the `profiles` app, one module per area; import them from `profiles.models`."""

from .catalog import InvestorProfile, Need, Patent, Researcher, Seed, Venture
from .organizations import Membership, Organization

__all__ = [
    "InvestorProfile",
    "Membership",
    "Need",
    "Organization",
    "Patent",
    "Researcher",
    "Seed",
    "Venture",
]
