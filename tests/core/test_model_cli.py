"""Tie strength through the product: people list, model explain/fit/score/eval, the demo."""

from __future__ import annotations

import csv
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.cli import tieline
from tieline.demo import network
from tieline.services.logbook import log
from tieline.store.db import Store

AS_OF = "2024-06-01"


def _history(db: str) -> None:
    tieline(db, "people", "add", "Ada Lovelace", "--email", "ada@example.com")
    tieline(db, "people", "add", "Grace Hopper", "--email", "grace@example.com")
    tieline(db, "people", "add", "Alan Turing", "--email", "alan@example.com")
    store = Store(db)
    start = datetime(2023, 1, 1, tzinfo=UTC)
    for week in range(74):  # Ada: weekly for 74 weeks, up to last week
        log(store, "ada", "coffee", channel="in-person", when=(start + timedelta(weeks=week)).isoformat())
    log(store, "grace", "one email", channel="email", when="2023-03-01")
    store.dispose()


def test_people_list_reports_strength_layer_and_state(db_url: str) -> None:
    _history(db_url)
    rows = tieline(db_url, "people", "list", "--json", "--sort", "strength", "--as-of", AS_OF).json()
    assert [r["name"] for r in rows] == ["Ada Lovelace", "Grace Hopper", "Alan Turing"]
    ada, grace, alan = rows
    assert 0 < grace["strength"] < ada["strength"] <= 1
    assert ada["layer"] in (1, 2, 3, 4, 5) and ada["state"] in ("strong", "stable")
    assert alan["strength"] is None and alan["layer"] is None and alan["state"] == "unknown"
    only = tieline(db_url, "people", "list", "--json", "--state", "unknown", "--as-of", AS_OF).json()
    assert [r["name"] for r in only] == ["Alan Turing"]
    names = ["support", "sympathy", "affinity", "active", "beyond"]
    for how in (str(ada["layer"]), names[ada["layer"] - 1], names[ada["layer"] - 1].upper()):
        in_layer = tieline(db_url, "people", "list", "--json", "--layer", how, "--as-of", AS_OF).json()
        assert "Ada Lovelace" in [r["name"] for r in in_layer] and "Alan Turing" not in [
            r["name"] for r in in_layer
        ]


def test_explain_terms_add_up_to_the_score(db_url: str) -> None:
    _history(db_url)
    d = tieline(db_url, "model", "explain", "ada", "--json", "--as-of", AS_OF).json()
    assert d["strength"] == pytest.approx(1 / (1 + 2.718281828459045 ** -d["logit"]), abs=1e-3)
    assert sum(t["contribution"] for t in d["terms"]) == pytest.approx(d["logit"], abs=1e-2)
    assert all(t["words"] for t in d["terms"])
    text = tieline(db_url, "model", "explain", "ada", "--as-of", AS_OF)
    assert text.code == 0 and "Ada Lovelace" in text.out


def test_saying_they_would_take_my_call_outweighs_thin_evidence(db_url: str) -> None:
    _history(db_url)
    before = tieline(db_url, "model", "explain", "grace", "--json", "--as-of", AS_OF).json()
    tieline(db_url, "people", "edit", "grace", "--would-take-call")
    after = tieline(db_url, "model", "explain", "grace", "--json", "--as-of", AS_OF).json()
    assert after["strength"] > before["strength"] and after["p_call"] >= 0.9


def test_model_fit_needs_answers_and_says_so(tmp_path: Path) -> None:
    from tests.cli import tieline_process

    db = f"sqlite:///{tmp_path / 'x.db'}"
    _history(db)
    run = tieline_process(db, "model", "fit")
    assert run.code == 1 and run.err.startswith("error: need at least 10 people with answers")


