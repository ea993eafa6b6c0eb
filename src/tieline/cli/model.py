"""`tieline model ...`: explain a tie, refit, score and evaluate ties data."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.table import Table

from tieline.cli import lazy
from tieline.cli.common import JSON, console, emit_json, err_console, scoring_progress, state
from tieline.errors import TielineError

if TYPE_CHECKING:
    from tieline.services import logbook, strength
    from tieline.services import model as service
else:
    service = lazy.module("tieline.services.model")
    logbook = lazy.module("tieline.services.logbook")
    strength = lazy.module("tieline.services.strength")

app = typer.Typer(help="The tie-strength model: explain, fit, score, evaluate.", no_args_is_help=True)


@app.command()
def explain(
    ctx: typer.Context,
    person: Annotated[str, typer.Argument(help="A #id, a handle, or part of a name.")],
    as_of: Annotated[str | None, typer.Option("--as-of", help="As of this date (default now).")] = None,
    as_json: JSON = False,
) -> None:
    """The score, layer, state, and what each term contributed, in plain words."""
    d = strength.explain(state(ctx).store(), person, logbook.parse_when(as_of) if as_of else None)
    if as_json:
        emit_json(d)
        return
    if d["strength"] is None:
        console.print(
            f"[bold]{d['name']}[/bold]: unknown — no evidence yet (no interactions, nothing you said)."
        )
        return
    console.print(
        f"[bold]{d['name']}[/bold]: strength {d['strength']:.2f}, layer {d['layer']} ({d['layer_name']}), "
        f"{d['state']}; would take your call: {d['p_call']:.0%}"
    )
    console.print(d["summary"])
    table = Table(
        "term", "contribution", "why", title=f"as of {d['as_of'][:10]} (terms add up to {d['logit']:+.2f})"
    )
    for term in d["terms"]:
        table.add_row(term["term"], f"{term['contribution']:+.2f}", term["words"])
    console.print(table)


@app.command()
def fit(
    ctx: typer.Context,
    as_json: JSON = False,
) -> None:
    """Refit the weights on your own answers (would take my call, closeness), checked on held-out ties."""
    report = service.fit(state(ctx).store())
    if as_json:
        emit_json(report.as_json())
        return
    data = report.as_json()
    verdict = "adopted" if report.adopted else "kept the current weights (the refit did worse held out)"
    console.print(
        f"Fitted on {report.labels} answers ({report.positives} yes): {verdict}. Held-out AUC "
        f"{data['heldout_auc']} vs {data['heldout_auc_defaults']} before."
    )


@app.command()
def rescore(
    ctx: typer.Context,
    as_json: JSON = False,
) -> None:
    """Bring every tie's summary and score up to date, as of now (reads show the cached ones)."""
    with scoring_progress() as progress:
        n = strength.rescore_all(state(ctx).store(), progress)
    if as_json:
        emit_json({"rescored": n})
    else:
        console.print(f"Rescored {n} ties.")


@app.command()
def score(
    interactions: Annotated[
        Path, typer.Option("--interactions", help="ego,alter,timestamp,channel,initiator,duration_s")
    ],
    pairs: Annotated[
        Path, typer.Option("--pairs", help="ego,alter,as_of rows to score (extra columns ignored)")
    ],
    out: Annotated[Path, typer.Option("--out", help="Where to write ego,alter,as_of,score")],
) -> None:
    """Score each (ego, alter, as_of) from that ego's interactions before as_of."""
    report = service.score_file(interactions, pairs, out)
    warn_skipped(report)
    console.print(f"Scored {report['rows']} rows into {out}.")


@app.command("eval")
def eval_(
    interactions: Annotated[
        Path, typer.Option("--interactions", help="ego,alter,timestamp,channel,initiator,duration_s")
    ],
    labels: Annotated[Path, typer.Option("--labels", help="ego,alter,as_of,label")],
    candidates: Annotated[
        str, typer.Option(help="contacted (had contact before as_of) or all")
    ] = "contacted",
    as_json: JSON = False,
) -> None:
    """Per-ego AUC, pooled AUC and R-precision of the model and two baselines (recency, count)."""
    if candidates not in ("contacted", "all"):
        raise TielineError("--candidates is contacted or all")
    result = service.evaluate_files(interactions, labels, "contacted" if candidates == "contacted" else "all")
    warn_skipped(result)
    if as_json:
        emit_json(result)
        return
    table = Table(
        "",
        "per-ego AUC",
        "95% interval",
        "pooled AUC",
        "R-precision",
        "groups",
        "egos",
        title=f"{result['scored_rows']} of {result['rows']} rows ({candidates} candidates)",
    )
    for key, label in (("model", "tieline"), ("baseline_recency", "recency"), ("baseline_count", "count")):
        m = result[key]
        table.add_row(
            label,
            f"{m['per_ego_auc']:.3f}",
            f"{m['per_ego_auc_low']:.3f}–{m['per_ego_auc_high']:.3f}",
            f"{m['pooled_auc']:.3f}",
            f"{m['r_precision']:.3f}",
            str(int(m["groups"])),
            str(int(m["egos"])),
        )
    console.print(table)
    console.print(
        "The interval resamples whole egos: how far the per-ego AUC could move on another set of people.",
        style="dim",
    )


def warn_skipped(report: dict[str, Any]) -> None:
    """One line on stderr when interaction rows could not be read (they were left out, not guessed)."""
    if report.get("skipped_rows"):
        err_console.print(
            f"note: {report['skipped_rows']} interaction row(s) could not be read and were left out; "
            f"the first: {report['first_skipped']}",
            highlight=False,
            soft_wrap=True,
        )
