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
    change = service.add(st.store(), handle, st.region)
    console.print(f"Added {change.kind} {safe(change.value)} as yours.")
    if change.redirected or change.promoted:
        console.print(
            f"{change.redirected} stored interactions now read as sent by you; "
            f"{change.promoted} people made from the two-way contact this shows "
            f"(`tieline imports undo {change.batch}` takes it back)."
        )


@app.command()
def remove(
    ctx: typer.Context,
    handle: Annotated[str, typer.Argument(help="A handle that is not yours after all.")],
) -> None:
    """Remove one of your handles: what it sent reads as incoming again."""
    st = state(ctx)
    change = service.remove(st.store(), handle, st.region)
    console.print(
        f"Removed {change.kind} {safe(change.value)}; {change.redirected} interactions read as incoming again "
        f"(`tieline imports undo {change.batch}` takes it back)."
    )


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
