"""`tieline who "NEED"`: who to call for help."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from tieline.cli.common import JSON, console, emit_json, safe, state


def who(
    ctx: typer.Context,
    need: Annotated[
        str, typer.Argument(help='What you need, in words: "analytical chemistry roles in Boston".')
    ],
    limit: Annotated[int, typer.Option(min=1, help="At most this many.")] = 10,
    as_json: JSON = False,
) -> None:
    """The people best placed to help with NEED, by tie strength x relevance, with an introduction path."""
    from tieline.insight.who import who as service

    found = service(state(ctx).store(), need, limit)
    if as_json:
        emit_json(found)
        return
    if not found["people"]:
        console.print(f"Nobody you know matches {safe(', '.join(found['words']))}.", highlight=False)
        return
    table = Table(
        "#", "name", "why", "would take your call", "how to reach them", title=f"Who to call: {safe(need)}"
    )
    for r in found["people"]:
        intro = r["introduction"]
        reach = (
            "directly"
            if r["close"]
            else f"ask {safe(intro['name'])} (#{intro['person_id']}): {safe(intro['via'])}"
            if intro
            else "no one close to you knows them"
        )
        call = "?" if r["p_call"] is None else f"{r['p_call']:.0%}"
        table.add_row(str(r["person_id"]), safe(r["name"]), safe(r["reason"]), call, reach)
    console.print(table)
