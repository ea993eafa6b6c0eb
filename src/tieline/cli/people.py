"""`tieline people ...`"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.table import Table

from tieline.cli import lazy
from tieline.cli.common import JSON, console, emit_json, err_console, safe, scoring_progress, state
from tieline.errors import TielineError
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

# The same list as services.people.RELATIONSHIPS (a test keeps them equal), named here so that
# `--help` needs no database code.
RELATIONSHIPS = ("family", "partner", "friend", "colleague", "mentor", "acquaintance")

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
    relationship: Annotated[str | None, typer.Option(help=f"One of: {', '.join(RELATIONSHIPS)}.")] = None,
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
    added = service.add_person(st.store(), new, st.region)
    pid = added.id
    if as_json:
        emit_json({"id": pid, "name": name, "lifted": added.lifted, "lookalikes": added.lookalikes})
        return
    console.print(f"Added [bold]{safe(name)}[/bold] as #{pid}.")
    for value in added.lifted:
        console.print(f"{safe(value)} had been forgotten: imports will bring it in again.")
    for other in added.lookalikes:
        console.print(
            f"note: #{other['id']} {safe(other['name'])} has a similar name "
            f"(`tieline people merge {other['id']} {pid}` if they are one person)."
        )


@app.command("list")
def list_(
    ctx: typer.Context,
    query: Annotated[
        str | None, typer.Option("--query", "-q", help="Part of a name, handle or organisation.")
    ] = None,
    limit: Annotated[int | None, typer.Option(min=0, help="At most this many (0 or left out: all).")] = None,
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
            limit=limit or None,
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
            safe(r["name"]),
            safe(r["organization"] or ""),
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
    limit: Annotated[int, typer.Option(min=0, help="How many interactions to list (0 = all).")] = 50,
    every: Annotated[bool, typer.Option("--all", help="List every interaction.")] = False,
    page: Annotated[
        int, typer.Option(min=1, help="Which page of the timeline, newest first (1 = latest).")
    ] = 1,
    as_json: JSON = False,
) -> None:
    """Everything about one person: handles (and where they came from), jobs, notes, the timeline."""
    st = state(ctx)
    d = service.detail(
        st.store(), person, None if every else limit or None, 0 if every else (page - 1) * limit
    )
    if as_json:
        emit_json(d)
        return
    console.print(f"[bold]{safe(d['name'])}[/bold]  #{d['id']}")
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
            shown = d[key][:10] if key in ("connected_on", "snoozed_until") else d[key]
            console.print(f"  {label}: {safe(shown)}")
    for h in d["handles"]:
        origin = (
            f"  [dim](from {safe(h['from']['file'])}, batch {h['from']['batch']})[/dim]" if h["from"] else ""
        )
        console.print(f"  {h['kind']}: {safe(h['value'])}{origin}")
    for p in d["positions"]:
        span = f" ({p['start'] or '?'} – {p['end'] or 'now'})" if p["start"] or p["end"] else ""
        origin = f"  [dim](from {safe(p['from']['file'])})[/dim]" if p["from"] else ""
        title = safe(p["title"]) + " at " if p["title"] else ""
        console.print(f"  works: {title}{safe(p['organization'])}{span}{origin}")
    if d["tags"]:
        console.print("  tags: " + ", ".join(safe(tag) for tag in d["tags"]))
    for n in d["notes"]:
        console.print(f"  note: {safe(n, lines=True)}")
    if d["interactions"]:
        console.print(_timeline(d["interactions"], d["interactions_total"]))
    else:
        console.print("  no interactions yet")


def _timeline(rows: list[dict[str, Any]], total: int) -> Table:
    """The latest interactions, saying how many of how many (and how to see all), with call lengths."""
    title = (
        f"{total} interactions"
        if len(rows) >= total
        else f"showing {len(rows)} of {total} interactions (--all)"
    )
    timed = any(i.get("duration_s") for i in rows)
    table = Table(
        "when", "channel", "direction", "kind", *(("duration",) if timed else ()), "what", title=title
    )
    for i in rows:
        duration = (duration_words(i["duration_s"]),) if timed else ()
        table.add_row(
            (i["when"] or "")[:16].replace("T", " "),
            i["channel"],
            i["direction"] or "?",
            i["kind"],
            *duration,
            safe(i["subject"] or ""),
        )
    return table


def duration_words(seconds: float | None) -> str:
    """12 s, 4 min 05 s, 1 h 02 min; empty when unknown."""
    if not seconds:
        return ""
    s = round(seconds)
    if s < 60:
        return f"{s} s"
    if s < 3600:
        return f"{s // 60} min {s % 60:02d} s"
    return f"{s // 3600} h {s % 3600 // 60:02d} min"


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
    relationship: Annotated[str | None, typer.Option(help=f"One of: {', '.join(RELATIONSHIPS)}.")] = None,
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
    given = (name, closeness, call, relationship, how_met, why_connected, introduced_by, tag, untag, note)
    if all(v is None for v in given) and every is None and archive is None:
        raise TielineError(
            "nothing to change: give what to change, e.g. --closeness 4 or --would-take-call "
            "(`tieline people edit --help` lists them)"
        )
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
def merges(ctx: typer.Context, as_json: JSON = False) -> None:
    """Every merge with its number, yours and the imports' own (`people unmerge N` takes one back)."""
    rows = merge_service.listing(state(ctx).store())
    if as_json:
        emit_json(rows)
        return
    table = Table("merge", "kept", "merged", "why", "when", "state")
    for r in rows:
        table.add_row(
            str(r["merge"]),
            f"#{r['kept_id']} {safe(r['kept_name'] or '')}",
            f"#{r['merged_id']} {safe(r['merged_name'] or '')}",
            safe(r["reason"]),
            (r["merged_at"] or "")[:16].replace("T", " "),
            "undone" if r["undone"] else "",
        )
    console.print(table)
    console.print(f"{len(rows)} merges")


