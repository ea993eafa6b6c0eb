"""`tieline demo`: the main job on bundled sample data."""

from __future__ import annotations

from rich.table import Table

from tieline.cli.common import State, console, emit_json
from tieline.demo.network import AS_OF
from tieline.services import demo as service
from tieline.services import people


def run_demo(_state: State, as_json: bool) -> None:
    demo = service.build()
    with demo.store.read() as conn:
        rows = people.summaries(conn, demo.store.account_id)
    if as_json:
        emit_json({"database": str(demo.folder / "demo.db"), "import": demo.result.as_json(), "people": rows})
        return
    r = demo.result.as_json()
    console.print(f"[bold]tieline demo[/bold] — a made-up network as of {AS_OF.date()}")
    console.print(
        f"Imported {', '.join(p.name for p in demo.files)}: {r['people_created']} people, "
        f"{r['interactions_created']} interactions ({r['skipped']} skipped)."
    )
    talked = sorted((p for p in rows if p["last_contact"]), key=lambda p: p["last_contact"], reverse=True)
    table = Table("#", "name", "organisation", "last talked", title="Who you talked to, most recent first")
    for p in talked[:25]:
        table.add_row(str(p["id"]), p["name"], p["organization"] or "", p["last_contact"][:10])
    console.print(table)
    never = len(rows) - len(talked)
    console.print(f"{len(rows)} people in all; {never} of them you have never talked to in these exports.")
    console.print(f"Explore it: tieline --db {demo.folder / 'demo.db'} people list")
