"""Organisation-to-organisation partnerships (company × university) from the organisation
rankings of each company's needs. The ranking sums every link's strength; the evidence (what
a reader is shown) lists only links whose seed–need pair is worth reading (relevance at or
above the floor)."""

from __future__ import annotations

from collections import defaultdict

from django.conf import settings
from django.db import transaction

from matching.engine.aggregation import OrgLink, partnerships
from matching.engine.explain import partnership_evidence
from matching.engine.relevance import worth_proposing
from matching.engine.text import shared_terms
from matching.models import (
    MatchScore,
    OrganizationRanking,
    PartnershipProposal,
)
from matching.models.results import ProposalStatus
from profiles.models import Seed
from profiles.selectors.readiness import readiness_scores

from ..embedding import matchable

# --- Partnerships -----------------------------------------------------------------------------


def partnership_needs():
    """The needs a company's partnerships are built from: its named ones. A partnership names
    the company, so a need it published anonymously must not be its evidence."""
    return matchable("need").filter(is_anonymous=False)


def partnerships_refresh(*, company_ids: list[int] | None = None) -> int:
    """Recompute the organisation-to-organisation partnerships of these companies."""
    needs_qs = partnership_needs()
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
    readiness_weight = settings.MATCHING_PARTNER_READINESS_WEIGHT
    academic_ids = {link.org_id for links in links_by_need.values() for link in links}
    readiness = readiness_scores(org_ids=academic_ids) if readiness_weight else {}
    table = partnerships(
        links_by_need, company_of, readiness=readiness, readiness_weight=readiness_weight
    )
    seed_ids = {link.seed_row for links in links_by_need.values() for link in links}
    seeds = {s.id: s for s in Seed.objects.filter(id__in=seed_ids)}
    relevance = {
        (n, s): r
        for n, s, r in MatchScore.objects.filter(need_id__in=list(needs)).values_list(
            "need_id", "seed_id", "relevance"
        )
    }
    floor = settings.MATCHING_RELEVANCE_FLOOR
    # A link beyond the stored top seeds of its need has no stored relevance: with a
    # calibration it is far below the floor; without one every link is shown, as before.
    calibrated = any(r is not None for r in relevance.values())

    def worth_reading(need_id: int, seed_id: int) -> bool:
        if (need_id, seed_id) not in relevance:
            return not calibrated
        return worth_proposing(relevance[(need_id, seed_id)], floor)

    limit = settings.MATCHING_PARTNERS_PER_COMPANY
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
                shown = [
                    (link, strength)
                    for link, strength in p.links
                    if worth_reading(link.need_id, link.seed_row)
                ]
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
                            "relevance": relevance.get((link.need_id, link.seed_row)),
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
                        for link, strength in shown
                    ]
                )
                strength = sum(st for _, st in p.links)
                signals = {
                    "links": round(strength, 4),
                    "breadth": len({link.seed_row for link, _ in shown}),
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
