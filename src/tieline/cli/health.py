"""`tieline health`: the network at a glance."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

import typer

from tieline.cli.common import JSON, console, emit_json, err_console, safe, state


def health(
    ctx: typer.Context,
    as_of: Annotated[str | None, typer.Option("--as-of", help="As of this date (default now).")] = None,
    plot: Annotated[
        Path | None,
        typer.Option("--plot", help="Also draw the trend and the layer rings into FILE.png or .svg."),
    ] = None,
    as_json: JSON = False,
) -> None:
    """How many connections you have vs how many would take your call; freshness, giving, diversity."""
    from tieline.insight import health as service
    from tieline.services import backup as backups
    from tieline.services.logbook import parse_when

    store = state(ctx).store()

    when = parse_when(as_of) if as_of else None
    if plot is not None:
        from tieline.insight import plot as drawing

        drawing.check_format(plot)
    report = service.health(store, when, _announce)
    if plot is not None:
        drawing.render(drawing.chart_data(store, when), plot)
    last = backups.last_backup(store)
    report["backup"] = {"last": last.isoformat() if last else None, "warning": backups.backup_warning(store)}
    if as_json:
        emit_json(report)
        return
    render(report)
    if report["backup"]["warning"]:
        console.print(f"\n[yellow]Backup[/yellow]: {safe(report['backup']['warning'])}")
    if plot is not None:
        console.print(f"\nChart written to {safe(plot)}")


def _announce(moments: list[datetime]) -> None:
    """The comparison's headline is computed from the whole history (a minute on a large one): say so."""
    days = ", ".join(m.date().isoformat() for m in moments)
    err_console.print(
        f"computing the headline as of {days} from history (kept; once a month)…", highlight=False
    )


def headline_lines(h: dict[str, Any]) -> list[str]:
    """The headline in words (the demo ends with it too)."""
    b = h["before"]
    layers = h["layers"]
    shown = ", ".join(
        f"{name} {layers[name]}" for name in ("support", "sympathy", "affinity", "active", "beyond")
    )
    return [
        f"[bold]{h['connections']}[/bold] connections; about [bold]{h['would_take_call']:.0f}[/bold] would take "
        f"your call ({h['likely']} likely, more than one in two).",
        f"  Since {b['as_of'][:10]}: {_change(h['would_take_call'] - b['would_take_call'])} "
        f"(then {b['connections']} connections, about {b['would_take_call']:.0f} would take your call).",
        f"  Layers: {shown}; {layers['unknown']} with no evidence yet.",
    ]


def _change(delta: float) -> str:
    if abs(delta) < 0.5:
        return "no change"
    return f"{'+' if delta > 0 else '−'}{abs(delta):.0f}"


def render(h: dict[str, Any]) -> None:
    console.print(f"[bold]Network health[/bold] as of {h['as_of'][:10]}")
    for line in headline_lines(h):
        console.print(line, highlight=False)
    f = h["freshness"]
    if f["inner_ties"]:
        overdue = "; ".join(f"{safe(o['name'])} ({o['words']})" for o in f["most_overdue"])
        console.print(
            f"\n[bold]Freshness[/bold]: {f['within_rhythm']} of your {f['inner_ties']} inner ties "
            f"({f['share']:.0%}) are within their own rhythm."
            + (f" Most overdue: {overdue}." if overdue else ""),
            highlight=False,
        )
    console.print(
        f"[bold]States[/bold]: {h['strong']} strong, {h['fading']} fading, {h['dormant']} dormant, {h['new']} new.",
        highlight=False,
    )
    only = ", ".join(safe(o["name"]) for o in h["only_asked_of"])
    console.print(
        f"[bold]Giving vs taking[/bold] (last year): you gave {h['giving']} favours, tidbits and introductions "
        f"and received {h['taking']}."
        + (f" Only asked of: {only}." if only else "")
        + ("" if h["giving"] or h["taking"] else ' Record them with `tieline log P "…" --kind favor-given`.'),
        highlight=False,
    )
    orgs = ", ".join(
        f"{safe(o['organisation'])} {o['strong_ties']}" for o in h["strong_ties_by_organisation"]
    )
    fields = ", ".join(f"{safe(f['field'])} {f['strong_ties']}" for f in h["strong_ties_by_field"])
    console.print(
        f"[bold]Diversity[/bold]: your {h['strong_ties']} strong ties span {h['organisations_of_strong_ties']} "
        f"organisations"
        + (f" ({orgs})" if orgs else "")
        + (f" and {h['fields_of_strong_ties']} fields ({fields})" if fields else "")
        + ".",
        highlight=False,
    )
    if h["diversity_warning"]:
        console.print(f"  [yellow]Warning:[/yellow] {safe(h['diversity_warning'])}.", highlight=False)
    console.print(
        f"[bold]Never touched[/bold]: {h['never_touched']} connections with no interaction, no note and no "
        "how-we-met — the numbers-game part of the network.",
        highlight=False,
    )
