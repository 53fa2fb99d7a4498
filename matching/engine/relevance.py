"""Calibrated relevance of a (need, seed) pair: the probability, in [0, 1], that a person would
call the seed relevant to the need.

The matcher's score orders the seeds of one need but says nothing absolute: it is a per-need
z-score plus structured signals, so the best of nothing still scores high. The calibration maps
the semantic z-score (the language-corrected cosine standardised over the seed corpus, see
`scoring.score_needs`) to a probability with a one-feature logistic regression (Platt
scaling), fitted on graded pairs of a gold file, and multiplies it by the structured conflicts
(`mode`, `trl`: 0 when the collaboration modes exclude each other, a third less per TRL level
outside the need's range). The conflicts are a prior, not fitted: a development set where every
pair shares a mode cannot teach them.

Why this model (docs/matching.md has the figures): under leave-one-company-out
cross-validation it keeps its in-sample quality (AUC, Brier, the proposal figures), whereas
isotonic regression on the fused score fits better in-sample and worse held-out, and adding
shared terms, the margin over the need's median or a cross-language indicator adds nothing
held-out.

The parameters are data (stored with the embedding model's id by the caller), never constants
here: a z-score of another model means something else. Everything here is pure: NumPy,
scikit-learn and dataclasses.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field

import numpy as np

# Structured signals whose value in [0, 1] multiplies the probability (a conflict lowers it).
CONFLICT_SIGNALS = ("mode", "trl")
METHOD = "platt-z"
BANDS = ("strong", "possible", "weak")


def _sigmoid(x):
    return 1.0 / (1.0 + np.exp(-np.asarray(x, dtype=float)))


@dataclass(frozen=True)
class Calibration:
    """p = sigmoid(intercept + slope · z) × Π conflict fits."""

    model_id: str
    intercept: float
    slope: float
    method: str = METHOD

    def probability(self, z, conflict=1.0) -> np.ndarray:
        p = _sigmoid(self.intercept + self.slope * np.asarray(z, dtype=float))
        return np.clip(p * np.asarray(conflict, dtype=float), 0.0, 1.0)

    def z_at(self, p: float) -> float:
        """The semantic z-score at which a pair without conflicts reaches probability p."""
        p = min(max(p, 1e-9), 1 - 1e-9)
        return (math.log(p / (1 - p)) - self.intercept) / self.slope

    def as_dict(self) -> dict:
        return asdict(self)


def signal_value(
    signals: Mapping[str, float], weights: Mapping[str, float], name: str
) -> float | None:
    """A signal's value (contribution / weight), or None when its weight is 0 (unknown)."""
    weight = float(weights.get(name, 0.0) or 0.0)
    if not weight or name not in signals:
        return None
    return float(signals[name]) / weight


def relevance_of(
    calibration: Calibration | None, signals: Mapping[str, float], weights: Mapping[str, float]
) -> float | None:
    """The calibrated relevance of one stored pair (its signals and the weights they were
    computed with), or None without a calibration or a semantic signal."""
    if calibration is None:
        return None
    z = signal_value(signals, weights, "semantic")
    if z is None:
        return None
    conflict = 1.0
    for name in CONFLICT_SIGNALS:
        value = signal_value(signals, weights, name)
        if value is not None:  # a signal switched off says nothing: no objection
            conflict *= min(max(value, 0.0), 1.0)
    return round(float(calibration.probability(z, conflict)), 4)


def relevance_of_contributions(
    calibration: Calibration | None,
    contributions: Mapping[str, np.ndarray],
    weights: Mapping[str, float],
) -> np.ndarray | None:
    """`relevance_of` for every row of a ranking (SeedRanking.contributions)."""
    if calibration is None or not float(weights.get("semantic", 0.0) or 0.0):
        return None
    if "semantic" not in contributions:
        return None
    z = np.asarray(contributions["semantic"], dtype=float) / float(weights["semantic"])
    conflict = np.ones_like(z)
    for name in CONFLICT_SIGNALS:
        weight = float(weights.get(name, 0.0) or 0.0)
        if weight and name in contributions:
            conflict *= np.clip(np.asarray(contributions[name], dtype=float) / weight, 0.0, 1.0)
    return np.round(calibration.probability(z, conflict), 4)


def worth_proposing(relevance: float | None, floor: float) -> bool:
    """A pair becomes a proposal candidate at or above the floor; without a calibration
    (relevance None) every pair stays a candidate, as before calibration existed."""
    return relevance is None or relevance >= floor


def band(relevance: float | None, *, floor: float, strong: float) -> str | None:
    """strong (>= strong), possible (>= floor) or weak; None without a calibration."""
    if relevance is None:
        return None
    if relevance >= strong:
        return "strong"
    if relevance >= floor:
        return "possible"
    return "weak"


