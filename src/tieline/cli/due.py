"""`tieline due`: who to contact this week; `due snooze`, `due done`."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from tieline.cli.common import JSON, console, emit_json, safe, state

app = typer.Typer(help="Who to contact this week, and why.", invoke_without_command=True)


@app.callback()
def due(
    ctx: typer.Context,
    limit: Annotated[int, typer.Option(min=1, help="At most this many.")] = 10,
    as_of: Annotated[str | None, typer.Option("--as-of", help="As of this date (default now).")] = None,
    as_json: JSON = False,
) -> None:
    """Who to contact this week, best first, with the reason, a channel and the last subject."""
    if ctx.invoked_subcommand is not None:
        return
    from tieline.insight.due import due as service
    from tieline.services.logbook import parse_when

    rows = service(state(ctx).store(), parse_when(as_of) if as_of else None, limit)
    if as_json:
        emit_json(rows)
        return
    if not rows:
        console.print("Nobody is due: every tie is within its rhythm.")
        return
    table = Table("#", "name", "why", "by", "last subject", title="Who to contact this week")
    for r in rows:
        why = "; ".join([r["reason"], *r["also"]])
        table.add_row(
            str(r["person_id"]),
            safe(r["name"]),
            safe(why),
            r["channel"] or "",
            safe(r["last_subject"] or ""),
        )
    console.print(table)
    console.print(
        "[dim]`tieline due done P` logs a contact; `tieline due snooze P 2w` hides someone for a while.[/dim]"
    )


@app.command()
def snooze(
    ctx: typer.Context,
    person: Annotated[str, typer.Argument(help="A #id, a handle, or part of a name.")],
    span: Annotated[str, typer.Argument(help="For how long: 3d, 2w, 1m...")] = "1w",
) -> None:
    """Not due for a while."""
    from tieline.insight.durations import parse_days
    from tieline.services.decisions import snooze as service

    pid, until = service(state(ctx).store(), person, parse_days(span))
    console.print(f"#{pid} snoozed until {until:%Y-%m-%d}.")


@app.command()
def done(
    ctx: typer.Context,
    person: Annotated[str, typer.Argument(help="A #id, a handle, or part of a name.")],
    what: Annotated[str | None, typer.Argument(help="What you talked about (optional).")] = None,
    when: Annotated[str | None, typer.Option(help="When (default now).")] = None,
) -> None:
    """You were in touch: log it (by the channel you use most with them), which takes them off the list."""
    from tieline.insight.due import done as service

    pid, channel = service(state(ctx).store(), person, what, when)
    console.print(f"Logged a contact with #{pid} ({channel}).")