@app.command()
def duplicates(
    ctx: typer.Context,
    dismiss: Annotated[
        list[int] | None,
        typer.Option(
            "--dismiss", help="A pair's number: not the same person, never proposed again (repeatable)."
        ),
    ] = None,
    as_json: JSON = False,
) -> None:
    """Likely duplicates waiting for you to decide (`people merge A B` joins a pair, --dismiss N parts it)."""
    store = state(ctx).store()
    for pair in dismiss or ():
        done = merge_service.dismiss(store, pair)
        console.print(
            f"Pair {pair} (#{done['person_a']}, #{done['person_b']}) dismissed: not proposed again."
        )
    if dismiss:
        return
    rows = merge_service.candidates(store)
    if as_json:
        emit_json(rows)
        return
    table = Table("pair", "#a", "name", "#b", "name", "why", "score")
    for r in rows:
        table.add_row(
            str(r["id"]),
            str(r["person_a"]),
            safe(r["name_a"]),
            str(r["person_b"]),
            safe(r["name_b"]),
            safe(r["reason"]),
            f"{r['score']:.2f}",
        )
    console.print(table)
    console.print(f"{len(rows)} possible duplicates (`--dismiss PAIR` when two are not the same person)")


@app.command()
def forget(
    ctx: typer.Context,
    person: Annotated[str, typer.Argument(help="A #id, a handle, or part of a name.")],
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask.")] = False,
) -> None:
    """Delete a person and everything about them; later imports will not bring them back."""
    st = state(ctx)
    if not yes and not typer.confirm(f"Forget '{safe(person, markup=False)}' and everything about them?"):
        raise typer.Exit(1)
    done = privacy.forget(st.store(), person)
    console.print(f"Forgot {safe(done.name)} (#{done.id}).")
    if done.advice:
        err_console.print(f"warning: {safe(done.advice)}", soft_wrap=True)
