"""Keeping the store: `tieline maintenance` (and backup / restore)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

from tieline.cli import lazy
from tieline.cli.common import console, err_console, state

if TYPE_CHECKING:
    from tieline.services import privacy
else:
    privacy = lazy.module("tieline.services.privacy")


def maintenance(ctx: typer.Context) -> None:
    """Finish wiping what was deleted (after a forget another program delayed) and compact the store."""
    advice = privacy.maintenance(state(ctx).store())
    if advice:
        err_console.print(f"error: {advice}", soft_wrap=True)
        raise typer.Exit(1)
    console.print("Done: nothing of what was deleted is left in the database files.")
