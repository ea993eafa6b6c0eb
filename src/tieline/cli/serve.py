"""`tieline serve` (the web app) and `tieline account add` (its multi-user logins). Nothing of the web
app is imported until the command runs, so `--help` and `--version` stay fast."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from tieline.cli.common import console, safe, state


def serve(
    ctx: typer.Context,
    host: Annotated[str, typer.Option(help="The address to listen on (only this machine by default).")] = (
        "127.0.0.1"
    ),
    port: Annotated[int, typer.Option(min=0, max=65535, help="The port to listen on.")] = 8765,
    open_browser: Annotated[bool, typer.Option("--open", help="Open the login link in a browser.")] = False,
    multi_user: Annotated[
        bool, typer.Option("--multi-user", help="Accounts log in with a name and password (`account add`).")
    ] = False,
    allow_host: Annotated[
        list[str] | None,
        typer.Option("--allow-host", help="Another name browsers use for this server (repeatable)."),
    ] = None,
    as_of: Annotated[
        str | None,
        typer.Option("--as-of", help="Score as of this date (default now), e.g. the demo's 2026-10-01."),
    ] = None,
) -> None:
    """The web app: dashboard, people, due list, review, imports. Prints a login link."""
    from tieline.cli import lazy
    from tieline.services.logbook import parse_when
    from tieline.web.serve import run

    when = parse_when(as_of) if as_of else None
    lazy.load_all()  # before the server's threads use them
    run(state(ctx).db, host, port, open_browser, multi_user, list(allow_host or []), when)


account_app = typer.Typer(help="Accounts of the web app's multi-user mode.", no_args_is_help=True)


@account_app.command("add")
def account_add(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="The user's name, as they type it at the login.")],
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from the first line of stdin.")
    ] = False,
) -> None:
    """Add an account (or set a new password for it) for `tieline serve --multi-user`."""
    from tieline.services.accounts import set_password

    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    account = set_password(state(ctx).db, name, password)
    console.print(f"Account {safe(name.strip())} (#{account}) can log in.")
