"""Proposals under constraints, as a min-cost flow (networkx network simplex).

    source ─slots─▶ need ─1─▶ seed ─capacity─▶ organisation ─tiers─▶ sink

Each need asks for its number of proposal slots; each need→seed edge costs minus the match
score; a seed carries at most its remaining capacity; an organisation's flow goes to the sink
through tiers of growing cost: up to `free_quota` proposals are free, each further block of
`free_quota` costs `exposure_penalty` more per proposal. So a famous university with many
good-enough seeds does not take every slot when a regional university has a strong match,
while a clearly better match still wins. A need→sink bypass edge at a prohibitive cost keeps
the problem feasible when candidates run out (the need simply gets fewer proposals).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import networkx as nx

SCALE = 1000  # network simplex is exact on integers
EXPOSURE_TIERS = 4


@dataclass(frozen=True)
class Candidate:
    need_id: int
    seed_id: int
    org_id: int
    score: float


@dataclass
class Assignment:
    chosen: dict[int, list[Candidate]] = field(default_factory=dict)  # need -> candidates
    total_score: float = 0.0
    unconstrained_score: float = 0.0

    @property
    def quality_ratio(self) -> float:
        """Assigned score over the unconstrained top-k score (1.0 = nothing lost)."""
        if self.unconstrained_score <= 0:
            return 1.0
        return self.total_score / self.unconstrained_score


def free_quota(total_slots: int, n_orgs: int, fair_share: float) -> int:
    """Proposals an organisation takes without exposure penalty: `fair_share` times an equal
    share of all slots."""
    if n_orgs <= 0:
        return max(total_slots, 1)
    return max(1, math.ceil(fair_share * total_slots / n_orgs))


def assign(
    candidates: Sequence[Candidate],
    slots: Mapping[int, int],
    seed_capacity: Mapping[int, int],
    *,
    fair_share: float = 2.0,
    exposure_penalty: float = 0.5,
    org_load: Mapping[int, int] | None = None,
) -> Assignment:
    """The best set of proposals: each need at most its slots, each seed at most its capacity,
    exposure spread across organisations.

    `org_load` counts proposals organisations already hold outside this assignment (an
    incremental refresh of a few needs): they use up the free tier first, so exposure is
    spread over the whole platform, not just over the needs being refreshed.
    """
    org_load = org_load or {}
    by_need: dict[int, list[Candidate]] = defaultdict(list)
    for c in candidates:
        if slots.get(c.need_id, 0) > 0 and seed_capacity.get(c.seed_id, 0) > 0:
            by_need[c.need_id].append(c)
    result = Assignment(chosen={need: [] for need in slots})
    if not by_need:
        return result
    # Shift costs so every candidate edge is cheaper than the bypass, whatever the scores.
    lowest = min(c.score for cands in by_need.values() for c in cands)
    total_slots = sum(slots[n] for n in by_need)
    orgs = {c.org_id for cands in by_need.values() for c in cands}
    quota = free_quota(total_slots + sum(org_load.values()), len(orgs | set(org_load)), fair_share)
    penalty = int(round(exposure_penalty * SCALE))
    top_cost = int(round((max(c.score for cs in by_need.values() for c in cs) - lowest) * SCALE))
    bypass = (top_cost + penalty * EXPOSURE_TIERS + 1) * 10 + 1

    g = nx.DiGraph()
    g.add_node("source", demand=-total_slots)
    g.add_node("sink", demand=total_slots)
    for need, cands in by_need.items():
        g.add_edge("source", ("n", need), capacity=slots[need], weight=0)
        g.add_edge(("n", need), "sink", capacity=slots[need], weight=bypass)
        for c in cands:
            cost = int(round((lowest - c.score) * SCALE))  # <= 0, best is most negative
            g.add_edge(("n", need), ("s", c.seed_id), capacity=1, weight=cost)
            g.add_edge(("s", c.seed_id), ("o", c.org_id), capacity=seed_capacity[c.seed_id])
    for org in orgs:
        # Tier boundaries at multiples of the quota, counted from the load already held.
        held = int(org_load.get(org, 0))
        for tier in range(EXPOSURE_TIERS):
            if tier < EXPOSURE_TIERS - 1:
                cap = max(0, min(quota, (tier + 1) * quota - held))
            else:
                cap = total_slots
            g.add_edge(("o", org), ("t", org, tier), capacity=cap, weight=penalty * tier)
            g.add_edge(("t", org, tier), "sink", capacity=cap, weight=0)
    flow = nx.min_cost_flow(g)

    for need, cands in by_need.items():
        picked = [c for c in cands if flow[("n", need)].get(("s", c.seed_id), 0) > 0]
        picked.sort(key=lambda c: -c.score)
        result.chosen[need] = picked
        result.total_score += sum(c.score for c in picked)
        best = sorted(cands, key=lambda c: -c.score)[: slots[need]]
        result.unconstrained_score += sum(c.score for c in best)
    return result
