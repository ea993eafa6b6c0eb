"""`tieline import PATH...` and `tieline imports list|undo`."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich import box
from rich.table import Table

from tieline.cli import lazy
from tieline.cli.common import JSON, console, emit_json, err_console, safe, short_path, state
from tieline.errors import ImportInterrupted, SourceError

if TYPE_CHECKING:
    from tieline.ingest import batch as ingest_batch
    from tieline.ingest.batch import ImportOptions, ImportResult
    from tieline.services import imports as service
    from tieline.store.db import Store
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
    encoding: Annotated[
        str | None,
        typer.Option(
            "--encoding", help="Text encoding of CSV files that do not say it (shift_jis, gb18030...)."
        ),
    ] = None,
    show_skipped: Annotated[
        bool, typer.Option("--show-skipped", help="List every skipped record, not only the first ten.")
    ] = False,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print one JSON object, even when it fails.")
    ] = False,
) -> None:
    """Import exports: contacts, mailboxes, calendars, chats. Re-importing changes nothing.

    What it reads (found by looking at each file; --source forces one):

    \b
    linkedin           LinkedIn export: zip, folder or Connections.csv
    linkedin_messages  LinkedIn messages.csv
    vcard, jcard       vCard 2.1/3.0/4.0 (.vcf, a folder of them), jCard, xCard
    google_csv         Google Contacts CSV
    outlook_csv        Outlook contacts CSV (en, de, fr, es, it, nl, pt headers)
    facebook_friends   Facebook friends JSON
    mbox, maildir, eml Gmail Takeout, Thunderbird, Apple Mail, mutt mail
    ics                iCalendar .ics, vCal .vcs
    whatsapp           WhatsApp chat export (.txt, Android or iOS)
    telegram           Telegram result.json
    facebook_messages  Messenger / Instagram message_N.json
    signal             Signal export
    sms_backup         SMS Backup & Restore XML, SuperBackup call log
    phonelog_csv       call and SMS logs exported as CSV by phone apps
    interactions_csv   ego,alter,timestamp,channel,initiator,duration_s
    """
    from tieline.services import me as me_service

    st = state(ctx)
    store = st.store()
    for handle in me or ():
        me_service.add(store, handle, st.region)
    # The questions and the import share one unpacking of each archive, removed when the command ends.
    from tieline.sources import archive

    ctx.with_resource(archive.unpacking())
    asked = service.questions(store, list(paths), source, day_first)
    interactive = sys.stdin.isatty() and not as_json
    if asked["me"] and asked["me_certain"] and not interactive:
        me_service.add(store, asked["me"], st.region)
        me_shown = safe(asked["me"])
        err_console.print(
            f"note: {me_shown} taken as you: {safe(asked['me_why'])} "
            f"(`tieline me remove {me_shown}` if it is not you).",
            soft_wrap=True,
        )
    elif asked["me"]:
        if interactive and typer.confirm(
            f"Is {safe(asked['me'], markup=False)} you? ({safe(asked['me_why'], markup=False)})", default=True
        ):
            me_service.add(store, asked["me"], st.region)
        else:
            me_shown = safe(asked["me"])
            err_console.print(
                f"note: who you are is not set; {safe(asked['me_why']).replace('it ', me_shown + ' ', 1)}. "
                f"Re-run with --me {me_shown} so directions and people are right.",
                soft_wrap=True,
            )
    for shown in asked["ambiguous_dates"]:
        if interactive:
            day_first = typer.confirm(
                f"{safe(shown, markup=False)}: are dates written day first (31/12) rather than month first?",
                default=True,
            )
        else:
            err_console.print(
                f"note: {safe(shown)}: dates could be day-first or month-first; read as day-first "
                "(--month-first to change).",
                soft_wrap=True,
            )
    options = ingest_batch.ImportOptions(
        source=source,
        region=st.region,
        content=not no_content,
        create_people=create_people,
        day_first=day_first,
        extra={"encoding": encoding} if encoding else {},
    )
    try:
        result = _run(store, list(paths), options, as_json)
    except SourceError as exc:
        if not as_json:
            raise
        from tieline.ingest.context import Counts

        failed = {"file": exc.file, "record": exc.record, "reason": exc.reason}
        emit_json(ingest_batch.ImportResult(None, source or "none", Counts(), [failed], 0).as_json())
        err_console.print(f"[red]error:[/red] {safe(exc)}", soft_wrap=True)
        raise typer.Exit(1) from None
    except ImportInterrupted as stop:
        err_console.print(
            f"interrupted: the chunk being written was rolled back; batch {stop.batch} keeps what was "
            f"committed ({stop.interactions} interactions, {stop.people} people). Run the same command "
            f"again to resume batch {stop.batch}, or `tieline imports undo {stop.batch}` to take it back.",
            soft_wrap=True,
            highlight=False,
        )
        raise typer.Exit(130) from None
    if as_json:
        emit_json(result.as_json())
    else:
        summary(result, show_skipped)
    if not result.imported or not landed(result):  # nothing could be read, or every record was skipped
        raise typer.Exit(1)


def landed(result: ImportResult) -> bool:
    """Did any record land (written now, or stored already)?"""
    c = result.counts
    return c.people_created + c.people_updated + c.handles_added + c.interactions_created + c.unchanged > 0


SHOWN = 10


def summary(result: ImportResult, show_skipped: bool = False) -> None:
    """What the import did, in words: counts, why records were skipped, what could not be read."""
    data = result.as_json()
    if result.imported and result.batch is None and not data["skipped"]:
        console.print(
            f"Nothing new: every record is already stored ({data['unchanged']} unchanged); no batch recorded."
        )
    elif result.imported:
        title = f"batch {data['batch']} ({safe(data['source'])})" if data["batch"] else "nothing written"
        table = Table("", "count", title=title)
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
    for reason, n in sorted(data["skip_reasons"].items(), key=lambda kv: -kv[1]):
        console.print(f"  skipped {n}: {safe(reason)}")
    listed = data["skipped_records"] if show_skipped else data["skipped_records"][:SHOWN]
    for e in listed:
        console.print(f"    {_where(e)}: {safe(e['reason'])}", soft_wrap=True)
    hidden = data["skipped"] - len(listed)
    if hidden > 0:
        more = "--show-skipped lists them" if not show_skipped else "only the first 100 are kept"
        console.print(f"    … and {hidden} more skipped ({more})")
    if data["passed_over"]:
        over = data["passed_over"]
        names = ", ".join(f"{safe(short_path(o['file']))} ({safe(o['reason'])})" for o in over[:5])
        more = f" and {len(over) - 5} more" if len(over) > 5 else ""
        console.print(f"  passed over {len(over)} file(s) tieline cannot read: {names}{more}", soft_wrap=True)
    for e in data["errors"]:
        err_console.print(f"[red]error:[/red] {_where(e)}: {safe(e['reason'])}", soft_wrap=True)
    if data["errors"] and result.imported:
        err_console.print(
            f"{data['failed_files'] or len(data['errors'])} file(s) not imported; "
            f"{result.imported} of {data['files']} imported."
        )
    if not result.imported and result.files:
        err_console.print("Nothing was imported and nothing was written (no batch recorded).")
    elif not landed(result):
        err_console.print("Nothing was imported: every record was skipped, for the reasons above.")
    for m in data["merged"][:10]:
        console.print(
            f"  merged #{m['merged']} into #{m['kept']} {safe(m['name'])}: {safe(m['reason'])}",
            soft_wrap=True,
        )
    if data["merged"]:
        console.print(
            f"{len(data['merged'])} merged automatically: `tieline people merges`, undo with `people unmerge`."
        )
    for what, n in data["notes"].items():
        console.print(f"  {n} {safe(what)}")
    if data["merge_candidates"]:
        console.print(f"{data['merge_candidates']} possible duplicates: see `tieline people duplicates`.")


def _where(e: dict[str, Any]) -> str:
    return safe(e["file"]) + (f", record {safe(e['record'])}" if e["record"] else "")


def _run(store: Store, paths: list[Path], options: ImportOptions, as_json: bool) -> ImportResult:
    """The import itself, with a progress bar on a terminal."""
    if as_json or not console.is_terminal:
        return service.import_paths(store, paths, options)[0]
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
            current["name"] = f"importing {safe(Path(shown).name)}" + (
                f" ({size // (1024 * 1024)} MB)" if size >= BIG else ""
            )
            # A bar with a time left when the file's size is known; a counter otherwise.
            progress.update(task, description=current["name"], total=size or None, completed=0)

        def on_records(n: int, done: int) -> None:
            progress.update(task, description=f"{current['name']} — {n:,} records", completed=done)

        options.progress = on_records
        return service.import_paths(store, paths, options, on_file=on_file)[0]


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
    # No inner borders and a folding paths column: at 80 columns the file name stays whole.
    table = Table("batch", "date", "source", "status", "people", "interactions", box=box.SIMPLE_HEAD)
    table.add_column("paths", overflow="fold", ratio=1)
    for r in rows:
        table.add_row(
            str(r["batch"]),
            (r["started_at"] or "")[:10],
            safe(r["source"]),
            r["status"],
            str(r["rows"].get("people", "")),
            str(r["rows"].get("interactions", "")),
            "\n".join(safe(short_path(p)) for p in r["paths"][:3])
            + (f"\n… and {len(r['paths']) - 3} more" if len(r["paths"]) > 3 else ""),
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
