"""`tieline export vcard|csv|json|ics PATH`: what tieline knows, in formats other tools read."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from tieline.cli import lazy
from tieline.cli.common import console, safe, state

if TYPE_CHECKING:
    from tieline.services import export as service
else:
    service = lazy.module("tieline.services.export")

app = typer.Typer(
    help="Take your data elsewhere: vCard, CSV, JSON; the due list as calendar reminders (ics).",
    no_args_is_help=True,
)

PATH = Annotated[Path, typer.Argument(help="The file to write (mode 0600).")]
QUERY = Annotated[
    str | None, typer.Option("--query", "-q", help="Only people whose name, handle or organisation matches.")
]


def _done(n: int, path: Path, what: str) -> None:
    console.print(f"Exported {n} {'person' if n == 1 else 'people'} to {safe(path)} ({what}).")


@app.command()
def vcard(
    ctx: typer.Context,
    path: PATH,
    query: QUERY = None,
    vcard_version: Annotated[int, typer.Option("--vcard-version", help="4 (RFC 6350) or 3 (RFC 2426).")] = 4,
) -> None:
    """vCards any address book reads (Apple Contacts, Google Contacts, Thunderbird); tieline reads them back whole."""
    n = service.export_vcard(state(ctx).store(), path, query, vcard_version)
    _done(n, path, f"vCard {vcard_version}.0")


@app.command()
def csv(
    ctx: typer.Context,
    path: PATH,
    query: QUERY = None,
    raw: Annotated[
        bool, typer.Option("--raw", help="Keep cells starting with = + - @ as they are (no leading ').")
    ] = False,
) -> None:
    """One row per person, safe to open in a spreadsheet (formulas are neutralised unless --raw)."""
    n = service.export_csv(state(ctx).store(), path, query, raw)
    _done(n, path, "CSV")


@app.command()
def json(ctx: typer.Context, path: PATH, query: QUERY = None) -> None:
    """Everything: people with their handles, jobs, notes, tags, ties, and every interaction (keys in docs/export.md)."""
    n = service.export_json(state(ctx).store(), path, query)
    _done(n, path, "JSON")


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
    console.print(f"Wrote {data.count(b'BEGIN:VEVENT')} reminders to {safe(path)}.")