def test_model_fit_on_the_users_answers_reports_a_held_out_check(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'fit.db'}"
    rng = random.Random(3)
    store = Store(db)
    from tieline.services import people

    start = datetime(2023, 1, 1, tzinfo=UTC)
    for i in range(40):
        close = i % 2 == 0
        pid = people.add(store, people.NewPerson(f"Person {i}"))
        for _ in range(rng.randint(20, 40) if close else rng.randint(1, 4)):
            when = start + timedelta(days=rng.uniform(0, 500))
            log(store, f"#{pid}", "talk", channel="call" if close else "email", when=when.isoformat())
        people.edit(store, f"#{pid}", would_take_call=close)
    store.dispose()
    data = tieline(db, "model", "fit", "--json").json()
    assert data["labels"] == 40 and data["positives"] == 20
    assert data["heldout_auc"] is not None and isinstance(data["adopted"], bool)


def _ties_files(tmp: Path) -> tuple[Path, Path]:
    rng = random.Random(5)
    interactions, labels = tmp / "i.csv", tmp / "l.csv"
    start = datetime(2020, 1, 1)
    with interactions.open("w", newline="") as fi, labels.open("w", newline="") as fl:
        wi, wl = csv.writer(fi), csv.writer(fl)
        wi.writerow(["ego", "alter", "timestamp", "channel", "initiator", "duration_s"])
        wl.writerow(["ego", "alter", "as_of", "label"])
        for ego in ("e1", "e2"):
            for k in range(12):
                close = k < 4
                for _ in range(rng.randint(15, 30) if close else rng.randint(1, 3)):
                    when = start + timedelta(days=rng.uniform(0, 80))
                    wi.writerow(
                        [
                            ego,
                            f"a{k}",
                            when.isoformat(timespec="seconds"),
                            "call",
                            rng.choice(["ego", "alter"]),
                            rng.randint(30, 900),
                        ]
                    )
                wl.writerow([ego, f"a{k}", "2020-04-01T00:00:00", int(close)])
            wl.writerow([ego, "never", "2020-04-01T00:00:00", 0])
    return interactions, labels


def test_model_score_writes_one_row_per_pair(tmp_path: Path) -> None:
    interactions, labels = _ties_files(tmp_path)
    out = tmp_path / "s.csv"
    run = tieline(
        f"sqlite:///{tmp_path / 'x.db'}",
        "model",
        "score",
        "--interactions",
        str(interactions),
        "--pairs",
        str(labels),
        "--out",
        str(out),
    )
    assert run.code == 0, run.err
    rows = list(csv.DictReader(out.open()))
    assert len(rows) == 26 and set(rows[0]) == {"ego", "alter", "as_of", "score"}
    assert [r["score"] for r in rows if r["alter"] == "never"] == ["", ""]


def test_model_eval_reports_the_model_and_both_baselines(tmp_path: Path) -> None:
    interactions, labels = _ties_files(tmp_path)
    data = tieline(
        f"sqlite:///{tmp_path / 'x.db'}",
        "model",
        "eval",
        "--interactions",
        str(interactions),
        "--labels",
        str(labels),
        "--json",
    ).json()
    assert set(data) >= {"model", "baseline_recency", "baseline_count"}
    assert data["model"]["groups"] == 2 and data["model"]["per_ego_auc"] > 0.9
    m = data["model"]
    assert m["per_ego_auc_low"] <= m["per_ego_auc"] <= m["per_ego_auc_high"] and m["egos"] >= 1
    assert 0.0 <= m["ece"] <= 1.0
    v = data["validation"]
    assert v["splits"] == 5 and len(v["per_ego_auc_by_split"]) == 5
    assert v["gain_over_count"] == pytest.approx(v["per_ego_auc"] - v["per_ego_auc_count"], abs=1e-3)
    assert v["gain_low"] <= v["gain_over_count"] <= v["gain_high"]
    assert v["ece_platt"] is not None and v["reliability"]
    text = tieline(
        f"sqlite:///{tmp_path / 'x.db'}",
        "model",
        "eval",
        "--interactions",
        str(interactions),
        "--labels",
        str(labels),
        "--splits",
        "5",
    )
    assert text.code == 0, text.err
    assert "gain" in text.out and "Platt" in text.out and "mean of 5 splits" in text.out


