"""From the linear score to a probability that means what it says: Platt and isotonic maps, ECE.

Platt scaling (a logistic regression of the label on the logit) keeps the model a sum of terms: its
slope and intercept fold into the weights and the bias. Isotonic regression (pool adjacent
violators) is the flexible alternative, and :func:`fit_platt_shared` the stiffer one (one slope over
several data sets, an intercept each); ``tieline model eval`` measures them out of fold.

ECE over 10 equal-width bins is what the issue asks for; on a few hundred ties it is mostly sampling
noise, so :func:`ece_equal_mass`, :func:`calibration_error_debiased` and :func:`brier` are reported
beside it to tell a real difference between maps from a lucky draw.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from tieline.strength.events import F64
from tieline.strength.newton import minimise

BINS = 10


@dataclass(frozen=True)
class Platt:
    slope: float
    intercept: float

    def __call__(self, z: F64) -> F64:
        return np.asarray(1.0 / (1.0 + np.exp(-(self.slope * z + self.intercept))), dtype=np.float64)


def fit_platt(z: F64, y: F64, l2: float = 1e-3) -> Platt:
    """Maximum-likelihood slope and intercept (a whisker of L2 keeps separable data finite)."""
    b = np.zeros(2)
    x = np.column_stack([z, np.ones_like(z)])

    def loss(v: F64) -> float:
        s = x @ v
        return float(np.sum(np.logaddexp(0.0, s) - y * s) + 0.5 * l2 * v @ v)

    def step_at(v: F64) -> F64:
        p = 1.0 / (1.0 + np.exp(-(x @ v)))
        grad = x.T @ (p - y) + l2 * v
        hess = (x * (p * (1.0 - p))[:, None]).T @ x + l2 * np.eye(2)
        return np.asarray(np.linalg.solve(hess, grad), dtype=np.float64)

    b = minimise(loss, step_at, b)
    return Platt(float(b[0]), float(b[1]))


def fit_platt_shared(zs: Sequence[F64], ys: Sequence[F64], l2: float = 1e-3) -> list[Platt]:
    """One slope for all data sets, one intercept each (their base rates differ): the slope is read
    from every labelled tie at once instead of from one small data set's."""
    k = len(zs)
    if k == 0:
        return []
    x = np.vstack([np.column_stack([z, np.tile(np.eye(k)[j], (z.shape[0], 1))]) for j, z in enumerate(zs)])
    y = np.concatenate([np.asarray(v, dtype=np.float64) for v in ys])

    def loss(v: F64) -> float:
        s = x @ v
        return float(np.sum(np.logaddexp(0.0, s) - y * s) + 0.5 * l2 * v @ v)

    def step_at(v: F64) -> F64:
        p = 1.0 / (1.0 + np.exp(-(x @ v)))
        grad = x.T @ (p - y) + l2 * v
        hess = (x * (p * (1.0 - p))[:, None]).T @ x + l2 * np.eye(k + 1)
        return np.asarray(np.linalg.solve(hess, grad), dtype=np.float64)

    b = minimise(loss, step_at, np.zeros(k + 1))
    return [Platt(float(b[0]), float(b[1 + j])) for j in range(k)]


@dataclass(frozen=True)
class Isotonic:
    edges: F64  # the upper score of each block, ascending
    values: F64  # the block's observed rate

    def __call__(self, z: F64) -> F64:
        idx = np.minimum(np.searchsorted(self.edges, z, side="left"), self.edges.shape[0] - 1)
        return np.asarray(self.values[idx], dtype=np.float64)


def fit_isotonic(z: F64, y: F64) -> Isotonic:
    """Pool adjacent violators: the non-decreasing step function closest to the labels."""
    order = np.argsort(z, kind="mergesort")
    zs, ys = z[order], y[order].astype(np.float64)
    means: list[float] = []
    weights: list[float] = []
    tops: list[float] = []
    for zi, yi in zip(zs, ys, strict=True):
        means.append(float(yi))
        weights.append(1.0)
        tops.append(float(zi))
        while len(means) > 1 and means[-2] >= means[-1]:
            w = weights[-2] + weights[-1]
            m = (means[-2] * weights[-2] + means[-1] * weights[-1]) / w
            means[-2:] = [m]
            weights[-2:] = [w]
            tops[-2:] = [tops[-1]]
    return Isotonic(np.array(tops), np.array(means))


def reliability(p: F64, y: npt.ArrayLike, bins: int = BINS) -> list[tuple[float, float, int, float, float]]:
    """(bin low, bin high, ties, mean probability, observed share) over equal-width bins of p."""
    which = np.minimum((p * bins).astype(np.int64), bins - 1)
    y = np.asarray(y, dtype=np.float64)
    out = []
    for b in range(bins):
        m = which == b
        n = int(m.sum())
        if n:
            out.append((b / bins, (b + 1) / bins, n, float(p[m].mean()), float(y[m].mean())))
    return out


def ece(p: F64, y: npt.ArrayLike, bins: int = BINS) -> float:
    """Expected calibration error: the ties-weighted mean |mean probability - observed share| per bin."""
    if p.shape[0] == 0:
        return float("nan")
    rows = reliability(p, y, bins)
    return float(sum(n * abs(mp - obs) for _, _, n, mp, obs in rows) / p.shape[0])


def ece_equal_mass(p: F64, y: npt.ArrayLike, bins: int = BINS) -> float:
    """ECE over bins holding equal numbers of ties (no bin of eleven ties weighing on the figure)."""
    if p.shape[0] == 0:
        return float("nan")
    y = np.asarray(y, dtype=np.float64)
    parts = np.array_split(np.argsort(p, kind="mergesort"), bins)
    return float(sum(abs(p[i].mean() - y[i].mean()) * i.size for i in parts if i.size) / p.shape[0])


def calibration_error_debiased(p: F64, y: npt.ArrayLike, bins: int = BINS) -> float:
    """The root of the squared calibration error over equal-width bins, less each bin's sampling
    variance (Bröcker 2012; Kumar, Liang & Ma 2019): near zero for labels drawn from ``p`` itself,
    where the plain ECE of a few hundred ties reads 0.04."""
    if p.shape[0] == 0:
        return float("nan")
    y = np.asarray(y, dtype=np.float64)
    which = np.minimum((p * bins).astype(np.int64), bins - 1)
    total = 0.0
    for b in range(bins):
        m = which == b
        n = int(m.sum())
        if n < 2:
            continue
        rate = float(y[m].mean())
        total += n / p.shape[0] * ((float(p[m].mean()) - rate) ** 2 - rate * (1.0 - rate) / (n - 1))
    return float(np.sqrt(max(total, 0.0)))


def brier(p: F64, y: npt.ArrayLike) -> float:
    """Mean squared difference between probability and label: a proper score, no bins at all."""
    return float(np.mean((p - np.asarray(y, dtype=np.float64)) ** 2)) if p.shape[0] else float("nan")
