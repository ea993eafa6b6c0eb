"""`tieline demo`: the main job on bundled sample data."""

from __future__ import annotations

from collections import Counter
from typing import Any

from rich.table import Table

from tieline.cli.common import State, console, emit_json, safe
from tieline.cli.model import verdict
from tieline.demo.network import AS_OF
from tieline.services import demo as service
from tieline.services import people
from tieline.services.strength import LAYER_NAMES, explain
from tieline.strength import defaults


def run_demo(state: State, as_json: bool) -> None:
    demo = service.build(db=state.db)
    where = state.db if state.db is not None else str(demo.folder / "demo.db")
    rows = people.listing(demo.store, sort="strength", as_of=AS_OF)
    if as_json:
        emit_json(
            {
                "database": where,
                "as_of": AS_OF.isoformat(),
                "import": demo.result.as_json(),
                "people": rows,
            }
        )
        return
    r = demo.result.as_json()
    console.print(f"[bold]tieline demo[/bold] — Sam Taylor's made-up network, as of {AS_OF.date()}")
    console.print(
        f"Imported {', '.join(safe(p.name) for p in demo.files)}: {r['people_created']} people, "
        f"{r['interactions_created']} interactions, {r['skipped']} skipped, "
        f"{r['merge_candidates']} possible duplicates to review."
    )
    known = [p for p in rows if p["strength"] is not None]
    call = [p for p in known if (p["p_call"] or 0) >= 0.5]
    layers = Counter(p["layer"] for p in known)
    console.print(
        f"\n[bold]{len(rows)}[/bold] people in your contacts; [bold]{len(call)}[/bold] would likely take your call. "
        + ", ".join(f"{LAYER_NAMES[k]} {layers.get(k, 0)}" for k in (1, 2, 3, 4, 5))
        + f"; {len(rows) - len(known)} with no evidence at all."
    )
    _table("Your inner circles", known[:15])
    # An answered tie shows the answer (0.97), not the logs' certainty: say so, or the top looks flat.
    said = sum(1 for p in known[:15] if p["p_call"] == defaults.ANSWER_YES)
    if said:
        console.print(
            f"{said} of these show 0.97 because Sam said they would take the call (`tieline model ask`);"
            " what the logs say only orders them. The others are scored from the logs alone.",
            highlight=False,
        )
    states = Counter(p["state"] for p in rows)
    console.print("States: " + ", ".join(f"{s} {n}" for s, n in states.most_common()))
    _table("Fading — worth a call this month", [p for p in known if p["state"] == "fading"][:8])
    _table("New ties to nurture", [p for p in known if p["state"] == "new"][:8])
    if known:
        top = explain(demo.store, f"#{known[0]['id']}", AS_OF)
        console.print(
            f"\nAt the top: {safe(top['name'])} {verdict(top['p_call'])} ({top['p_call']:.0%}); "
            f"`tieline --db {safe(where)} model explain '#{top['id']}' --as-of {AS_OF.date()}` says why.",
            soft_wrap=True,
        )
    # The demo is scored as of AS_OF: the hint says so, or run on another day it would show other states.
    console.print(
        f"\nExplore it: tieline --db {safe(where)} people list --sort strength --as-of {AS_OF.date()}",
        soft_wrap=True,
    )
    _what_to_do(demo.store)


def _what_to_do(store: Any) -> None:
    """The closing lines: the health headline, who to contact this week, and the review's queues."""
    from tieline.cli.health import headline_lines
    from tieline.insight.due import due
    from tieline.insight.health import health
    from tieline.insight.review import sizes

    console.print(f"\n[bold]Network health[/bold] as of {AS_OF.date()}")
    for line in headline_lines(health(store, AS_OF)):
        console.print(line, highlight=False)
    console.print("\n[bold]Contact this week[/bold]")
    for r in due(store, AS_OF, limit=5):
        console.print(f"  {safe(r['name'])} — {safe(r['reason'])}", highlight=False)
    queues = sizes(store, AS_OF)
    console.print(
        "\n[bold]Review[/bold] (`tieline review`): " + ", ".join(f"{q} {n}" for q, n in queues.items()),
        highlight=False,
    )


def _table(title: str, rows: list[dict[str, Any]]) -> None:
    if not rows:
        return
    table = Table("#", "name", "organisation", "strength", "layer", "state", "last contact", title=title)
    for p in rows:
        table.add_row(
            str(p["id"]),
            safe(p["name"]),
            safe(p["organization"] or ""),
            f"{p['strength']:.2f}",
            LAYER_NAMES.get(p["layer"] or 0, ""),
            p["state"],
            (p["last_contact"] or "")[:10],
        )
    console.print(table)
