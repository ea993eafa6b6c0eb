"""Fitting the term weights to labelled ties, with a held-out check and leave-egos-out cross-validation.

The fit is an L2-regularised logistic regression on the differences of feature vectors between a
positive and a negative tie of the same ego at the same time (the pairwise form of logistic
regression, which maximises a smooth version of the per-ego AUC). Each (ego, as_of) group weighs
the same, as in the metric. Weights are pulled towards the current defaults, not towards zero, and
kept to the sign the phenomenon has (more contact never lowers a score); the bias is then set by
an ordinary logistic regression with the ranking fixed. Everything is plain numpy.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import numpy.typing as npt

from tieline.strength.evaluate import auc, score_rows
from tieline.strength.events import F64
from tieline.strength.newton import minimise
from tieline.strength.terms import FITTED_SIGNS, TERM_NAMES, WEIGHTS
from tieline.strength.ties_data import InteractionLog, Pair, group_ids, load_log, read_pairs


@dataclass(frozen=True)
class TieDataset:
    """Feature rows of the labelled ties that have evidence, with their groups and egos."""

    x: F64  # (n, len(TERM_NAMES))
    y: F64
    group: npt.NDArray[np.int64]
    ego: npt.NDArray[np.str_]
    alter: npt.NDArray[np.str_]
    count: F64 | None = None  # rows as logged before as_of: the count baseline

    def subset(self, mask: npt.NDArray[np.bool_]) -> TieDataset:
        count = None if self.count is None else self.count[mask]
        return TieDataset(
            self.x[mask], self.y[mask], self.group[mask], self.ego[mask], self.alter[mask], count
        )


@dataclass(frozen=True)
class FitResult:
    """The weights to use (the fitted ones only if they did not do worse on held-out egos)."""

    weights: dict[str, float]
    fitted: dict[str, float]
    adopted: bool
    heldout_auc_fitted: float
    heldout_auc_defaults: float
    heldout_egos: list[str] = field(default_factory=list)


def dataset(log: InteractionLog, pairs: list[Pair]) -> TieDataset:
    """Features of every labelled row with at least one event before its as_of (the same score path)."""
    scored = score_rows(log, pairs)
    keep = (scored.n_events > 0) & np.isfinite(np.array([p.label for p in pairs]))
    groups = group_ids(pairs)
    gid = np.array([groups[(p.ego, p.as_of)] for p in pairs], dtype=np.int64)
    y = np.array([p.label for p in pairs], dtype=np.float64)
    ego = np.array([p.ego for p in pairs])
    alter = np.array([p.alter for p in pairs])
    return TieDataset(
        scored.features[keep],
        (y[keep] > 0.5).astype(np.float64),
        gid[keep],
        ego[keep],
        alter[keep],
        scored.n_rows[keep],
    )


def load_dataset(interactions_csv: Path, labels_csv: Path) -> TieDataset:
    return dataset(load_log(Path(interactions_csv)), read_pairs(Path(labels_csv)))


def per_ego_auc(values: F64, data: TieDataset) -> float:
    """Mean AUC over groups with both classes (ties count one half)."""
    per_group = [auc(values[data.group == g], data.y[data.group == g]) for g in np.unique(data.group)]
    aucs = [a for a in per_group if not np.isnan(a)]  # one AUC function: evaluate.auc
    return float(np.mean(aucs)) if aucs else float("nan")


def _pairs(data: TieDataset, cols: list[int]) -> tuple[F64, F64]:
    """Difference vectors positive - negative within each group, each group weighing 1 in total."""
    diffs: list[F64] = []
    weights: list[F64] = []
    x = data.x[:, cols]
    for g in np.unique(data.group):
        rows = np.flatnonzero(data.group == g)
        pos = rows[data.y[rows] > 0.5]
        neg = rows[data.y[rows] < 0.5]
        if pos.size == 0 or neg.size == 0:
            continue
        d = (x[pos][:, None, :] - x[neg][None, :, :]).reshape(-1, len(cols))
        diffs.append(d)
        weights.append(np.full(d.shape[0], 1.0 / d.shape[0]))
    if not diffs:
        return np.zeros((0, len(cols))), np.zeros(0)
    return np.vstack(diffs), np.concatenate(weights)


def _newton(d: F64, w_pairs: F64, prior: F64, lam: float, free: npt.NDArray[np.bool_]) -> F64:
    """Minimise sum w * log(1 + e^(-d.b)) + lam/2 |b - prior|^2 over the free coordinates."""

    def objective(b: F64) -> float:
        return float(w_pairs @ np.logaddexp(0.0, -(d @ b)) + 0.5 * lam * np.sum((b - prior) ** 2))

    b = prior.copy()
    idx = np.flatnonzero(free)
    if idx.size == 0:
        return b

    def step_at(v: F64) -> F64:
        p = 0.5 * (1.0 + np.tanh(0.5 * (d @ v)))
        grad = d.T @ (w_pairs * (p - 1.0)) + lam * (v - prior)
        hess = (d * (w_pairs * p * (1.0 - p))[:, None]).T @ d + lam * np.eye(v.shape[0])
        step = np.zeros_like(v)
        step[idx] = np.linalg.solve(hess[np.ix_(idx, idx)], grad[idx])
        return step

    return minimise(objective, step_at, b, smallest=1e-6)


def fit_weights(
    datasets: Sequence[TieDataset],
    base: Mapping[str, float] | None = None,
    lam: float = 0.05,
    signs: Mapping[str, float] = FITTED_SIGNS,
) -> dict[str, float]:
    """Fitted weights for the terms in ``signs`` (each data set weighing the same); others from ``base``."""
    start = dict(WEIGHTS if base is None else base)
    names = list(signs)
    cols = [TERM_NAMES.index(n) for n in names]
    parts = [_pairs(ds, cols) for ds in datasets]
    parts = [(d, w / w.sum()) for d, w in parts if w.size]
    if not parts:
        return start
    d = np.vstack([p[0] for p in parts])
    w = np.concatenate([p[1] for p in parts])
    prior = np.array([start[n] for n in names])
    sign = np.array([signs[n] for n in names])
    free = np.ones(len(names), dtype=bool)
    prior = np.where(prior * sign < 0, 0.0, prior)
    # Active set: a weight that wants the wrong sign is held at zero and the rest refitted.
    for _ in range(len(names)):
        b = _newton(d, w, np.where(free, prior, 0.0), lam, free)
        wrong = free & (b * sign < 0)
        if not wrong.any():
            break
        free &= ~wrong
    b = np.where(free, b, 0.0)
    fitted = dict(start)
    fitted.update({n: round(float(v), 3) for n, v in zip(names, b, strict=True)})
    return fitted


def search_weights(
    datasets: Sequence[TieDataset],
    start: Mapping[str, float] | None = None,
    signs: Mapping[str, float] = FITTED_SIGNS,
    anchor: str = "attention",
    steps: Sequence[float] = (0.2, 0.1, 0.05, 0.02),
) -> dict[str, float]:
    """Coordinate search on the mean per-ego AUC itself (how the shipped defaults were chosen).

    ``anchor`` keeps its starting weight (the AUC ignores the scale); every other term in ``signs``
    moves in small steps, keeping its sign, while the mean AUC over the data sets improves by more
    than 0.001 — a coarse search over few terms, so it cannot chase noise far.
    """
    w = dict(WEIGHTS if start is None else start)
    names = [n for n in signs if n != anchor]

    def value(weights: Mapping[str, float]) -> float:
        v = _vector(weights)
        return float(np.mean([per_ego_auc(ds.x @ v, ds) for ds in datasets]))

    best = value(w)
    for step in steps:
        improved = True
        while improved:
            improved = False
            for name in names:
                for delta in (step, -step):
                    trial = dict(w)
                    trial[name] = round(w[name] + delta, 4)
                    if trial[name] * signs[name] < 0:
                        continue
                    v = value(trial)
                    if v > best + 1e-3:
                        best, w, improved = v, trial, True
    return w


def fit_bias(data: TieDataset, weights: Mapping[str, float]) -> float:
    """The bias that makes the mean predicted probability match the labels, ranking fixed."""
    w = np.array([weights[n] for n in TERM_NAMES])
    w[TERM_NAMES.index("bias")] = 0.0
    offset = data.x @ w
    b = float(weights["bias"])
    for _ in range(50):
        p = 0.5 * (1.0 + np.tanh(0.5 * (offset + b)))
        grad = float(np.sum(p - data.y)) + 0.01 * (b - float(weights["bias"]))
        hess = float(np.sum(p * (1.0 - p))) + 0.01
        b -= grad / hess
    return round(b, 3)


def training_mask(data: TieDataset, held: set[str]) -> npt.NDArray[np.bool_]:
    """Rows a fit may learn from when the egos in ``held`` are scored: none of theirs, and none *to*
    them either (a tie to a held-out ego is that ego's tie seen from the other side, when both
    logged their phones: nearly the same features, the same label)."""
    return np.array(
        [e not in held and a not in held for e, a in zip(data.ego, data.alter, strict=True)], dtype=bool
    )


def split_egos(data: TieDataset, share: float = 0.3, seed: int = 0) -> tuple[TieDataset, TieDataset]:
    """Train and held-out parts with no ego in both (and no tie to a held-out ego in training);
    with fewer than 4 egos (a user's own answers) the ties themselves are split, positives and
    negatives alike."""
    rng = np.random.default_rng(seed)
    egos = np.unique(data.ego)
    if egos.size >= 4:
        held = set(rng.choice(egos, size=max(1, int(round(share * egos.size))), replace=False).tolist())
        mask = np.array([e in held for e in data.ego], dtype=bool)
        return data.subset(training_mask(data, held)), data.subset(mask)
    else:
        mask = np.zeros(data.y.shape[0], dtype=bool)
        for label in (0.0, 1.0):
            idx = np.flatnonzero(data.y == label)
            chosen = rng.choice(idx, size=int(round(share * idx.size)), replace=False) if idx.size else idx
            mask[chosen] = True
    return data.subset(~mask), data.subset(mask)


def fit(
    interactions_csv: Path,
    labels_csv: Path,
    base: Mapping[str, float] | None = None,
    heldout_share: float = 0.3,
    seed: int = 0,
) -> FitResult:
    """Refit the weights on a labelled data set; keep the defaults unless the fit is no worse held out."""
    data = load_dataset(interactions_csv, labels_csv)
    return fit_dataset(data, base, heldout_share, seed)


def fit_dataset(
    data: TieDataset, base: Mapping[str, float] | None = None, heldout_share: float = 0.3, seed: int = 0
) -> FitResult:
    current = dict(WEIGHTS if base is None else base)
    train, held = split_egos(data, heldout_share, seed)
    trial = fit_weights([train], current)
    trial["bias"] = fit_bias(train, trial)
    auc_fit = per_ego_auc(held.x @ _vector(trial), held)
    auc_base = per_ego_auc(held.x @ _vector(current), held)
    adopted = bool(np.isfinite(auc_fit) and (not np.isfinite(auc_base) or auc_fit >= auc_base))
    final = fit_weights([data], current) if adopted else current
    if adopted:
        final["bias"] = fit_bias(data, final)
    return FitResult(final, trial, adopted, auc_fit, auc_base, sorted(set(held.ego.tolist())))


def cross_validate(
    datasets: Mapping[str, TieDataset],
    k: int = 5,
    seed: int = 0,
    lam: float = 0.05,
    method: str = "logistic",
) -> dict[str, dict[str, float]]:
    """Leave-egos-out: fit on k-1 folds of every data set together, score the held-out egos.

    ``method`` is "logistic" (:func:`fit_weights`) or "search" (:func:`search_weights`).
    Training leaves out the ties *to* a held-out ego as well (:func:`training_mask`).
    """
    folds: dict[str, dict[str, int]] = {}
    for name, data in datasets.items():
        egos = np.unique(data.ego)
        rng = np.random.default_rng(seed)
        rng.shuffle(egos)
        folds[name] = {str(e): i % k for i, e in enumerate(egos)}
    out: dict[str, F64] = {name: np.full(data.y.shape[0], np.nan) for name, data in datasets.items()}
    for f in range(k):
        train = []
        for name, data in datasets.items():
            held = {e for e, fold in folds[name].items() if fold == f}
            train.append(data.subset(training_mask(data, held)))
        if method == "logistic":
            weights = fit_weights(train, lam=lam)
        else:  # from a neutral start (attention only), so the defaults' own choice is not leaked
            neutral = {**WEIGHTS, **{n: 0.0 for n in FITTED_SIGNS}, "attention": 0.6}
            weights = search_weights(train, neutral)
        w = _vector(weights)
        for name, data in datasets.items():
            test = np.array([folds[name][e] == f for e in data.ego])
            out[name][test] = data.x[test] @ w
    result: dict[str, dict[str, float]] = {}
    for name, data in datasets.items():
        result[name] = {
            "cv_per_ego_auc": per_ego_auc(out[name], data),
            "in_sample_defaults": per_ego_auc(data.x @ _vector(WEIGHTS), data),
        }
    return result


def _vector(weights: Mapping[str, float]) -> F64:
    return np.array([weights.get(n, WEIGHTS[n]) for n in TERM_NAMES], dtype=np.float64)
