"""`tieline mcp`: the read services for an AI assistant, over the Model Context Protocol (stdio)."""

from __future__ import annotations

import typer

from tieline.cli.common import state


def mcp(ctx: typer.Context) -> None:
    """Serve people, person, health, due, who and explain to an MCP client on stdin/stdout (read-only)."""
    from tieline.cli import lazy
    from tieline.mcp.server import serve

    lazy.load_all()  # tools run in worker threads: none of them may be the one to load a module
    # The store is opened first: a missing database is a one-line error on stderr, never created.
    serve(state(ctx).store())
