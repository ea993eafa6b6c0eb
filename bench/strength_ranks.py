"""Third round: within-ego percentiles, window-normalised and saturating features, fitted jointly.

    PYTHONPATH=src python bench/strength_ranks.py [TIES_DIR]

Every (ego, as_of) group is scored with the ego's whole log before as_of (all of the ego's ties, as
the product sees its owner). Each feature set is fitted on both data sets at once (each data set and
each group weighing the same) by pairwise logistic regression with L2 on standardised columns, or by
the coordinate search on per-ego AUC; 5-fold leave-egos-out CV and in-sample AUC are printed.
Exploration only.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np

from tieline.strength.fit import FITTED_SIGNS
from tieline.strength.model import TERM_NAMES, design
from tieline.strength.ties_data import load_log, read_pairs

sys.path.insert(0, str(Path(__file__).resolve().parent))
from strength_explore import pair_index  # noqa: E402

DAY = 86400.0
L = np.log1p


def pct_within(g: np.ndarray, v: np.ndarray) -> np.ndarray:
    """Mid-rank percentile of v among the rows of the same group, in (0, 1]."""
    out = np.empty(v.size)
    for k in np.unique(g):
        r = np.flatnonzero(g == k)
        vv = v[r]
        u, inv = np.unique(vv, return_inverse=True)
        lo = np.searchsorted(np.sort(vv), u, side="left")
        hi = np.searchsorted(np.sort(vv), u, side="right")
        out[r] = ((lo + hi) / 2.0 + 0.5)[inv] / r.size
    return out


def rows_of(root: Path, name: str) -> dict[str, np.ndarray]:
    log = load_log(root / name / "interactions.csv")
    pairs = read_pairs(root / name / "labels.csv")
    groups: dict[tuple[str, float], list[int]] = {}
    for i, p in enumerate(pairs):
        groups.setdefault((p.ego, p.as_of), []).append(i)
    by_ego: dict[str, list[tuple[str, str]]] = {}
    for k in log.pairs:
        by_ego.setdefault(k[0], []).append(k)
    cols: dict[str, list] = {}

    def put(k: str, v: np.ndarray) -> None:
        cols.setdefault(k, []).append(np.asarray(v))

    for gi, ((ego, as_of), idx) in enumerate(groups.items()):
        keys = by_ego.get(ego, [])
        label = {pairs[i].alter: pairs[i].label for i in idx}
        ev_t, n = log.events_for(keys, as_of)
        x, ev, _ = design(ev_t, n, as_of)
        has = ev.n_events > 0
        m = int(has.sum())
        if m == 0:
            continue
        first = float(ev_t.t.min())
        window = max((as_of - first) / DAY, 1.0)
        ego_days = np.unique(np.floor(ev_t.t / DAY)).size
        put("ego", np.array([ego] * m))
        put("g", np.full(m, gi))
        put("label", np.array([label.get(k[1], np.nan) for k, h in zip(keys, has, strict=True) if h]))
        put("x", x[has])
        put("window", np.full(m, window))
        put("ego_days", np.full(m, float(ego_days)))
        put("ego_ties", np.full(m, float(m)))
        for f in (
            "n_events",
            "decayed",
            "n_days",
            "weekend_days",
            "last_age",
            "first_age",
            "rhythm",
            "span",
            "n_out",
            "n_in",
            "n_undirected",
            "replies",
            "call_minutes",
            "n_calls",
            "burstiness",
        ):
            put(f, getattr(ev, f)[has])
    return {k: np.concatenate(v) for k, v in cols.items()}


def feature_sets(d: dict[str, np.ndarray]) -> dict[str, tuple[list[str], np.ndarray]]:
    x = d["x"]
    g = d["g"]
    col = {n: x[:, TERM_NAMES.index(n)] for n in TERM_NAMES}
    learn = [*FITTED_SIGNS, "age"]
    model = np.column_stack([col[n] for n in learn])
    span = np.nan_to_num(d["span"], nan=0.0)
    ne, nd = d["n_events"], d["n_days"]
    w = d["window"]

    def P(v: np.ndarray) -> np.ndarray:
        return pct_within(g, v)

    pct = {
        "p_volume": P(d["decayed"]),
        "p_days": P(nd),
        "p_span": P(span),
        "p_events": P(ne),
        "p_recent": P(-np.nan_to_num(d["last_age"], nan=1e9)),
        "p_overdue": P(-col["overdue"]),
        "p_recip": P(col["reciprocity"]),
        "p_replies": P(d["replies"]),
        "p_talk": P(d["call_minutes"]),
        "p_first": P(np.nan_to_num(d["first_age"], nan=0.0)),
        "p_leisure": P(col["leisure"]),
    }
    win = {
        "span_w": span / w,
        "days_w": nd / w,
        "first_w": np.nan_to_num(d["first_age"], nan=0.0) / w,
        "days_frac": nd / d["ego_days"],
        "l_span_w": L(span) / L(w),
    }
    sat = {
        "l_events": L(ne),
        "sqrt_events": np.sqrt(ne),
        "l_days": L(nd),
        "sqrt_days": np.sqrt(nd),
        "per_day": L(ne / np.maximum(nd, 1)),
        "l_span": L(span),
    }
    allf = {**pct, **win, **sat}
    for i, n in enumerate(learn):
        allf["m_" + n] = model[:, i]

    def S(names: list[str]) -> tuple[list[str], np.ndarray]:
        return names, np.column_stack([allf[n] for n in names])

    m_ = ["m_" + n for n in learn]
    return {
        "model terms (raw)": S(m_),
        "percentiles only": S(list(pct)),
        "pct core (span,days,volume,recent,recip)": S(
            ["p_span", "p_days", "p_volume", "p_recent", "p_recip"]
        ),
        "pct span+days": S(["p_span", "p_days"]),
        "pct span+days+events": S(["p_span", "p_days", "p_events"]),
        "window-normalised": S(list(win)),
        "window + l_span": S([*win, "l_span"]),
        "saturating": S(list(sat)),
        "model + window": S(m_ + list(win)),
        "model + pct": S(m_ + list(pct)),
        "pct + window": S(list(pct) + list(win)),
        "pct + window + sat": S(list(pct) + list(win) + list(sat)),
        "everything": S(m_ + list(pct) + list(win) + list(sat)),
        "persistence pct + m": S(m_ + ["p_span", "days_frac", "span_w"]),
    }


def auc(v: np.ndarray, pi: tuple[np.ndarray, np.ndarray, np.ndarray]) -> float:
    # As in strength_explore, but percentiles need a tolerance: equal ranks differ by rounding.
    P, Q, W = pi
    diff = v[P] - v[Q]
    return float(W @ ((diff > 1e-12) + 0.5 * (np.abs(diff) <= 1e-12)))


def logistic(mats: list[np.ndarray], pis: list, lam: float) -> np.ndarray:
    ds = [m[pi[0]] - m[pi[1]] for m, pi in zip(mats, pis, strict=True)]
    ws = [pi[2] / len(mats) for pi in pis]
    D = np.vstack(ds)
    W = np.concatenate(ws)
    b = np.zeros(D.shape[1])
    for _ in range(50):
        z = D @ b
        p = 1.0 / (1.0 + np.exp(-z))
        grad = D.T @ (W * (p - 1.0)) + lam * b
        H = (D * (W * p * (1 - p))[:, None]).T @ D + lam * np.eye(b.size)
        step = np.linalg.solve(H, grad)
        b -= step
        if np.abs(step).max() < 1e-9:
            break
    return b


def search(
    mats: list[np.ndarray],
    pis: list,
    steps: tuple[float, ...] = (0.2, 0.1, 0.05, 0.02),
    signs: np.ndarray | None = None,
) -> np.ndarray:
    """Coordinate search on the mean per-ego AUC (first column anchored at 1, signs kept)."""
    w = np.zeros(mats[0].shape[1])
    w[0] = 1.0
    diffs = [(m[pi[0]] - m[pi[1]], pi[2]) for m, pi in zip(mats, pis, strict=True)]

    def value(v: np.ndarray) -> float:
        out = 0.0
        for dd, ww in diffs:
            z = dd @ v
            out += float(ww @ ((z > 1e-12) + 0.5 * (np.abs(z) <= 1e-12)))
        return out / len(diffs)

    best = value(w)
    for step in steps:
        improved = True
        while improved:
            improved = False
            for j in range(1, w.size):
                for delta in (step, -step):
                    trial = w.copy()
                    trial[j] += delta
                    if signs is not None and trial[j] * signs[j] < -1e-12:
                        continue
                    v = value(trial)
                    if v > best + 1e-3:
                        best, w, improved = v, trial, True
    return w


def cv(
    data: dict[str, dict], mats: dict[str, np.ndarray], fitter: Callable, k: int = 5, seed: int = 0
) -> tuple[list[float], list[float], np.ndarray]:
    folds = {}
    for name, d in data.items():
        egos = np.unique(d["ego"])
        np.random.default_rng(seed).shuffle(egos)
        fold_of = {e: i % k for i, e in enumerate(egos)}
        folds[name] = np.array([fold_of[e] for e in d["ego"]])
    pred = {name: np.zeros(d["label"].size) for name, d in data.items()}
    for f in range(k):
        pis = [pair_index(d, folds[n] != f) for n, d in data.items()]
        w = fitter(list(mats.values()), pis)
        for n in data:
            pred[n] = np.where(folds[n] == f, mats[n] @ w, pred[n])
    everyone = [pair_index(d, np.ones(d["label"].size, bool)) for d in data.values()]
    w = fitter(list(mats.values()), everyone)
    cvs = [auc(pred[n], pi) for n, pi in zip(data, everyone, strict=True)]
    ins = [auc(mats[n] @ w, pi) for n, pi in zip(data, everyone, strict=True)]
    return cvs, ins, w


SIGNS = {"m_overdue": -1.0, "m_burstiness": -1.0}  # every other column: more is stronger


def search_sets(d: dict[str, np.ndarray]) -> dict[str, list[str]]:
    m = ["m_" + n for n in (*FITTED_SIGNS, "age") if n != "persistence"]
    pc = [
        "p_volume",
        "p_days",
        "p_events",
        "p_recent",
        "p_recip",
        "p_replies",
        "p_talk",
        "p_first",
        "p_leisure",
    ]
    return {
        "persistence + model terms (as now)": ["m_persistence", *m],
        "percentile of span + model terms": ["p_span", *m],
        "percentile of span + percentiles": ["p_span", *pc],
        "span / window + model terms": ["span_w", *m],
        "ln(1+span) / ln(1+window) + model terms": ["l_span_w", *m],
        "persistence + model + days/window, day share": ["m_persistence", *m, "days_w", "days_frac"],
        "persistence + model + saturating counts": [
            "m_persistence",
            *m,
            "sqrt_events",
            "sqrt_days",
            "per_day",
        ],
    }


def main() -> None:
    shared = Path(os.environ.get("TIELINE_SHARED", Path(__file__).resolve().parents[2] / "shared"))
    root = Path(sys.argv[1]) if len(sys.argv) > 1 else shared / "data" / "ties"
    data = {n: rows_of(root, n) for n in ("social-evolution-dev", "copenhagen")}
    sets = {n: feature_sets(d) for n, d in data.items()}
    seeds = range(int(os.environ.get("SEEDS", "5")))

    def run(names: list[str], cols: dict[str, np.ndarray], fitter: Callable) -> str:
        sd = np.concatenate(list(cols.values())).std(axis=0)
        sd[sd == 0] = 1.0
        mats = {n: m / sd for n, m in cols.items()}
        res = [cv(data, mats, fitter, seed=s) for s in seeds]
        c0, ins, _ = res[0]
        avg = np.mean([r[0] for r in res], axis=0)
        return (
            f"CV {c0[0]:.3f} / {c0[1]:.3f}  CV mean of {len(res)} splits {avg[0]:.3f} / {avg[1]:.3f}"
            f"  in-sample {ins[0]:.3f} / {ins[1]:.3f}"
        )

    print("joint pairwise logistic regression, L2 on standardised columns (SE / CPH):")
    for fs in next(iter(sets.values())):
        names = sets["copenhagen"][fs][0]
        cols = {n: sets[n][fs][1] for n in data}
        for lam in (0.001, 0.01, 0.1, 1.0):
            print(f"  {fs:42s} L2 {lam:<6} " + run(names, cols, lambda m, p, lam=lam: logistic(m, p, lam)))
    print("coordinate search on per-ego AUC, first column anchored, signs kept (SE / CPH):")
    everything = {
        n: dict(zip(sets[n]["everything"][0], sets[n]["everything"][1].T, strict=True)) for n in data
    }
    for label, names in search_sets(data["copenhagen"]).items():
        cols = {n: np.column_stack([everything[n][c] for c in names]) for n in data}
        signs = np.array([SIGNS.get(c, 1.0) for c in names])
        print(f"  {label:46s} " + run(names, cols, lambda m, p, s=signs: search(m, p, signs=s)))


if __name__ == "__main__":
    main()
