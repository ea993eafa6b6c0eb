"""An evaluation a reviewer accepts: repeated leave-egos-out splits, the leakage guard, the paired
gain over counting with its interval, and out-of-fold calibration (ECE, reliability).

For each of ``splits`` shuffles of the egos into ``k`` folds, the learnable weights are chosen on the
other folds (:func:`search_weights` from a neutral start, every data set weighing the same), the map
from logit to probability is fitted on the other folds of the same data set (Platt and isotonic),
and the held-out egos are scored. Training never sees a held-out ego's ties seen from the other side
(:func:`training_mask`). The count baseline is scored on the very same groups.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

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
from tieline.strength.evaluate import ego_interval, ego_resamples
from tieline.strength.events import F64
from tieline.strength.fit import TieDataset, _vector, per_ego_auc, search_weights, training_mask
from tieline.strength.terms import FITTED_SIGNS, WEIGHTS

NEUTRAL = {**WEIGHTS, **{name: 0.0 for name in FITTED_SIGNS}, "attention": 0.6}


@dataclass
class Validation:
    """Figures for one data set, averaged over the splits."""

    splits: int
    auc: float
    auc_count: float
    gain: float
    gain_low: float
    gain_high: float
    not_better: float  # share of ego resamples in which the model does not beat counting
    auc_by_split: list[float] = field(default_factory=list)
    ece_platt: float = float("nan")
    ece_isotonic: float = float("nan")
    ece_if_calibrated: float = float("nan")  # the ECE labels drawn from the Platt probabilities would show
    reliability: list[tuple[float, float, int, float, float]] = field(default_factory=list)
    # One Platt slope over every data set's training egos, an intercept per data set (measured, not shipped).
    ece_shared: float = float("nan")
    # The same maps judged by estimates that lean less on 10 bins of a few hundred ties: per map
    # ("platt", "shared", "isotonic") the ECE over equal-mass bins, the debiased calibration error and Brier.
    robust: dict[str, dict[str, float]] = field(default_factory=dict)
    reliability_shared: list[tuple[float, float, int, float, float]] = field(default_factory=list)

    def as_json(self) -> dict[str, object]:
        def r(v: float) -> float | None:
            return None if not np.isfinite(v) else round(float(v), 4)

        return {
            "splits": self.splits,
            "per_ego_auc": r(self.auc),
            "per_ego_auc_count": r(self.auc_count),
            "gain_over_count": r(self.gain),
            "gain_low": r(self.gain_low),
            "gain_high": r(self.gain_high),
            "not_better_share": r(self.not_better),
            "per_ego_auc_by_split": [r(a) for a in self.auc_by_split],
            "ece_platt": r(self.ece_platt),
            "ece_isotonic": r(self.ece_isotonic),
            "ece_if_calibrated": r(self.ece_if_calibrated),
            "ece_platt_shared_slope": r(self.ece_shared),
            "calibration_estimates": {
                m: {key: r(v) for key, v in values.items()} for m, values in self.robust.items()
            },
            "reliability": [
                {"low": lo, "high": hi, "ties": n, "mean_probability": r(mp), "observed": r(obs)}
                for lo, hi, n, mp, obs in self.reliability
            ],
        }


def _group_aucs(values: F64, data: TieDataset) -> dict[int, tuple[str, float]]:
    out: dict[int, tuple[str, float]] = {}
    for g in np.unique(data.group):
        rows = data.group == g
        pos = values[rows][data.y[rows] > 0.5]
        neg = values[rows][data.y[rows] < 0.5]
        if pos.size and neg.size:
            wins = (pos[:, None] > neg[None, :]).sum() + 0.5 * (pos[:, None] == neg[None, :]).sum()
            out[int(g)] = (str(data.ego[rows][0]), float(wins) / (pos.size * neg.size))
    return out


def validate(datasets: Mapping[str, TieDataset], splits: int = 5, k: int = 5) -> dict[str, Validation]:
    """Repeated leave-egos-out cross-validation of the whole recipe (weights and calibration)."""
    logits: dict[str, list[F64]] = {name: [] for name in datasets}
    platt: dict[str, list[F64]] = {name: [] for name in datasets}
    iso: dict[str, list[F64]] = {name: [] for name in datasets}
    shared: dict[str, list[F64]] = {name: [] for name in datasets}
    for seed in range(splits):
        folds: dict[str, dict[str, int]] = {}
        for name, data in datasets.items():
            egos = np.unique(data.ego)
            np.random.default_rng(seed).shuffle(egos)
            folds[name] = {str(e): i % k for i, e in enumerate(egos)}
        z = {name: np.full(d.y.shape[0], np.nan) for name, d in datasets.items()}
        pp = {name: np.full(d.y.shape[0], np.nan) for name, d in datasets.items()}
        pi = {name: np.full(d.y.shape[0], np.nan) for name, d in datasets.items()}
        ps = {name: np.full(d.y.shape[0], np.nan) for name, d in datasets.items()}
        for f in range(k):
            train: dict[str, TieDataset] = {}
            for name, data in datasets.items():
                held = {e for e, fold in folds[name].items() if fold == f}
                train[name] = data.subset(training_mask(data, held))
            usable = [t for t in train.values() if np.isfinite(per_ego_auc(t.x[:, 0], t))]
            w = _vector(search_weights(usable, NEUTRAL) if usable else NEUTRAL)
            labelled = [name for name in datasets if train[name].y.size]
            maps = fit_platt_shared([train[n].x @ w for n in labelled], [train[n].y for n in labelled])
            shared_map = dict(zip(labelled, maps, strict=True))
            for name, data in datasets.items():
                test = np.array([folds[name][str(e)] == f for e in data.ego], dtype=bool)
                if not test.any() or not train[name].y.size:
                    continue
                tz = train[name].x @ w
                z[name][test] = data.x[test] @ w
                pp[name][test] = fit_platt(tz, train[name].y)(data.x[test] @ w)
                pi[name][test] = fit_isotonic(tz, train[name].y)(data.x[test] @ w)
                ps[name][test] = shared_map[name](data.x[test] @ w)
        for name in datasets:
            logits[name].append(z[name])
            platt[name].append(pp[name])
            iso[name].append(pi[name])
            shared[name].append(ps[name])
    return {
        name: _summarise(data, logits[name], platt[name], iso[name], shared[name])
        for name, data in datasets.items()
    }


def _summarise(
    data: TieDataset, logits: list[F64], platt: list[F64], iso: list[F64], shared: list[F64]
) -> Validation:
    count = data.count if data.count is not None else np.zeros(data.y.shape[0])
    base = _group_aucs(count, data)
    per_split = [_group_aucs(z, data) for z in logits]
    groups = sorted(set(base).intersection(*per_split)) if per_split else []
    egos = [base[g][0] for g in groups]
    model_mean = [float(np.mean([s[g][1] for s in per_split])) for g in groups]
    gains = [m - base[g][1] for m, g in zip(model_mean, groups, strict=True)]
    low, high = ego_interval(gains, egos)
    not_better = float(np.mean(ego_resamples(gains, egos) <= 0)) if gains else float("nan")
    ok = [np.isfinite(p) for p in platt]
    pooled = np.concatenate([p[m] for p, m in zip(platt, ok, strict=True)]) if platt else np.zeros(0)
    # How large the ECE is from sampling alone: labels drawn from one split's probabilities themselves.
    first = platt[0][ok[0]] if platt else np.zeros(0)
    draws = np.random.default_rng(0).random((50, first.shape[0])) < first
    noise = float(np.mean([ece(first, d) for d in draws])) if first.size else float("nan")
    return Validation(
        splits=len(logits),
        auc=float(np.mean(model_mean)) if groups else float("nan"),
        auc_count=float(np.mean([base[g][1] for g in groups])) if groups else float("nan"),
        gain=float(np.mean(gains)) if gains else float("nan"),
        gain_low=low,
        gain_high=high,
        not_better=not_better,
        auc_by_split=[float(np.mean([s[g][1] for g in groups])) for s in per_split] if groups else [],
        ece_platt=_mean([ece(p[m], data.y[m]) for p, m in zip(platt, ok, strict=True) if m.any()]),
        ece_isotonic=_mean([ece(p[m], data.y[m]) for p, m in zip(iso, ok, strict=True) if m.any()]),
        ece_if_calibrated=noise,
        reliability=reliability(pooled, np.concatenate([data.y[m] for m in ok])),
        reliability_shared=reliability(
            np.concatenate([p[m] for p, m in zip(shared, ok, strict=True)]) if shared else np.zeros(0),
            np.concatenate([data.y[m] for m in ok]) if ok else np.zeros(0),
        ),
        ece_shared=_mean([ece(p[m], data.y[m]) for p, m in zip(shared, ok, strict=True) if m.any()]),
        robust={
            label: {
                "ece_equal_mass": _mean([ece_equal_mass(p[m], data.y[m]) for p, m in pairs if m.any()]),
                "debiased": _mean([calibration_error_debiased(p[m], data.y[m]) for p, m in pairs if m.any()]),
                "brier": _mean([brier(p[m], data.y[m]) for p, m in pairs if m.any()]),
            }
            for label, maps in (("platt", platt), ("shared", shared), ("isotonic", iso))
            for pairs in [list(zip(maps, ok, strict=True))]
        },
    )


def _mean(values: list[float]) -> float:
    return float(np.mean(values)) if values else float("nan")
