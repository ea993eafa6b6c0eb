"""`tieline me ...`"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from tieline.cli import lazy
from tieline.cli.common import JSON, console, emit_json, safe, state

if TYPE_CHECKING:
    from tieline.services import me as service
else:
    service = lazy.module("tieline.services.me")

app = typer.Typer(help="Your own handles: they tell tieline which messages you sent.", no_args_is_help=True)


@app.command()
def add(
    ctx: typer.Context,
    handle: Annotated[str, typer.Argument(help="An e-mail, phone, profile URL or service:id.")],
) -> None:
    """Add one of your own handles."""
    st = state(ctx)
    kind, value = service.add(st.store(), handle, st.region)
    console.print(f"Added {kind} {safe(value)} as yours.")


@app.command()
def show(
    ctx: typer.Context,
    as_json: JSON = False,
) -> None:
    """List your own handles."""
    rows = service.show(state(ctx).store())
    if as_json:
        emit_json(rows)
        return
    if not rows:
        console.print("No handles of yours yet: `tieline me add you@example.com`.")
    for r in rows:
        console.print(f"{r['kind']}: {safe(r['value'])}")