def test_model_score_and_eval_say_which_rows_they_could_not_read(tmp_path: Path) -> None:
    interactions, labels = _ties_files(tmp_path)
    with interactions.open("a", encoding="utf-8") as fh:
        fh.write("e1,a1,2024-01-01T10:00:00,carrier pigeon,ego,\n")
    db = f"sqlite:///{tmp_path / 'x.db'}"
    run = tieline(
        db,
        "model",
        "score",
        "--interactions",
        str(interactions),
        "--pairs",
        str(labels),
        "--out",
        str(tmp_path / "s.csv"),
    )
    assert run.code == 0
    assert (
        "1 interaction row(s) could not be read" in run.err and "unknown channel 'carrier pigeon'" in run.err
    )
    data = tieline(
        db, "model", "eval", "--interactions", str(interactions), "--labels", str(labels), "--json"
    ).json()
    assert data["skipped_rows"] == 1 and data["first_skipped"].endswith("unknown channel 'carrier pigeon'")


def test_model_eval_json_is_strict_when_a_figure_cannot_be_computed(tmp_path: Path) -> None:
    import json

    interactions, labels = _ties_files(tmp_path)
    only_yes = tmp_path / "yes.csv"
    only_yes.write_text("ego,alter,as_of,label\ne1,a0,2020-04-01T00:00:00,1\n", encoding="utf-8")
    run = tieline(
        f"sqlite:///{tmp_path / 'x.db'}",
        "model",
        "eval",
        "--interactions",
        str(interactions),
        "--labels",
        str(only_yes),
        "--json",
    )

    def refuse(name: str) -> None:
        raise AssertionError(f"not JSON: {name}")

    data = json.loads(run.out, parse_constant=refuse)
    assert data["model"]["per_ego_auc"] is None and data["model"]["groups"] == 0


def test_model_eval_on_a_missing_file_is_a_one_line_error(tmp_path: Path) -> None:
    from tests.cli import tieline_process

    run = tieline_process(
        f"sqlite:///{tmp_path / 'x.db'}",
        "model",
        "eval",
        "--interactions",
        str(tmp_path / "none.csv"),
        "--labels",
        str(tmp_path / "none2.csv"),
    )
    assert run.code == 1 and run.err.startswith("error:") and len(run.err.strip().splitlines()) == 1


def test_model_score_into_a_folder_that_does_not_exist_is_a_one_line_error(tmp_path: Path) -> None:
    from tests.cli import tieline_process

    interactions, labels = _ties_files(tmp_path)
    out = tmp_path / "no-such-folder" / "s.csv"
    run = tieline_process(
        f"sqlite:///{tmp_path / 'x.db'}",
        "model",
        "score",
        "--interactions",
        str(interactions),
        "--pairs",
        str(labels),
        "--out",
        str(out),
    )
    assert run.code == 1 and "Traceback" not in run.err
    assert run.err.strip() == f"error: {out}: No such file or directory"


def test_the_demo_imports_the_sample_network_and_scores_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    data = tieline(f"sqlite:///{tmp_path / 'unused.db'}", "demo", "--json").json()
    assert data["import"]["errors"] == [] and data["import"]["interactions_created"] > 1000
    people = data["people"]
    assert len(people) >= 300
    states = {p["state"] for p in people}
    assert {"strong", "new", "fading", "unknown"} <= states
    # Newsletters never became people.
    assert not any(
        "news.example" in h["value"] or "shop.example" in h["value"] for p in people for h in p["handles"]
    )
    # The ranking says something: the top fifteen are not all within 0.02 of each other.
    top = sorted((p["strength"] for p in people if p["strength"] is not None), reverse=True)[:15]
    assert top[0] - top[-1] > 0.02
    # The people Sam answered for show the answer (0.97), never a certain 1.00, and the rest spread out.
    answered = {email for email, yes in network.answers() if yes}
    said = [p for p in people if any(h["value"] in answered for h in p["handles"])]
    assert said and all(round(p["strength"], 2) == 0.97 for p in said)
    rest = sorted(
        (
            p["strength"]
            for p in people
            if p["strength"] is not None and p not in said and p["p_call"] != 0.03
        ),
        reverse=True,
    )[:15]
    assert rest[0] < 0.97 and rest[0] - rest[-1] > 0.02
