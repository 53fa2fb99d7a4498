"""Organisation level: universities ranked for one need, and organisation-to-organisation
partnerships for a company as a whole.

An organisation's score for a need is its best seed's score (the CATALOG grades an
organisation by its best seed). A partnership aggregates the company's open needs: each need
contributes the probability-like strength of the university's best link to it, relative to the
best link any university has to that need and gated by its absolute strength, and the
strengths are summed. So two independent strong links (two needs, two labs) outrank one very
strong link, and a need every university matches weakly adds little to anyone.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from .scoring import SeedRanking, SeedSet

# A link within RELATIVE_MARGIN of the need's best link counts about half; the temperature
# sets how fast it fades. Units are the standardised seed score (z): robust on the dev set for
# margins 1.0–2.0 and temperatures 0.5–1.0 (docs/matching.md).
PARTNER_RELATIVE_MARGIN = 1.5
PARTNER_TEMPERATURE = 0.75
# The absolute gate: a link this many standard deviations above the need's typical seed
# counts half (weak needs add little).
PARTNER_GATE = 1.5
PARTNER_GATE_TEMPERATURE = 0.5


@dataclass
class OrgLink:
    """The best seed of one organisation for one need."""

    need_id: int
    org_id: int
    seed_row: int
    score: float


@dataclass
class Partnership:
    company_id: int
    org_id: int
    score: float
    links: list[tuple[OrgLink, float]] = field(default_factory=list)  # (link, strength)


def organisation_links(ranking: SeedRanking, seeds: SeedSet) -> list[OrgLink]:
    """The organisations of a need's candidate seeds, best first, each with its best seed."""
    best: dict[int, OrgLink] = {}
    for row, score in zip(ranking.rows.tolist(), ranking.scores.tolist(), strict=True):
        org = int(seeds.org_ids[row])
        if org not in best or score > best[org].score:
            best[org] = OrgLink(ranking.need_id, org, row, float(score))
    return sorted(best.values(), key=lambda link: (-link.score, link.org_id))


def _sigmoid(x: np.ndarray | float) -> np.ndarray | float:
    return 1.0 / (1.0 + np.exp(-x))


@dataclass(frozen=True)
class PartnerParams:
    """The four parameters of a link's strength (defaults: the module constants)."""

    margin: float = PARTNER_RELATIVE_MARGIN
    temperature: float = PARTNER_TEMPERATURE
    gate: float = PARTNER_GATE
    gate_temperature: float = PARTNER_GATE_TEMPERATURE


def link_strengths(links: Sequence[OrgLink], params: PartnerParams | None = None) -> list[float]:
    if not links:
        return []
    p = params or PartnerParams()
    scores = np.array([link.score for link in links], dtype=float)
    top = scores.max()
    relative = _sigmoid((scores - top + p.margin) / p.temperature)
    gate = _sigmoid((scores - p.gate) / p.gate_temperature)
    return (relative * gate).tolist()


def partnerships(
    links_by_need: Mapping[int, Sequence[OrgLink]],
    company_of_need: Mapping[int, int],
    *,
    min_strength: float = 0.05,
    readiness: Mapping[int, float] | None = None,
    readiness_weight: float = 0.0,
    params: PartnerParams | None = None,
) -> dict[int, list[Partnership]]:
    """For each company, the academic organisations ranked by summed link strength.

    A university's readiness (0..1, absent = neutral) adds `readiness_weight` × (r − 0.5):
    with the default 0.2 at most ±0.1 against a sum of strengths, so it reorders near-ties.
    """
    table: dict[int, dict[int, Partnership]] = defaultdict(dict)
    for need_id, links in links_by_need.items():
        company = company_of_need[need_id]
        for link, strength in zip(links, link_strengths(links, params), strict=True):
            entry = table[company].setdefault(
                link.org_id, Partnership(company, link.org_id, 0.0, [])
            )
            entry.score += strength
            if strength >= min_strength:
                entry.links.append((link, strength))
    out: dict[int, list[Partnership]] = {}
    for company, by_org in table.items():
        for entry in by_org.values():
            entry.links.sort(key=lambda pair: -pair[1])
            if readiness and entry.org_id in readiness:
                entry.score += readiness_weight * (readiness[entry.org_id] - 0.5)
        out[company] = sorted(by_org.values(), key=lambda p: (-p.score, p.org_id))
    return out
