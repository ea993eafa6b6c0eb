"""Candidate terms tried for the tie-strength model, each measured by leave-egos-out cross-validation.

    PYTHONPATH=src python bench/strength_explore.py [TIES_DIR]

For every (ego, as_of) group the ego's *whole* log before as_of is scored (all of the ego's ties,
labelled or not), so ego-relative candidates (a tie's share of the ego's contact, its percentile
among the ego's ties, a z-score within the ego) see what the product would see for its owner.
Each candidate is added to the model's own features and the weights are chosen by the same coarse
coordinate search on per-ego AUC as `fit.cross_validate(method="search")` (persistence anchored at
0.6, age fixed at 0.2, every other learnable term starting at 0), on 4/5 of the egos of both data
sets together; the held-out fifth is scored. Printed: 5-fold CV per-ego AUC and in-sample AUC of
the same search on all egos. Exploration only: nothing here is used by the product.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np

from tieline.strength import defaults
from tieline.strength.events import CHANNEL_CODE
from tieline.strength.fit import FITTED_SIGNS
from tieline.strength.model import TERM_NAMES, design
from tieline.strength.ties_data import load_log, read_pairs

DAY = 86400.0
CALL, SMS = CHANNEL_CODE["call"], CHANNEL_CODE["sms"]
L = np.log1p


def rows_of(root: Path, name: str) -> dict[str, np.ndarray]:
    log = load_log(root / name / "interactions.csv")
    pairs = read_pairs(root / name / "labels.csv")
    groups: dict[tuple[str, float], list[int]] = {}
    for i, p in enumerate(pairs):
        groups.setdefault((p.ego, p.as_of), []).append(i)
    cols: dict[str, list] = {k: [] for k in ("ego", "g", "label", "x", "raw")}
    for gi, ((ego, as_of), idx) in enumerate(groups.items()):
        keys = [k for k in log.pairs if k[0] == ego]
        label = {pairs[i].alter: pairs[i].label for i in idx}
        ev, n = log.events_for(keys, as_of)
        x, _, _ = design(ev, n, as_of)
        order = np.argsort(ev.tie, kind="stable")
        bounds = np.searchsorted(ev.tie[order], np.arange(n + 1))
        for j, k in enumerate(keys):
            sel = order[bounds[j] : bounds[j + 1]]
            if sel.size == 0:
                continue
            cols["ego"].append(ego)
            cols["g"].append(gi)
            cols["label"].append(label.get(k[1], np.nan))
            cols["x"].append(x[j])
            cols["raw"].append((ev.t[sel], ev.channel[sel], ev.direction[sel], ev.duration[sel], as_of))
    out = {k: np.array(v) for k, v in cols.items() if k != "raw"}
    out["raw"] = cols["raw"]  # type: ignore[assignment]
    return out


def raw_features(d: dict) -> dict[str, np.ndarray]:
    f: dict[str, list[float]] = {}

    def put(k: str, v: float) -> None:
        f.setdefault(k, []).append(float(v))

    for t, ch, di, du, as_of in d["raw"]:
        days = np.unique(np.floor(t / DAY))
        put("n_events", t.size)
        put("n_days", days.size)
        put("n_weeks", np.unique(np.floor((days + 3) / 7)).size)
        put("span", (t.max() - t.min()) / DAY)
        hour = (t % DAY) / 3600
        put("night", np.mean((hour >= 22) | (hour < 6)))
        put("n_sms", (ch == SMS).sum())
        put("multiplex", float((ch == CALL).any() and (ch == SMS).any()))
        dur = np.where((ch == CALL) & np.isfinite(du) & (du >= 0), np.minimum(du, 7200), 0)
        put("talk_min", dur.sum() / 60)
        put("answered", ((ch == CALL) & (dur > 0)).sum())
        put("out", (di == 1).sum())
        put("in", (di == 2).sum())
        put("recent_days28", np.unique(np.floor(t[t > as_of - 28 * DAY] / DAY)).size)
        put("std_t", np.std(t) / DAY)
        put("std_days", np.std(days))
    return {k: np.array(v) for k, v in f.items()}


def within(g: np.ndarray, v: np.ndarray, fn: Callable[[np.ndarray], np.ndarray]) -> np.ndarray:
    out = np.empty_like(v, dtype=float)
    for k in np.unique(g):
        r = g == k
        out[r] = fn(v[r])
    return out


def pct(v: np.ndarray) -> np.ndarray:
    u, inv = np.unique(v, return_inverse=True)
    rank = np.empty(v.size)
    rank[np.argsort(v, kind="mergesort")] = np.arange(v.size)
    return (np.bincount(inv, weights=rank) / np.bincount(inv))[inv] / max(v.size, 1)


def share(v: np.ndarray) -> np.ndarray:
    return v / max(float(v.sum()), 1e-9)


def zscore(v: np.ndarray) -> np.ndarray:
    s = v.std()
    return (v - v.mean()) / (s if s > 0 else 1.0)


def candidates(d: dict) -> dict[str, tuple[np.ndarray, float]]:
    r = raw_features(d)
    g = d["g"]
    n = r["n_events"]
    return {
        "weeks: ln(1+distinct weeks)": (L(r["n_weeks"]), 1),
        "answered calls: ln(1+n)": (L(r["answered"]), 1),
        "two-way: ln(1+min(out,in))": (L(np.minimum(r["out"], r["in"])), 1),
        "ego share of events": (within(g, n, share), 1),
        "ego share of days": (within(g, r["n_days"], share), 1),
        "sqrt ego share of events": (np.sqrt(within(g, n, share)), 1),
        "ego percentile of span": (within(g, r["span"], pct), 1),
        "ego percentile of days": (within(g, r["n_days"], pct), 1),
        "ego percentile of talk": (within(g, r["talk_min"], pct), 1),
        "ego z of ln days": (within(g, L(r["n_days"]), zscore), 1),
        "ego z of ln span": (within(g, L(r["span"]), zscore), 1),
        "night share (22-06 UTC), shrunk": ((r["night"] * n + 0.5) / (n + 2) - 0.25, -1),
        "SMS share, shrunk": ((r["n_sms"] + 1) / (n + 2), -1),
        "recent: ln(1+days in last 4 weeks)": (L(r["recent_days28"]), 1),
        "multiplex: call and SMS": (r["multiplex"], 1),
        "temporal spread: ln(1+sd of times)": (L(r["std_t"]), 1),
        "spread of contact days: ln(1+sd)": (L(r["std_days"]), 1),
        "persistence shrunk by n/(n+1)": (L(r["span"]) * n / (n + 1), 1),
    }


def pair_index(d: dict, mask: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    y, g = d["label"], d["g"]
    ok = np.isfinite(y) & mask
    P, Q, W = [], [], []
    for k in np.unique(g[ok]):
        r = np.flatnonzero(ok & (g == k))
        p, q = r[y[r] > 0.5], r[y[r] < 0.5]
        if p.size and q.size:
            pp, qq = np.meshgrid(p, q, indexing="ij")
            P.append(pp.ravel())
            Q.append(qq.ravel())
            W.append(np.full(pp.size, 1.0 / pp.size))
    w = np.concatenate(W)
    return np.concatenate(P), np.concatenate(Q), w / w.sum()


def auc(v: np.ndarray, pi: tuple[np.ndarray, np.ndarray, np.ndarray]) -> float:
    P, Q, W = pi
    diff = v[P] - v[Q]
    return float(W @ ((diff > 0) + 0.5 * (diff == 0)))


def search(mats: list[np.ndarray], pis: list, signs: np.ndarray, start: np.ndarray) -> np.ndarray:
    """The coordinate search of fit.search_weights (steps 0.2..0.02, improvements > 0.001)."""
    w = start.copy()

    def value(v: np.ndarray) -> float:
        return float(np.mean([auc(m @ v, pi) for m, pi in zip(mats, pis, strict=True)]))

    best = value(w)
    for step in (0.2, 0.1, 0.05, 0.02):
        improved = True
        while improved:
            improved = False
            for j in np.flatnonzero(signs != 0):
                for delta in (step, -step):
                    trial = w.copy()
                    trial[j] = round(trial[j] + delta, 4)
                    if signs[j] * trial[j] < 0:
                        continue
                    v = value(trial)
                    if v > best + 1e-3:
                        best, w, improved = v, trial, True
    return w


def measure(data: dict[str, dict], extra: str | None, k: int = 5) -> tuple[list[float], list[float]]:
    mats, signs = {}, np.zeros(len(TERM_NAMES) + 1)
    for name, d in data.items():
        col = d["cand"][extra][0] if extra else np.zeros(d["label"].size)
        mats[name] = np.column_stack([d["x"], col])
    for t, s in FITTED_SIGNS.items():
        if t != "persistence":
            signs[TERM_NAMES.index(t)] = s
    if extra:
        signs[-1] = next(iter(data.values()))["cand"][extra][1]
    start = np.array([defaults.WEIGHTS[t] for t in TERM_NAMES] + [0.0])
    for t in FITTED_SIGNS:
        start[TERM_NAMES.index(t)] = 0.6 if t == "persistence" else 0.0
    folds = {}
    for name, d in data.items():
        egos = np.unique(d["ego"])
        np.random.default_rng(0).shuffle(egos)
        fold_of = {e: i % k for i, e in enumerate(egos)}
        folds[name] = np.array([fold_of[e] for e in d["ego"]])
    pred = {name: np.zeros(d["label"].size) for name, d in data.items()}
    for f in range(k):
        pis = [pair_index(d, folds[n] != f) for n, d in data.items()]
        w = search(list(mats.values()), pis, signs, start)
        for n in data:
            pred[n] = np.where(folds[n] == f, mats[n] @ w, pred[n])
    everyone = [pair_index(d, np.ones(d["label"].size, bool)) for d in data.values()]
    w = search(list(mats.values()), everyone, signs, start)
    cv = [auc(pred[n], pi) for n, pi in zip(data, everyone, strict=True)]
    ins = [auc(mats[n] @ w, pi) for n, pi in zip(data, everyone, strict=True)]
    return cv, ins


def main() -> None:
    shared = Path(os.environ.get("TIELINE_SHARED", Path(__file__).resolve().parents[2] / "shared"))
    root = Path(sys.argv[1]) if len(sys.argv) > 1 else shared / "data" / "ties"
    data = {}
    for name in ("social-evolution-dev", "copenhagen"):
        d = rows_of(root, name)
        d["cand"] = candidates(d)  # type: ignore[assignment]
        data[name] = d
    print(f"{'candidate':40s} {'5-fold CV  SE / CPH':>20s} {'in-sample SE / CPH':>20s}")
    for extra in [None, *next(iter(data.values()))["cand"]]:
        cv, ins = measure(data, extra)
        print(f"{extra or '(model terms only)':40s} {cv[0]:9.3f} / {cv[1]:.3f} {ins[0]:9.3f} / {ins[1]:.3f}")


if __name__ == "__main__":
    main()
