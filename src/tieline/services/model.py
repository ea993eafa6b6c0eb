"""`tieline model ...`: refit the weights on the user's own answers; score and evaluate ties data files."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy import and_, insert, select

from tieline.errors import TielineError
from tieline.services.ask import AskCandidate, answer, answer_batch, ask_candidates
from tieline.store import stale
from tieline.store import tables as t
from tieline.store.db import Store
from tieline.strength import defaults
from tieline.strength.evaluate import Candidates, evaluate_loaded, score_pairs_report
from tieline.strength.events import TieFacts
from tieline.strength.fit import TieDataset, dataset, fit_dataset
from tieline.strength.model import design
from tieline.strength.ties_data import load_log, read_pairs
from tieline.strength.validate import validate

MIN_LABELS = 10

__all__ = ["AskCandidate", "answer", "answer_batch", "ask_candidates", "evaluate_files", "fit", "score_file"]


def weights(store: Store) -> dict[str, float] | None:
    """The weights adopted for this account and model version, if `model fit` adopted any."""
    mw = t.model_weights
    with store.read() as conn:
        row = conn.execute(
            select(mw.c.weights)
            .where(and_(mw.c.account_id == store.account_id, mw.c.model_version == defaults.MODEL_VERSION))
            .order_by(mw.c.id.desc())
            .limit(1)
        ).first()
    return dict(row.weights) if row is not None else None


@dataclass
class FitReport:
    labels: int
    positives: int
    adopted: bool
    heldout_auc: float
    heldout_auc_defaults: float
    weights: dict[str, float]

    def as_json(self) -> dict[str, Any]:
        return {
            "labels": self.labels,
            "positives": self.positives,
            "adopted": self.adopted,
            "heldout_auc": None if np.isnan(self.heldout_auc) else round(self.heldout_auc, 4),
            "heldout_auc_defaults": None
            if np.isnan(self.heldout_auc_defaults)
            else round(self.heldout_auc_defaults, 4),
            "weights": self.weights,
        }


def fit(store: Store, as_of: datetime | None = None) -> FitReport:
    """Refit on the user's answers: "would take my call" yes/no, else closeness ≥ 4 yes, ≤ 2 no.

    The answers are labels here, so they are hidden from the features while fitting; the held-out
    check keeps the current weights unless the refit does at least as well on ties it did not see.
    """
    from tieline.services.strength import load

    when = (as_of or datetime.now(UTC)).timestamp()
    with store.read() as conn:
        ids, events, facts = load(conn, store.account_id)
    label = np.where(
        np.isfinite(facts.would_take_call),
        facts.would_take_call,
        np.where(facts.closeness >= 4, 1.0, np.where(facts.closeness <= 2, 0.0, np.nan)),
    )
    blind = TieFacts(facts.start, facts.relationship, np.full(len(ids), np.nan), np.full(len(ids), np.nan))
    x, _ev, known = design(events, len(ids), when, blind)
    keep = np.isfinite(label) & known
    n, pos = int(keep.sum()), int((label[keep] > 0.5).sum())
    if n < MIN_LABELS or pos == 0 or pos == n:
        raise TielineError(
            f"need at least {MIN_LABELS} people with answers, both yes and no, and some history "
            f"(have {n}, {pos} yes): use `people edit P --would-take-call/--would-not-take-call` or --closeness"
        )
    data = TieDataset(
        x[keep],
        (label[keep] > 0.5).astype(np.float64),
        np.zeros(n, dtype=np.int64),
        np.array(["me"] * n),
        np.array([str(i) for i in range(n)]),
    )
    result = fit_dataset(data, weights(store))
    if result.adopted:
        with store.write() as conn:
            conn.execute(
                insert(t.model_weights).values(
                    account_id=store.account_id,
                    model_version=defaults.MODEL_VERSION,
                    weights=result.weights,
                    fitted_at=datetime.now(UTC),
                    labels=n,
                    heldout_auc=float(result.heldout_auc_fitted),
                    heldout_auc_defaults=float(result.heldout_auc_defaults),
                )
            )
            stale.mark(conn, store.account_id, everyone=True)
        from tieline.services.catchup import catch_up

        catch_up(store)
    return FitReport(
        n, pos, result.adopted, result.heldout_auc_fitted, result.heldout_auc_defaults, result.weights
    )


def score_file(interactions: Path, pairs: Path, out: Path) -> dict[str, Any]:
    """Rows written to ``out`` and the interaction rows that could not be read."""
    _exists(interactions, pairs)
    try:
        return score_pairs_report(interactions, pairs, out)
    except OSError as exc:  # e.g. --out in a folder that does not exist
        raise TielineError(f"{exc.filename or out}: {exc.strerror or exc}") from None


def evaluate_files(
    interactions: Path, labels: Path, candidates: Candidates = "contacted", splits: int = 5
) -> dict[str, Any]:
    """The shipped model and two baselines on the labels, then (``splits`` > 0) the whole recipe
    cross-validated: mean over ``splits`` leave-egos-out splits, the paired gain over counting with
    its interval, and out-of-fold calibration."""
    _exists(interactions, labels)
    log = load_log(interactions)
    pairs = read_pairs(labels)
    result = evaluate_loaded(log, pairs, candidates)
    if splits > 0:
        result["validation"] = validate({"data": dataset(log, pairs)}, splits=splits)["data"].as_json()
    return result


def _exists(*paths: Path) -> None:
    for p in paths:
        if not p.is_file():
            raise TielineError(f"{p}: no such file")
