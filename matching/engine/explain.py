"""Explanations a person can check, built from PUBLIC material only.

Callers pass public texts (titles, public summaries, keywords): never `confidential_details`.
An explanation lists each signal's contribution to the score, the terms both texts share, and,
for a partnership, the seed–need links behind it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from .text import shared_terms

SIGNAL_ORDER = ("semantic", "lexical", "mode", "trl", "budget", "region", "capacity", "readiness")


def match_explanation(
    *,
    need_text: str,
    seed_text: str,
    need_keywords: Sequence[str] = (),
    seed_keywords: Sequence[str] = (),
    signals: Mapping[str, float],
) -> dict:
    ordered = {k: float(signals[k]) for k in SIGNAL_ORDER if k in signals}
    ordered.update({k: float(v) for k, v in signals.items() if k not in ordered})
    return {
        "shared_terms": shared_terms(
            need_text, seed_text, list(need_keywords), list(seed_keywords)
        ),
        "signals": ordered,
        "score": round(sum(ordered.values()), 4),
    }


def partnership_evidence(links: Sequence[Mapping]) -> list[dict]:
    """The seed–need links behind a partnership, strongest first (public titles only).

    Each link mapping has need_id, need_title, seed_id, seed_title, score, strength and
    optionally shared_terms.
    """
    allowed = (
        "need_id",
        "need_title",
        "seed_id",
        "seed_title",
        "score",
        "relevance",
        "strength",
        "shared_terms",
    )
    return [
        {k: link[k] for k in allowed if k in link}
        for link in sorted(links, key=lambda item: -float(item.get("strength", 0)))
    ]
