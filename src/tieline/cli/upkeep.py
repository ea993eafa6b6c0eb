"""Keeping the store: `tieline backup`, `tieline restore`, `tieline maintenance`."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from tieline.cli import lazy
from tieline.cli.common import JSON, console, emit_json, err_console, safe, state

if TYPE_CHECKING:
    from tieline.services import backup as backups
    from tieline.services import privacy
else:
    backups = lazy.module("tieline.services.backup")
    privacy = lazy.module("tieline.services.privacy")


def backup(
    ctx: typer.Context,
    path: Annotated[
        Path, typer.Argument(help="The file to write (mode 0600); a .jsonl name gives JSON Lines.")
    ],
    fmt: Annotated[
        str | None,
        typer.Option(
            "--format",
            help="sqlite (a copy of the database; SQLite stores only) or jsonl (portable rows, any store).",
        ),
    ] = None,
    as_json: JSON = False,
) -> None:
    """Make a consistent copy of your data while tieline may be in use; `tieline restore` reads it back."""
    done = backups.backup(state(ctx).store(), path, fmt)
    if as_json:
        emit_json({"path": str(done.path), "format": done.format, "rows": done.rows})
        return
    what = "a SQLite copy" if done.format == "sqlite" else "JSON Lines"
    people = done.rows.get("people", 0)
    interactions = done.rows.get("interactions", 0)
    console.print(f"Backed up {people} people and {interactions} interactions to {safe(done.path)} ({what}).")


def restore(
    ctx: typer.Context,
    path: Annotated[
        Path, typer.Argument(help="A file written by `tieline backup` (SQLite copy or JSON Lines).")
    ],
    force: Annotated[bool, typer.Option("--force", help="Replace what the store holds.")] = False,
    as_json: JSON = False,
) -> None:
    """Read a backup into an empty store (--force replaces what the store holds)."""
    done = backups.restore(state(ctx).store(), path, force)
    if as_json:
        emit_json({"path": str(done.path), "format": done.format, "rows": done.rows})
        return
    people = done.rows.get("people", 0)
    interactions = done.rows.get("interactions", 0)
    console.print(f"Restored {people} people and {interactions} interactions from {safe(done.path)}.")


def maintenance(ctx: typer.Context) -> None:
    """Finish wiping what was deleted (after a forget another program delayed) and compact the store."""
    advice = privacy.maintenance(state(ctx).store())
    if advice:
        err_console.print(f"error: {safe(advice)}", soft_wrap=True)
        raise typer.Exit(1)
    console.print("Done: nothing of what was deleted is left in the database files.")
