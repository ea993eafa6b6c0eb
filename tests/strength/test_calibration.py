from __future__ import annotations

import numpy as np

from tests.strength.test_evaluate import synthetic
from tieline.strength.calibrate import ece, fit_isotonic, fit_platt, reliability
from tieline.strength.fit import TieDataset
from tieline.strength.validate import validate


def test_platt_recovers_the_map_that_made_the_labels_and_then_has_a_small_ece() -> None:
    rng = np.random.default_rng(0)
    z = rng.normal(size=20000)
    p = 1.0 / (1.0 + np.exp(-(2.0 * z - 1.0)))
    y = (rng.random(z.shape[0]) < p).astype(float)
    platt = fit_platt(z, y)
    assert abs(platt.slope - 2.0) < 0.1 and abs(platt.intercept + 1.0) < 0.1
    assert ece(platt(z), y) < 0.02
    # An uncalibrated map (the raw logistic of z) shows a large error.
    assert ece(1.0 / (1.0 + np.exp(-z)), y) > 0.05


def test_isotonic_is_non_decreasing_and_reliability_bins_add_up() -> None:
    rng = np.random.default_rng(1)
    z = rng.normal(size=500)
    y = (rng.random(500) < 1 / (1 + np.exp(-z))).astype(float)
    iso = fit_isotonic(z, y)
    grid = np.linspace(-4, 4, 50)
    assert np.all(np.diff(iso(grid)) >= 0)
    rows = reliability(iso(z), y)
    assert sum(n for _, _, n, _, _ in rows) == 500
    assert all(0 <= lo < hi <= 1 for lo, hi, _, _, _ in rows)


def test_validation_averages_splits_guards_leaks_and_pairs_the_gain_over_count() -> None:
    a = synthetic(seed=1, signal="attention")
    count = a.x[:, 1]  # a count baseline that follows the signal (attention is column 1), plus noise
    data = TieDataset(
        a.x, a.y, a.group, a.ego, a.alter, count + np.random.default_rng(2).normal(size=count.size)
    )
    result = validate({"a": data}, splits=5)["a"]
    assert result.splits == 5 and len(result.auc_by_split) == 5
    assert result.gain_low <= result.gain <= result.gain_high
    assert 0.0 <= result.ece_platt < 0.2 and 0.0 <= result.ece_isotonic < 0.3
    assert result.as_json()["reliability"]
