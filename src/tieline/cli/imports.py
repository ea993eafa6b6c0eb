"""`tieline import PATH...` and `tieline imports list|undo`."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from tieline.cli import lazy
from tieline.cli.common import JSON, console, emit_json, err_console, state

if TYPE_CHECKING:
    from tieline.ingest import batch as ingest_batch
    from tieline.services import imports as service
else:
    ingest_batch = lazy.module("tieline.ingest.batch")
    service = lazy.module("tieline.services.imports")

imports_app = typer.Typer(help="Import batches: list them, undo one.", no_args_is_help=True)
BIG = 5 * 1024 * 1024


def import_(
    ctx: typer.Context,
    paths: Annotated[list[Path], typer.Argument(help="Export files, folders or zips.")],
    source: Annotated[
        str | None, typer.Option("--source", help="Force a reader (linkedin, vcard, mbox, ...).")
    ] = None,
    me: Annotated[
        list[str] | None, typer.Option("--me", help="One of your own handles (repeatable).")
    ] = None,
    no_content: Annotated[bool, typer.Option("--no-content", help="Keep no subjects or snippets.")] = False,
    create_people: Annotated[
        bool,
        typer.Option("--create-people", help="Make a person of every sender, even without two-way contact."),
    ] = False,
    day_first: Annotated[
        bool | None,
        typer.Option(
            "--day-first/--month-first", help="Date order of chat exports and re-saved CSVs, when ambiguous."
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Import exports: contacts, mailboxes, calendars, chats. Re-importing changes nothing."""
    from tieline.services import me as me_service

    st = state(ctx)
    store = st.store()
    for handle in me or ():
        me_service.add(store, handle, st.region)
    asked = service.questions(store, list(paths), source, day_first)
    interactive = sys.stdin.isatty() and not as_json
    if asked["me"]:
        if interactive and typer.confirm(
            f"Is {asked['me']} you? (it sent most of the Sent mail)", default=True
        ):
            me_service.add(store, asked["me"], st.region)
        else:
            err_console.print(
                f"note: who you are is not set; {asked['me']} sent most of the Sent mail. "
                f"Re-run with --me {asked['me']} so directions and people are right.",
                soft_wrap=True,
            )
    for shown in asked["ambiguous_dates"]:
        if interactive:
            day_first = typer.confirm(
                f"{shown}: are dates written day first (31/12) rather than month first?", default=True
            )
        else:
            err_console.print(
                f"note: {shown}: dates could be day-first or month-first; read as day-first "
                "(--month-first to change).",
                soft_wrap=True,
            )
    options = ingest_batch.ImportOptions(
        source=source,
        region=st.region,
        content=not no_content,
        create_people=create_people,
        day_first=day_first,
    )
    if as_json or not console.is_terminal:
        result, _rescored = service.import_paths(store, list(paths), options)
    else:
        from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

        with Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            TimeElapsedColumn(),
            TimeRemainingColumn(),
            console=console,
            transient=True,
        ) as progress:
            task = progress.add_task("planning", total=None)

            current = {"name": ""}

            def on_file(shown: str, size: int) -> None:
                current["name"] = f"importing {Path(shown).name}" + (
                    f" ({size // (1024 * 1024)} MB)" if size >= BIG else ""
                )
                # A bar with a time left when the file's size is known; a counter otherwise.
                progress.update(task, description=current["name"], total=size or None, completed=0)

            def on_records(n: int, done: int) -> None:
                progress.update(task, description=f"{current['name']} — {n:,} records", completed=done)

            options.progress = on_records
            result, _rescored = service.import_paths(store, list(paths), options, on_file=on_file)
    if as_json:
        emit_json(result.as_json())
        if not result.imported:
            raise typer.Exit(1)
        return
    data = result.as_json()
    table = Table("", "count", title=f"batch {data['batch']} ({data['source']})")
    for key in (
        "people_created",
        "people_updated",
        "handles_added",
        "interactions_created",
        "unchanged",
        "skipped",
        "merge_candidates",
    ):
        table.add_row(key.replace("_", " "), str(data[key]))
    console.print(table)
    for reason, n in sorted(data["skip_reasons"].items(), key=lambda kv: -kv[1])[:8]:
        console.print(f"  skipped {n}: {reason}")
    for e in data["errors"][:10]:
        where = f"{e['file']}" + (f", record {e['record']}" if e["record"] else "")
        err_console.print(f"  [yellow]{where}[/yellow]: {e['reason']}", soft_wrap=True)
    if data["merge_candidates"]:
        console.print(f"{data['merge_candidates']} possible duplicates: see `tieline people duplicates`.")
    if not result.imported:  # no file could be imported at all
        raise typer.Exit(1)


@imports_app.command("list")
def list_(
    ctx: typer.Context,
    as_json: JSON = False,
) -> None:
    """Every import batch, with what it wrote."""
    rows = service.listing(state(ctx).store())
    if as_json:
        emit_json(rows)
        return
    table = Table("batch", "when", "source", "status", "people", "interactions", "paths")
    for r in rows:
        table.add_row(
            str(r["batch"]),
            (r["started_at"] or "")[:16].replace("T", " "),
            r["source"],
            r["status"],
            str(r["rows"].get("people", "")),
            str(r["rows"].get("interactions", "")),
            ", ".join(r["paths"])[:60],
        )
    console.print(table)


@imports_app.command()
def undo(
    ctx: typer.Context,
    batch: Annotated[int, typer.Argument(help="The batch number, as `imports list` shows it.")],
    with_later: Annotated[
        bool,
        typer.Option(
            "--with-later", help="Also undo the later imports and merges built on this one, newest first."
        ),
    ] = False,
) -> None:
    """Undo an import: the database is as it was before that batch."""
    undone = service.undo(state(ctx).store(), batch, with_later=with_later)
    for other in undone[:-1]:
        console.print(f"Batch {other} undone (it built on batch {batch}).")
    console.print(f"Batch {batch} undone.")
