"""Keeping the store: `tieline maintenance` (and backup / restore)."""

from __future__ import annotations

import typer

from tieline.cli.common import console, err_console, state
from tieline.services import privacy


def maintenance(ctx: typer.Context) -> None:
    """Finish wiping what was deleted (after a forget another program delayed) and compact the store."""
    advice = privacy.maintenance(state(ctx).store())
    if advice:
        err_console.print(f"error: {advice}", soft_wrap=True)
        raise typer.Exit(1)
    console.print("Done: nothing of what was deleted is left in the database files.")
