"""`tieline token create NAME | list | revoke ID`: API tokens for scripts."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from tieline.cli import lazy
from tieline.cli.common import JSON, console, emit_json, safe, state

if TYPE_CHECKING:
    from tieline.services import tokens as service
else:
    service = lazy.module("tieline.services.tokens")

app = typer.Typer(help="API tokens for scripts (Authorization: Bearer TOKEN).", no_args_is_help=True)


@app.command()
def create(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="What the token is for, e.g. 'backup script'.")],
    as_json: JSON = False,
) -> None:
    """Make a token; its secret is printed once and cannot be shown again."""
    token_id, secret = service.create(state(ctx).store(), name)
    if as_json:
        emit_json({"id": token_id, "name": name.strip(), "token": secret})
        return
    console.print(f"Token #{token_id} ({safe(name.strip())}): {secret}")
    console.print("[dim]Copy it now: it is not stored and cannot be shown again.[/dim]")


@app.command("list")
def list_(ctx: typer.Context, as_json: JSON = False) -> None:
    """The account's tokens (never their secrets)."""
    rows = service.list_tokens(state(ctx).store())
    if as_json:
        emit_json(rows)
        return
    if not rows:
        console.print("No API tokens: `tieline token create NAME` makes one.")
        return
    table = Table("#", "name", "created", "last used", "state", title="API tokens")
    for r in rows:
        used = r["last_used_at"]
        table.add_row(
            str(r["id"]),
            safe(r["name"]),
            f"{r['created_at']:%Y-%m-%d %H:%M}",
            f"{used:%Y-%m-%d %H:%M}" if used else "never",
            "revoked" if r["revoked"] else "active",
        )
    console.print(table)


@app.command()
def revoke(
    ctx: typer.Context,
    token_id: Annotated[int, typer.Argument(metavar="ID", help="The token's # from `tieline token list`.")],
) -> None:
    """Revoke a token: scripts using it are refused from now on."""
    service.revoke(state(ctx).store(), token_id)
    console.print(f"Token #{token_id} revoked.")
