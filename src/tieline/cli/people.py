"""`tieline people ...`"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from tieline.cli import lazy
from tieline.cli.common import JSON, console, emit_json, err_console, scoring_progress, state
from tieline.insight.durations import parse_days

if TYPE_CHECKING:
    from tieline.services import decisions, logbook, privacy
    from tieline.services import merge as merge_service
    from tieline.services import people as service
    from tieline.services import strength as strength_service
else:
    decisions = lazy.module("tieline.services.decisions")
    merge_service = lazy.module("tieline.services.merge")
    service = lazy.module("tieline.services.people")
    privacy = lazy.module("tieline.services.privacy")
    logbook = lazy.module("tieline.services.logbook")
    strength_service = lazy.module("tieline.services.strength")

app = typer.Typer(
    help="The people in your network: add, list, show, edit, merge, forget.", no_args_is_help=True
)


@app.command()
def add(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="Their name as you would write it.")],
    email: Annotated[
        list[str] | None, typer.Option("--email", "-e", help="An e-mail address (repeatable).")
    ] = None,
    phone: Annotated[
        list[str] | None, typer.Option("--phone", "-p", help="A phone number (repeatable).")
    ] = None,
    url: Annotated[
        list[str] | None, typer.Option("--url", help="A profile URL, e.g. LinkedIn (repeatable).")
    ] = None,
    org: Annotated[str | None, typer.Option("--org", help="Where they work now.")] = None,
    title: Annotated[str | None, typer.Option("--title", help="Their job title.")] = None,
    how_met: Annotated[str | None, typer.Option("--how-met", help="How you met.")] = None,
    relationship: Annotated[
        str | None, typer.Option(help="family, partner, friend, colleague, mentor, ...")
    ] = None,
    closeness: Annotated[int | None, typer.Option(help="How close you feel, 1-5.")] = None,
    as_json: JSON = False,
) -> None:
    """Add a person by hand."""
    st = state(ctx)
    new = service.NewPerson(
        name,
        tuple(email or ()),
        tuple(phone or ()),
        tuple(url or ()),
        org,
        title,
        how_met,
        relationship,
        closeness,
    )
    pid = service.add(st.store(), new, st.region)
    if as_json:
        emit_json({"id": pid, "name": name})
    else:
        console.print(f"Added [bold]{name}[/bold] as #{pid}.")


@app.command("list")
def list_(
    ctx: typer.Context,
    query: Annotated[
        str | None, typer.Option("--query", "-q", help="Part of a name, handle or organisation.")
    ] = None,
    limit: Annotated[int | None, typer.Option(help="At most this many (all by default).")] = None,
    sort: Annotated[str, typer.Option(help="name, strength or last (most recent contact first).")] = "name",
    layer: Annotated[
        str | None,
        typer.Option(
            help="Only this Dunbar layer, by number or name: 1 support, 2 sympathy, 3 affinity, 4 active, 5 beyond."
        ),
    ] = None,
    only_state: Annotated[
        str | None,
        typer.Option(
            "--state", help="Only ties in this state: strong, stable, fading, dormant, new, unknown."
        ),
    ] = None,
    as_of: Annotated[str | None, typer.Option("--as-of", help="Score as of this date (default now).")] = None,
    as_json: JSON = False,
) -> None:
    """List people with the strength of your tie (every match; --limit to cut)."""
    st = state(ctx)
    with scoring_progress() as progress:
        rows = service.listing(
            st.store(),
            query,
            sort,
            layer,
            only_state,
            logbook.parse_when(as_of) if as_of else None,
            limit=limit,
            progress=progress,
        )
    if as_json:
        emit_json(rows)
        return
    table = Table("#", "name", "organisation", "strength", "layer", "state", "last contact")
    for r in rows:
        strength = "?" if r["strength"] is None else f"{r['strength']:.2f}"
        table.add_row(
            str(r["id"]),
            r["name"],
            r["organization"] or "",
            strength,
            strength_service.LAYER_NAMES.get(r["layer"] or 0, ""),
            r["state"],
            (r["last_contact"] or "")[:10],
        )
    console.print(table)
    console.print(f"{len(rows)} people")


@app.command()
def show(
    ctx: typer.Context,
    person: Annotated[str, typer.Argument(help="A #id, a handle, or part of a name.")],
    limit: Annotated[int, typer.Option(help="How many interactions to list (0 = all).")] = 50,
    page: Annotated[int, typer.Option(help="Which page of the timeline, newest first (1 = latest).")] = 1,
    as_json: JSON = False,
) -> None:
    """Everything about one person: handles (and where they came from), jobs, notes, the timeline."""
    st = state(ctx)
    d = service.detail(st.store(), person, limit or None, (max(page, 1) - 1) * limit)
    if as_json:
        emit_json(d)
        return
    console.print(f"[bold]{d['name']}[/bold]  #{d['id']}")
    for label, key in (
        ("connected on", "connected_on"),
        ("how we met", "how_met"),
        ("relationship", "relationship"),
        ("closeness", "closeness"),
        ("would take my call", "would_take_call"),
        ("introduced by", "introduced_by"),
        ("birthday", "birthday"),
        ("in touch every (days)", "every_days"),
        ("archived", "archived"),
        ("snoozed until", "snoozed_until"),
    ):
        if d[key] is not None:
            console.print(f"  {label}: {d[key]}")
    for h in d["handles"]:
        origin = f"  [dim](from {h['from']['file']}, batch {h['from']['batch']})[/dim]" if h["from"] else ""
        console.print(f"  {h['kind']}: {h['value']}{origin}")
    for p in d["positions"]:
        span = f" ({p['start'] or '?'} – {p['end'] or 'now'})" if p["start"] or p["end"] else ""
        origin = f"  [dim](from {p['from']['file']})[/dim]" if p["from"] else ""
        console.print(
            f"  works: {p['title'] + ' at ' if p['title'] else ''}{p['organization']}{span}{origin}"
        )
    if d["tags"]:
        console.print("  tags: " + ", ".join(d["tags"]))
    for n in d["notes"]:
        console.print(f"  note: {n}")
    if d["interactions"]:
        table = Table(
            "when", "channel", "direction", "kind", "what", title=f"{d['interactions_total']} interactions"
        )
        for i in d["interactions"]:
            table.add_row(
                (i["when"] or "")[:16].replace("T", " "),
                i["channel"],
                i["direction"] or "?",
                i["kind"],
                i["subject"] or "",
            )
        console.print(table)
    else:
        console.print("  no interactions yet")


@app.command()
def edit(
    ctx: typer.Context,
    person: Annotated[str, typer.Argument(help="A #id, a handle, or part of a name.")],
    name: Annotated[str | None, typer.Option(help="A new name.")] = None,
    closeness: Annotated[int | None, typer.Option(help="How close you feel, 1-5.")] = None,
    call: Annotated[
        bool | None,
        typer.Option("--would-take-call/--would-not-take-call", help="Would they take your call?"),
    ] = None,
    relationship: Annotated[
        str | None, typer.Option(help="family, partner, friend, colleague, mentor, ...")
    ] = None,
    how_met: Annotated[str | None, typer.Option("--how-met", help="How you met.")] = None,
    why_connected: Annotated[str | None, typer.Option("--why-connected", help="Why you connected.")] = None,
    introduced_by: Annotated[str | None, typer.Option("--introduced-by", help="Who introduced you.")] = None,
    tag: Annotated[list[str] | None, typer.Option("--tag", help="Add a tag (repeatable).")] = None,
    untag: Annotated[list[str] | None, typer.Option("--untag", help="Remove a tag (repeatable).")] = None,
    note: Annotated[str | None, typer.Option(help="Add a note.")] = None,
    every: Annotated[
        str | None,
        typer.Option(
            "--every", help="Be in touch this often, e.g. 30d, 2w, 3m ('none' goes back to the tie's rhythm)."
        ),
    ] = None,
    archive: Annotated[
        bool | None,
        typer.Option("--archive/--unarchive", help="Archive: kept, but out of every count and to-do list."),
    ] = None,
) -> None:
    """Change what only you know about someone."""
    st = state(ctx)
    clear = every is not None and every.strip().lower() in ("none", "off")
    every_days = None if every is None or clear else parse_days(every)
    pid = service.edit(
        st.store(),
        person,
        name=name,
        closeness=closeness,
        would_take_call=call,
        relationship=relationship,
        how_met=how_met,
        why_connected=why_connected,
        introduced_by=introduced_by,
        tags_add=tag,
        tags_remove=untag,
        note=note,
    )
    if every is not None:
        decisions.set_cadence(st.store(), f"#{pid}", every_days)
    if archive is not None:
        decisions.archive(st.store(), f"#{pid}", archive)
    console.print(f"Updated #{pid}.")


@app.command()
def merge(
    ctx: typer.Context,
    keep: Annotated[str, typer.Argument(help="The person to keep (#id, handle or name).")],
    other: Annotated[str, typer.Argument(help="The person merged into KEEP and removed.")],
) -> None:
    """Merge OTHER into KEEP (undo with `people unmerge`)."""
    st = state(ctx)
    mid = merge_service.merge(st.store(), keep, other)
    console.print(f"Merged (merge #{mid}; `tieline people unmerge {mid}` takes it back).")


@app.command()
def unmerge(
    ctx: typer.Context,
    merge_id: Annotated[int | None, typer.Argument(help="The merge number (default: the latest).")] = None,
) -> None:
    """Take back a merge (the latest one by default)."""
    st = state(ctx)
    mid = merge_service.undo_merge(st.store(), merge_id)
    console.print(f"Merge #{mid} undone.")


@app.command()
def duplicates(ctx: typer.Context, as_json: JSON = False) -> None:
    """Likely duplicates waiting for you to decide (`people merge A B` resolves one)."""
    rows = merge_service.candidates(state(ctx).store())
    if as_json:
        emit_json(rows)
        return
    table = Table("#a", "name", "#b", "name", "why", "score")
    for r in rows:
        table.add_row(
            str(r["person_a"]), r["name_a"], str(r["person_b"]), r["name_b"], r["reason"], f"{r['score']:.2f}"
        )
    console.print(table)
    console.print(f"{len(rows)} possible duplicates")


@app.command()
def forget(
    ctx: typer.Context,
    person: Annotated[str, typer.Argument(help="A #id, a handle, or part of a name.")],
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask.")] = False,
) -> None:
    """Delete a person and everything about them; later imports will not bring them back."""
    st = state(ctx)
    if not yes and not typer.confirm(f"Forget {person!r} and everything about them?"):
        raise typer.Exit(1)
    done = privacy.forget(st.store(), person)
    console.print(f"Forgot {done.name} (#{done.id}).")
    if done.advice:
        err_console.print(f"warning: {done.advice}", soft_wrap=True)
