"""`tieline model ...`: explain a tie, refit, score and evaluate ties data."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.prompt import Prompt
from rich.table import Table

from tieline.cli import lazy
from tieline.cli.common import JSON, console, emit_json, err_console, safe, scoring_progress, state
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
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of",
            help="Scored from the history as of this date (default: the cached score, as of its last rescore).",
        ),
    ] = None,
    details: Annotated[
        bool, typer.Option("--details", help="Also the numbers: each term's weight and their sum.")
    ] = False,
    as_json: JSON = False,
) -> None:
    """Would they take your call, and why: one verdict, then the reasons in words (--details: the numbers)."""
    d = strength.explain(state(ctx).store(), person, logbook.parse_when(as_of) if as_of else None)
    if as_json:
        emit_json(d)
        return
    if d["strength"] is None:
        console.print(
            f"[bold]{safe(d['name'])}[/bold]: unknown — no evidence yet (no interactions, nothing you said)."
        )
        return
    console.print(
        f"[bold]{safe(d['name'])}[/bold] {verdict(d['p_call'])} ({d['p_call']:.0%}), as of {d['as_of'][:10]}: "
        f"{d['layer_name']} layer, {d['state']}."
    )
    reasons = [t for t in d["terms"] if t["term"] != "bias" and abs(t["contribution"]) >= 0.005]
    if reasons:
        console.print("Why:")
        why = Table.grid(padding=(0, 2))
        why.add_column(no_wrap=True)
        why.add_column()
        for t in reasons:
            why.add_row(f"  {effect(t['contribution'])}", safe(t["words"]))
        console.print(why)
    if not details:
        console.print("[dim]The numbers behind it: --details.[/dim]")
        return
    table = Table("term", "contribution", "why", title="the numbers")
    for term in d["terms"]:
        table.add_row(term["term"], f"{term['contribution']:+.2f}", safe(term["words"]))
    console.print(table)
    console.print(
        f"Each term adds to or takes from one total ({d['logit']:+.2f}; 0 is even odds). The strength "
        f"({d['strength']:.2f}) is that total on a 0–1 scale; the {d['p_call']:.0%} is the strength checked "
        "against what people answered about their own ties."
    )


def verdict(p: float) -> str:
    """The probability in words."""
    if p >= 0.85:
        return "would very likely take your call"
    if p >= 0.6:
        return "would likely take your call"
    if p >= 0.4:
        return "might take your call"
    if p >= 0.15:
        return "would probably not take your call"
    return "would very likely not take your call"


def effect(contribution: float) -> str:
    """What one term does to the chance of a call, in words."""
    size = abs(contribution)
    how = "a lot" if size >= 1.5 else "" if size >= 0.5 else "a little" if size >= 0.1 else "very slightly"
    return " ".join(w for w in ("raises it" if contribution > 0 else "lowers it", how) if w)


@app.command()
def ask(
    ctx: typer.Context,
    limit: Annotated[int, typer.Option("--limit", min=1, help="How many people to ask about.")] = 5,
    batch: Annotated[
        Path | None,
        typer.Option(
            "--batch", help="Apply answers from a CSV: person,would_take_call,closeness (no prompts)."
        ),
    ] = None,
    as_json: JSON = False,
) -> None:
    """Ask about the ties where your answer would change the picture most, and pin what you say."""
    store = state(ctx).store()
    if batch is not None:
        counts = service.answer_batch(store, batch)
        if as_json:
            emit_json(counts)
        else:
            console.print(
                f"Pinned {counts['answered']} answer(s): {counts['would_take_call']} would-take-my-call, "
                f"{counts['closeness']} closeness."
            )
        return
    candidates = service.ask_candidates(store, limit)
    if as_json:
        emit_json([c.as_json() for c in candidates])
        return
    if not candidates:
        console.print("Nothing to ask: every tie with evidence already has your answer.")
        return
    if not _interactive():
        err_console.print(
            "tieline model ask asks questions and needs a terminal; for scripts use --json to list "
            "the people and --batch FILE to give the answers."
        )
        raise typer.Exit(1)
    pinned = 0
    for c in candidates:
        console.print(
            f"\n[bold]{safe(c.name)}[/bold] — strength {c.strength:.2f}, {c.state}; "
            f"would take your call: {c.p_call:.0%} ({safe('; '.join(c.reasons))})"
        )
        said = Prompt.ask("Would they take your call?", choices=["y", "n", "skip", "quit"], default="skip")
        if said == "quit":
            break
        close = Prompt.ask(
            "How close are you, 1 (barely) to 5 (closest)?",
            choices=["1", "2", "3", "4", "5", ""],
            default="",
            show_default=False,
        )
        call = None if said == "skip" else said == "y"
        if call is None and not close:
            continue
        service.answer(store, f"#{c.person_id}", call, int(close) if close else None)
        pinned += 1
    console.print(f"Pinned {pinned} answer(s). `tieline people list --sort strength` shows the new picture.")


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
    console.print(f"Scored {report['rows']} rows into {safe(out)}.")


@app.command("eval")
def eval_(
    interactions: Annotated[
        Path, typer.Option("--interactions", help="ego,alter,timestamp,channel,initiator,duration_s")
    ],
    labels: Annotated[Path, typer.Option("--labels", help="ego,alter,as_of,label")],
    candidates: Annotated[
        str, typer.Option(help="contacted (had contact before as_of) or all")
    ] = "contacted",
    splits: Annotated[
        int, typer.Option("--splits", min=0, help="Leave-egos-out splits to average (0: skip the validation)")
    ] = 5,
    as_json: JSON = False,
) -> None:
    """Per-ego AUC, pooled AUC, R-precision and calibration of the model and two baselines (recency,
    count); then the model cross-validated: mean over leave-egos-out splits, gain over count, ECE."""
    if candidates not in ("contacted", "all"):
        raise TielineError("--candidates is contacted or all")
    result = service.evaluate_files(
        interactions, labels, "contacted" if candidates == "contacted" else "all", splits
    )
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
        "ECE",
        title=f"{result['scored_rows']} of {result['rows']} rows ({candidates} candidates), shipped weights",
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
            _fig(m.get("ece")),
        )
    console.print(table)
    console.print(
        "The interval resamples whole egos: how far the per-ego AUC could move on another set of people. "
        "ECE: the shipped probabilities against these labels (10 equal-width bins).",
        style="dim",
    )
    if "validation" in result:
        _print_validation(result["validation"])


def _interactive() -> bool:
    return sys.stdin.isatty()


def _fig(value: Any, sign: bool = False) -> str:
    if not isinstance(value, int | float) or isinstance(value, bool):
        return "—"
    return f"{value:+.3f}" if sign else f"{value:.3f}"


def _print_validation(v: dict[str, Any]) -> None:
    """The cross-validated figures: what a reviewer should quote."""
    table = Table(
        "per-ego AUC",
        "count, same groups",
        "gain over count",
        "95% interval (egos resampled)",
        "not better in",
        "ECE Platt",
        "ECE isotonic",
        "ECE from chance alone",
        title=f"leave-egos-out, weights and calibration refitted in each fold, mean of {v['splits']} splits",
    )
    share = v.get("not_better_share")
    table.add_row(
        _fig(v["per_ego_auc"]),
        _fig(v["per_ego_auc_count"]),
        _fig(v["gain_over_count"], sign=True),
        f"{_fig(v['gain_low'], sign=True)} to {_fig(v['gain_high'], sign=True)}",
        "—" if share is None else f"{share:.0%} of resamples",
        _fig(v["ece_platt"]),
        _fig(v["ece_isotonic"]),
        _fig(v["ece_if_calibrated"]),
    )
    console.print(table)
    rel = Table(
        "probability", "ties", "mean probability", "observed", title="reliability, Platt, out of fold"
    )
    for row in v["reliability"]:
        rel.add_row(
            f"{row['low']:.1f}–{row['high']:.1f}",
            str(row["ties"]),
            _fig(row["mean_probability"]),
            _fig(row["observed"]),
        )
    console.print(rel)
    console.print(
        "Training leaves out every tie to a held-out ego (the same tie seen from the other phone).",
        style="dim",
    )


def warn_skipped(report: dict[str, Any]) -> None:
    """One line on stderr when interaction rows could not be read (they were left out, not guessed)."""
    if report.get("skipped_rows"):
        err_console.print(
            f"note: {report['skipped_rows']} interaction row(s) could not be read and were left out; "
            f"the first: {safe(report['first_skipped'])}",
            highlight=False,
            soft_wrap=True,
        )
