"""The `tieline` command: thin; every decision is made in services."""

from __future__ import annotations

import logging
import os
import sys
from typing import TYPE_CHECKING, Annotated

import typer

from tieline import __version__
from tieline.cli import assistant, lazy, upkeep
from tieline.cli import due as due_cli
from tieline.cli import export as export_cli
from tieline.cli import health as health_cli
from tieline.cli import imports as imports_cli
from tieline.cli import me as me_cli
from tieline.cli import model as model_cli
from tieline.cli import people as people_cli
from tieline.cli import review as review_cli
from tieline.cli import serve as serve_cli
from tieline.cli import token as token_cli
from tieline.cli import who as who_cli
from tieline.cli.common import JSON, State, console, emit_json, err_console, safe, state
from tieline.errors import TielineError
from tieline.store.files import hide_password

if TYPE_CHECKING:
    from tieline.services import logbook
else:
    logbook = lazy.module("tieline.services.logbook")

app = typer.Typer(
    help="tieline: who would actually take your call.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
app.add_typer(people_cli.app, name="people")
app.add_typer(me_cli.app, name="me")
app.add_typer(model_cli.app, name="model")
app.add_typer(imports_cli.imports_app, name="imports")
app.command("import")(imports_cli.import_)
app.add_typer(export_cli.app, name="export")
app.command()(upkeep.backup)
app.command()(upkeep.restore)
app.command()(upkeep.maintenance)
app.command("health")(health_cli.health)
app.add_typer(due_cli.app, name="due")
app.command("who")(who_cli.who)
app.command("review")(review_cli.review)
app.command("serve")(serve_cli.serve)
app.add_typer(serve_cli.account_app, name="account")
app.add_typer(token_cli.app, name="token")
app.command("mcp")(assistant.mcp)


def _version(value: bool) -> None:
    if value:
        console.print(f"tieline {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    ctx: typer.Context,
    db: Annotated[
        str | None,
        typer.Option(
            "--db", envvar="TIELINE_DB", help="Database URL or SQLite file (default: user data dir)."
        ),
    ] = None,
    region: Annotated[
        str | None,
        typer.Option("--region", envvar="TIELINE_REGION", help="Default phone region, e.g. GB, US."),
    ] = None,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Log what happens.")] = False,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING, format="%(levelname)s %(message)s"
    )
    ctx.obj = State(db=db, region=region)


@app.command("log")
def log_(
    ctx: typer.Context,
    person: Annotated[str, typer.Argument(help="A #id, a handle, or part of a name.")],
    what: Annotated[str, typer.Argument(help="What happened, in a few words.")],
    channel: Annotated[
        str, typer.Option(help="in-person, meeting, call, email, sms, chat, letter, social, note")
    ] = "in-person",
    kind: Annotated[
        str, typer.Option(help="conversation, favor-given, favor-received, tidbit, intro")
    ] = "conversation",
    when: Annotated[
        str | None, typer.Option(help="When (default now), e.g. 2024-05-31 or 2024-05-31T14:00.")
    ] = None,
    as_json: JSON = False,
) -> None:
    """Record a conversation, a favour given or received, a tidbit passed on, or an introduction."""
    iid = logbook.log(state(ctx).store(), person, what, channel=channel, kind=kind, when=when)
    if as_json:
        emit_json({"interaction": iid})
    else:
        console.print(f"Logged ({kind}, {channel}).")


@app.command()
def demo(
    ctx: typer.Context,
    as_json: JSON = False,
) -> None:
    """The main job on bundled sample data: import a sample network and show what tieline sees."""
    from tieline.cli.demo import run_demo

    run_demo(state(ctx), as_json)


def undecodable(args: list[str]) -> str | None:
    """The first argument that is not valid UTF-8 (Python keeps its bytes as lone surrogates) and
    does not name an existing file: such text cannot be stored, so it is refused before anything runs."""
    for arg in args:
        if any("\udc80" <= ch <= "\udcff" for ch in arg) and not os.path.lexists(os.fsencode(arg)):
            return arg
    return None


WORDS_FOR_BOOLS = ("true", "false")


def flag_given_a_value(args: list[str]) -> str | None:
    """``--verbose true``: a flag followed by true or false, which would be read as a command or a name."""
    suspects = [i for i, a in enumerate(args) if i and a.lower() in WORDS_FOR_BOOLS]
    if not suspects:
        return None
    flags: set[str] = set()
    pending = [typer.main.get_command(app)]
    while pending:
        cmd = pending.pop()
        pending.extend(getattr(cmd, "commands", {}).values())
        for param in cmd.params:
            if getattr(param, "is_flag", False):
                flags.update(param.opts, param.secondary_opts)
    return next((args[i - 1] for i in suspects if args[i - 1] in flags), None)


def main() -> None:
    flag = flag_given_a_value(sys.argv[1:])
    if flag is not None:
        err_console.print(
            f"[red]error:[/red] {safe(flag)} is a flag and takes no value: write {safe(flag)} alone"
        )
        sys.exit(2)
    bad = undecodable(sys.argv[1:])
    if bad is not None:
        err_console.print(
            f"[red]error:[/red] {safe(bad)} is not valid UTF-8 text; "
            "check the terminal's encoding (names and notes are stored as UTF-8)",
            soft_wrap=True,
        )
        sys.exit(2)
    try:
        app()
    except TielineError as exc:
        err_console.print(f"[red]error:[/red] {safe(hide_password(str(exc)))}", soft_wrap=True)
        sys.exit(1)
    except Exception as exc:
        if not _is_database_error(exc):
            raise
        reason = hide_password(str(getattr(exc, "orig", None) or exc)).strip().splitlines()
        err_console.print(
            f"[red]error:[/red] database: {safe(reason[0] if reason else type(exc).__name__)}", soft_wrap=True
        )
        sys.exit(1)
    except KeyboardInterrupt:
        err_console.print(
            "interrupted: nothing was being written; run the same command again", highlight=False
        )
        sys.exit(130)


def _is_database_error(exc: Exception) -> bool:
    # SQLAlchemy is imported only by commands that open the store, so only they can raise its errors.
    errors = sys.modules.get("sqlalchemy.exc")
    return errors is not None and isinstance(exc, errors.SQLAlchemyError)
