"""`tieline export ...`: what tieline knows, in formats other tools read."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from tieline.cli.common import console, state

app = typer.Typer(help="Export: the due list as calendar reminders (ics).", no_args_is_help=True)


@app.command()
def ics(
    ctx: typer.Context,
    path: Annotated[Path, typer.Argument(help="The .ics file to write (replaced whole).")],
    limit: Annotated[int, typer.Option(min=1, help="At most this many reminders.")] = 50,
) -> None:
    """The due list as calendar reminders; stable UIDs, so a re-export updates rather than duplicates."""
    from tieline.insight import reminders

    store = state(ctx).store()
    data = reminders.calendar(store, None, limit)
    reminders.write(path, data)
    console.print(f"Wrote {data.count(b'BEGIN:VEVENT')} reminders to {path}.", highlight=False)
