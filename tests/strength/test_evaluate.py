from __future__ import annotations

import csv
import math
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
import pytest

from tests.corpora import ties
from tieline.strength import terms
from tieline.strength.evaluate import auc, ego_interval, evaluate, r_precision, score_pairs
from tieline.strength.fit import (
    FITTED_SIGNS,
    TieDataset,
    cross_validate,
    fit_dataset,
    fit_weights,
    per_ego_auc,
    split_egos,
    training_mask,
)
from tieline.strength.model import TERM_NAMES


def write(path: Path, header: str, rows: list[str]) -> Path:
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def small_log(tmp_path: Path) -> Path:
    rows = []
    # Ada and Grace talk every week from January to June, both ways; Ada met Charles once in March.
    for week in range(26):
        when = (datetime(2024, 1, 1, 18) + timedelta(weeks=week)).isoformat()
        rows.append(f"ada,grace,{when},sms,{'ego' if week % 2 else 'alter'},")
    rows.append("ada,charles,2024-03-10T12:00:00,call,,60")
    rows.append("ada,charles,2024-03-10T12:00:00,call,,32767")  # the same call logged twice
    rows.append("bob,ada,2024-02-01T12:00:00,call,,60")
    return write(tmp_path / "interactions.csv", "ego,alter,timestamp,channel,initiator,duration_s", rows)