# --- Fitting and held-out evaluation ---------------------------------------------------------


def fit_platt(z: Sequence[float], labels: Sequence[int], *, C: float = 1.0) -> tuple[float, float]:
    """(intercept, slope) of a logistic regression of the labels on z, in raw z units.

    z is standardised for the fit (L2 regularisation C applies to a unit-free coefficient),
    then the coefficients are converted back. Raises ValueError with fewer than two classes.
    """
    from sklearn.linear_model import LogisticRegression

    x = np.asarray(z, dtype=float)
    y = np.asarray(labels, dtype=int)
    if len(set(y.tolist())) < 2:
        raise ValueError("the calibration needs relevant and non-relevant pairs")
    mu, sd = float(x.mean()), float(x.std()) or 1.0
    model = LogisticRegression(C=C, max_iter=5000).fit(((x - mu) / sd).reshape(-1, 1), y)
    slope = float(model.coef_[0][0]) / sd
    intercept = float(model.intercept_[0]) - slope * mu
    return intercept, slope


def fit_isotonic(score: Sequence[float], labels: Sequence[int]):
    """Isotonic regression of the labels on a score (compared, not used: it overfits)."""
    from sklearn.isotonic import IsotonicRegression

    return IsotonicRegression(out_of_bounds="clip", y_min=0.0, y_max=1.0).fit(
        np.asarray(score, dtype=float), np.asarray(labels, dtype=int)
    )


@dataclass
class HeldOut:
    """Out-of-fold predictions of leave-one-group-out cross-validation."""

    predictions: np.ndarray
    folds: list[dict] = field(default_factory=list)  # group, intercept, slope (Platt)


def loco_platt(
    z: Sequence[float], labels: Sequence[int], groups: Sequence[str], *, C: float = 1.0
) -> HeldOut:
    """Leave-one-group-out (the group is the need's company): each group's pairs are predicted
    by a calibration fitted on the other groups' pairs."""
    from sklearn.model_selection import LeaveOneGroupOut

    x, y, g = np.asarray(z, float), np.asarray(labels, int), np.asarray(groups)
    out = np.zeros(len(x))
    folds = []
    for train, test in LeaveOneGroupOut().split(x, y, g):
        try:
            a, b = fit_platt(x[train], y[train], C=C)
        except ValueError as exc:
            raise ValueError(f"without {g[test][0]}: {exc}") from exc
        out[test] = Calibration("", a, b).probability(x[test])
        folds.append({"group": str(g[test][0]), "intercept": a, "slope": b})
    return HeldOut(out, folds)


def loco_isotonic(
    score: Sequence[float], labels: Sequence[int], groups: Sequence[str]
) -> np.ndarray:
    from sklearn.model_selection import LeaveOneGroupOut

    x, y, g = np.asarray(score, float), np.asarray(labels, int), np.asarray(groups)
    out = np.zeros(len(x))
    for train, test in LeaveOneGroupOut().split(x, y, g):
        out[test] = fit_isotonic(x[train], y[train]).predict(x[test])
    return out


def discrimination(labels: Sequence[int], p: Sequence[float]) -> dict[str, float]:
    """AUC and Brier score of predictions (scikit-learn)."""
    from sklearn.metrics import brier_score_loss, roc_auc_score

    y, q = np.asarray(labels, int), np.asarray(p, float)
    auc = float(roc_auc_score(y, q)) if len(set(y.tolist())) == 2 else float("nan")
    return {"auc": round(auc, 4), "brier": round(float(brier_score_loss(y, q)), 4)}


def floor_plateau(
    curve: Sequence[Mapping], *, precision: float, recall: float
) -> tuple[float, float] | None:
    """The widest run of consecutive floors of a curve (rows with floor, proposal_precision,
    proposal_recall, no_match_proposals) where every target holds, as (lowest, highest)."""
    best: tuple[float, float] | None = None
    start = None
    ok_rows = [
        r["proposal_precision"] >= precision
        and r["proposal_recall"] >= recall
        and r["no_match_proposals"] == 0
        for r in curve
    ]
    for i, ok in enumerate([*ok_rows, False]):
        if ok and start is None:
            start = i
        elif not ok and start is not None:
            lo, hi = float(curve[start]["floor"]), float(curve[i - 1]["floor"])
            if best is None or hi - lo > best[1] - best[0]:
                best = (lo, hi)
            start = None
    return best


def suggested_floor(plateau: tuple[float, float] | None, *, margin: float = 0.1) -> float | None:
    """The floor to ship: `margin` above the low edge of the held-out plateau (precision falls
    below it), never above its high edge (recall falls above it)."""
    if plateau is None:
        return None
    lo, hi = plateau
    return round(min(lo + margin, hi), 2)
