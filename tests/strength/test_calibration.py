from __future__ import annotations

import numpy as np

from tests.strength.test_evaluate import synthetic
from tieline.strength.calibrate import (
    brier,
    calibration_error_debiased,
    ece,
    ece_equal_mass,
    fit_isotonic,
    fit_platt,
    fit_platt_shared,
    reliability,
)
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


def test_a_shared_slope_is_read_from_every_data_set_and_each_keeps_its_base_rate() -> None:
    rng = np.random.default_rng(3)
    zs = [rng.normal(size=n) for n in (300, 6000)]
    ys = [
        (rng.random(z.shape[0]) < 1.0 / (1.0 + np.exp(-(1.5 * z + b)))).astype(float)
        for z, b in zip(zs, (-0.5, 1.5), strict=True)
    ]
    small, large = fit_platt_shared(zs, ys)
    assert small.slope == large.slope and abs(small.slope - 1.5) < 0.1
    assert abs(small.intercept + 0.5) < 0.25 and abs(large.intercept - 1.5) < 0.1
    assert fit_platt_shared([], []) == []
    # With one data set it is Platt itself.
    (alone,) = fit_platt_shared(zs[:1], ys[:1])
    assert abs(alone.slope - fit_platt(zs[0], ys[0]).slope) < 1e-6


def test_the_debiased_error_reads_near_zero_where_the_plain_ece_shows_sampling_noise() -> None:
    rng = np.random.default_rng(4)
    p = rng.uniform(0.1, 0.9, size=500)
    calibrated = [(rng.random(500) < p).astype(float) for _ in range(30)]
    plain = np.mean([ece(p, y) for y in calibrated])
    debiased = np.mean([calibration_error_debiased(p, y) for y in calibrated])
    assert plain > 0.03 and debiased < plain / 2
    # A real miscalibration shows in every estimate, and Brier sees it without bins.
    off = np.clip(p + 0.15, 0, 1)
    y = calibrated[0]
    assert calibration_error_debiased(off, y) > 0.1 and ece_equal_mass(off, y) > 0.1
    assert brier(off, y) > brier(p, y)


def test_validation_measures_the_shared_slope_and_the_bin_robust_estimates() -> None:
    a, b = synthetic(seed=5, signal="attention"), synthetic(seed=6, signal="attention")
    result = validate({"a": a, "b": b}, splits=5)
    for v in result.values():
        assert 0.0 <= v.ece_shared < 0.2
        assert set(v.robust) == {"platt", "shared", "isotonic"}
        assert all(0.0 <= x < 0.35 for m in v.robust.values() for x in m.values())
        assert v.as_json()["calibration_estimates"]["shared"]["brier"] is not None
        assert sum(n for _, _, n, _, _ in v.reliability_shared) == sum(n for _, _, n, _, _ in v.reliability)