def test_score_pairs_writes_one_row_per_input_row_from_earlier_rows_only(
    small_log: Path, tmp_path: Path
) -> None:
    pairs = write(
        tmp_path / "pairs.csv",
        "ego,alter,as_of,comment",
        [
            "ada,grace,2024-07-01T00:00:00,x",
            "ada,charles,2024-07-01T00:00:00,",
            "ada,charles,2024-03-01T00:00:00,before they met",
            "ada,nobody,2024-07-01T00:00:00,",
            "bob,grace,2024-07-01T00:00:00,",  # Grace is in Ada's log, not Bob's
            "ada,grace,2024-07-01T00:00:00,again",
        ],
    )
    out = tmp_path / "scores.csv"
    assert score_pairs(small_log, pairs, out) == 6
    with out.open(newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert [r["ego"] for r in rows] == ["ada", "ada", "ada", "ada", "bob", "ada"]
    assert list(rows[0]) == ["ego", "alter", "as_of", "score"]
    assert rows[0]["as_of"] == "2024-07-01T00:00:00"
    grace, charles, not_yet, nobody, bobs_grace, again = (r["score"] for r in rows)
    assert float(grace) > float(charles) > 0
    assert not_yet == nobody == bobs_grace == ""
    assert again == grace


def test_each_row_uses_the_events_before_its_own_as_of_exactly(small_log: Path, tmp_path: Path) -> None:
    """A different as_of on every row: each score equals the score of a log cut at that time."""
    cuts = ["2024-01-01T18:00:00", "2024-01-20T00:00:00", "2024-02-15T12:30:00", "2024-05-01T00:00:00"]
    pairs = write(tmp_path / "pairs.csv", "ego,alter,as_of", [f"ada,grace,{c}" for c in cuts])
    out = tmp_path / "scores.csv"
    score_pairs(small_log, pairs, out)
    with out.open(newline="") as fh:
        together = [r["score"] for r in csv.DictReader(fh)]
    lines = small_log.read_text(encoding="utf-8").splitlines()
    for cut, value in zip(cuts, together, strict=True):
        earlier = [ln for ln in lines[1:] if ln.split(",")[2] < cut]  # ISO times sort as text
        alone = write(tmp_path / "cut.csv", lines[0], earlier or ["ada,zed,2000-01-01T00:00:00,sms,ego,"])
        single = write(tmp_path / "one.csv", "ego,alter,as_of", [f"ada,grace,{cut}"])
        score_pairs(alone, single, tmp_path / "one_out.csv")
        with (tmp_path / "one_out.csv").open(newline="") as fh:
            assert next(csv.DictReader(fh))["score"] == value
    assert together[0] == ""  # the first meeting is at 18:00 that day: nothing strictly before it
    assert len(set(together[1:])) == 3


def test_auc_counts_ties_as_one_half_and_r_precision_shares_the_cut() -> None:
    label = np.array([1.0, 0.0, 1.0, 0.0])
    assert auc(np.array([4.0, 3.0, 2.0, 1.0]), label) == 0.75
    assert auc(np.array([1.0, 1.0, 1.0, 1.0]), label) == 0.5
    assert auc(np.array([np.nan, 1.0, 2.0, np.nan]), label) == 0.625
    assert math.isnan(auc(np.array([1.0, 2.0]), np.array([1.0, 1.0])))
    assert r_precision(np.array([4.0, 3.0, 2.0, 1.0]), label) == 0.5
    assert r_precision(np.array([1.0, 1.0, 1.0, 1.0]), label) == 0.5


LEARNABLE = [TERM_NAMES.index(name) for name in FITTED_SIGNS]


def synthetic(n_groups: int = 60, seed: int = 0, signal: str = "volume") -> TieDataset:
    rng = np.random.default_rng(seed)
    rows, ys, groups, egos = [], [], [], []
    for g in range(n_groups):
        for _ in range(8):
            # Logs say nothing about statements (closeness, take_call...): those stay 0, as in real data.
            x = np.zeros(len(TERM_NAMES))
            x[0] = 1.0
            x[LEARNABLE] = rng.normal(size=len(LEARNABLE))
            ys.append(float(x[TERM_NAMES.index(signal)] + 0.5 * rng.normal() > 0))
            rows.append(x)
            groups.append(g)
            egos.append(f"e{g}")
    alters = [f"a{i}" for i in range(len(rows))]
    return TieDataset(np.array(rows), np.array(ys), np.array(groups), np.array(egos), np.array(alters))


def test_fit_learns_the_term_that_carries_the_signal_and_keeps_signs() -> None:
    data = synthetic(signal="volume")
    fitted = fit_weights([data])
    assert fitted["volume"] > 1.0 > abs(fitted["history"])
    assert all(fitted[name] * sign >= 0 for name, sign in FITTED_SIGNS.items())
    assert fitted["take_call"] == terms.WEIGHTS["take_call"]  # not learnable from logs: untouched


def test_fit_adopts_better_weights_and_refuses_worse_ones() -> None:
    better = fit_dataset(synthetic(signal="volume"))
    assert better.adopted and better.heldout_auc_fitted >= better.heldout_auc_defaults
    assert better.weights["volume"] > terms.WEIGHTS["volume"]
    held_out = synthetic(signal="attention", seed=3)
    refused = fit_dataset(held_out, base={**terms.WEIGHTS, "attention": 5.0})
    if not refused.adopted:
        assert refused.weights["attention"] == 5.0
    assert refused.adopted == (refused.heldout_auc_fitted >= refused.heldout_auc_defaults)


def test_cross_validation_scores_every_dataset_on_held_out_egos() -> None:
    result = cross_validate({"a": synthetic(seed=1), "b": synthetic(seed=2)}, k=3)
    assert set(result) == {"a", "b"}
    assert result["a"]["cv_per_ego_auc"] > 0.8
    assert per_ego_auc(np.zeros(480), synthetic()) == 0.5


@pytest.mark.parametrize(
    ("name", "recency", "count", "floor"),
    [("social-evolution-dev", 0.643, 0.801, 0.81), ("copenhagen", 0.606, 0.621, 0.62)],
)
def test_on_the_real_ties_data_the_model_beats_both_baselines(
    name: str, recency: float, count: float, floor: float
) -> None:
    folder = ties(name)
    result = evaluate(folder / "interactions.csv", folder / "labels.csv")
    # The baselines reproduce the README's figures: the metric and the candidates are right.
    assert round(result["baseline_recency"]["per_ego_auc"], 3) == recency
    assert round(result["baseline_count"]["per_ego_auc"], 3) == count
    model = result["model"]["per_ego_auc"]
    assert model >= floor
    assert model > max(recency, count)


def test_fit_on_one_users_answers_holds_out_some_of_their_ties() -> None:
    one_user = synthetic(n_groups=1, seed=5)
    data = TieDataset(
        one_user.x.repeat(20, axis=0),
        one_user.y.repeat(20),
        np.zeros(160, dtype=np.int64),
        np.array(["me"] * 160),
        np.array([f"a{i}" for i in range(160)]),
    )
    result = fit_dataset(data)
    assert math.isfinite(result.heldout_auc_fitted) and math.isfinite(result.heldout_auc_defaults)
    assert result.adopted == (result.heldout_auc_fitted >= result.heldout_auc_defaults)


def test_training_never_sees_a_held_out_egos_ties_from_the_other_side() -> None:
    data = synthetic(n_groups=6)
    alters = np.array([f"e{(int(e[1:]) + 1) % 6}" for e in data.ego])  # each ego's ties point at the next ego
    mirrored = TieDataset(data.x, data.y, data.group, data.ego, alters)
    keep = training_mask(mirrored, {"e2"})
    assert not keep[mirrored.ego == "e2"].any()  # the held-out ego's own ties
    assert not keep[mirrored.alter == "e2"].any()  # e1's ties to e2: e2's ties seen from e1
    assert keep[(mirrored.ego != "e2") & (mirrored.alter != "e2")].all()
    train, held = split_egos(mirrored, share=0.5, seed=1)
    assert not set(train.alter) & set(held.ego)
    assert not set(train.ego) & set(held.ego)


def test_the_per_ego_auc_interval_resamples_whole_egos() -> None:
    low, high = ego_interval([0.9, 0.7, 0.8, 0.6], ["a", "a", "b", "c"])
    assert 0.6 <= low < 0.75 < high <= 0.8 + 1e-9  # no resample beats the best ego's own mean (0.8)
    assert ego_interval([0.7] * 5, list("abcde")) == (0.7, 0.7)
    # Four groups of one ego are one sample, not four: the interval is as wide as with one group each.
    spread = [0.5, 0.9, 0.7, 0.6]
    one_group_each = ego_interval(spread, ["a", "b", "c", "d"])
    repeated = ego_interval([a for a in spread for _ in range(4)], [e for e in "abcd" for _ in range(4)])
    assert repeated == pytest.approx(one_group_each)
    wide = ego_interval(spread, ["a", "b", "c", "d"])
    narrow = ego_interval(spread * 25, [f"e{i}" for i in range(100)])
    assert narrow[1] - narrow[0] < (wide[1] - wide[0]) / 3


def test_labels_may_be_words(tmp_path: Path) -> None:
    from tieline.strength.ties_data import read_pairs

    path = write(
        tmp_path / "l.csv",
        "ego,alter,as_of,label",
        ["a,b,2024-01-01,yes", "a,c,2024-01-01,No", "a,d,2024-01-01,"],
    )
    labels = [p.label for p in read_pairs(path)]
    assert labels[:2] == [1.0, 0.0] and math.isnan(labels[2])
