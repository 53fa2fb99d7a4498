"""The scoring weights in force: the engine's defaults, overridden by `MATCHING_WEIGHTS`, and
replaced by the weights learned from coordinator-confirmed feedback when
`MATCHING_USE_LEARNED_WEIGHTS` is on and a learned set exists (`evaluation.weights_learn`)."""

from __future__ import annotations

from django.conf import settings

from matching.engine.investors import investor_weights
from matching.engine.scoring import DEFAULT_WEIGHTS, weights_from
from matching.models import EvaluationResult

# The EvaluationResult row name under which learned weights are stored.
LEARNED_WEIGHTS_NAME = "feedback:learned-weights"


def configured_weights() -> dict[str, float]:
    """`MATCHING_WEIGHTS` entries that name a scoring weight."""
    return {k: v for k, v in settings.MATCHING_WEIGHTS.items() if k in DEFAULT_WEIGHTS}


def learned_weights() -> dict[str, float]:
    """The latest learned weights, or {} when none were learned yet."""
    learned = EvaluationResult.objects.filter(gold_name=LEARNED_WEIGHTS_NAME).first()
    if learned is None:
        return {}
    return {k: v for k, v in learned.metrics.get("weights", {}).items() if k in DEFAULT_WEIGHTS}


def active_weights() -> dict[str, float]:
    """Settings (MATCHING_WEIGHTS) over the defaults, or over the learned weights when they are
    switched on."""
    base = learned_weights() if settings.MATCHING_USE_LEARNED_WEIGHTS else {}
    return weights_from({**base, **configured_weights()})


def active_investor_weights() -> dict[str, float]:
    """Investor-ranking weights: `investor_*` entries of MATCHING_WEIGHTS over the defaults."""
    raw = settings.MATCHING_WEIGHTS
    return investor_weights(
        {k.removeprefix("investor_"): v for k, v in raw.items() if k.startswith("investor_")}
    )
