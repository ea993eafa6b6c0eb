"""The read services as Model Context Protocol tools, so a person's own assistant can ask tieline
"who should I call about X?" over stdio: nothing leaves the machine, and nothing is written but the
caches every read keeps (scores of ties never scored yet).

Thin like the CLI: each tool calls one service and hands back its answer (the same keys as the
command's ``--json``). Tools only read; none imports, logs, merges or forgets.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar

from mcp.server import MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from mcp_types import ToolAnnotations

from tieline import __version__
from tieline.errors import TielineError
from tieline.store.db import Store

T = TypeVar("T")
READ_ONLY = ToolAnnotations(read_only_hint=True, destructive_hint=False, open_world_hint=False)
INSTRUCTIONS = (
    "tieline knows the user's own network: who they know, how strong each tie is (p_call: how likely "
    "they are to take the user's call), who is due for contact, and who can help with a need. People "
    "are named by #id (e.g. '#12'), a handle (e-mail, phone) or part of a name."
)


def build(store: Store) -> MCPServer:
    """An MCP server whose tools read ``store`` (an open store: it is never created here)."""
    server: MCPServer = MCPServer(
        "tieline", version=__version__, instructions=INSTRUCTIONS, log_level="WARNING"
    )

    @server.tool(annotations=READ_ONLY)
    def people(query: str = "", sort: str = "strength", limit: int = 20) -> dict[str, Any]:
        """List or search people (by part of a name, handle or organisation) with their tie's
        strength (0-1), Dunbar layer (1 closest .. 5), state and last contact. sort: strength, name, last."""
        from tieline.services.people import listing

        return {"people": _answer(lambda: listing(store, query or None, sort, limit=_cut(limit, 200)))}

    @server.tool(annotations=READ_ONLY)
    def person(person: str, interactions: int = 20) -> dict[str, Any]:
        """Everything about one person: handles (and where each came from), jobs, notes, tags, and
        the latest interactions. person: '#id', a handle or part of a name."""
        from tieline.services.people import detail

        return _answer(lambda: detail(store, person, _cut(interactions, 200)))

    @server.tool(annotations=READ_ONLY)
    def health(as_of: str = "") -> dict[str, Any]:
        """The network's health: how many people would take the user's call vs how many they know,
        the Dunbar layers, freshness, giving vs taking, diversity and the trend. as_of: a past date
        (YYYY-MM-DD) to see it as it was then; empty for now."""
        from tieline.insight.health import health as report

        return _answer(lambda: report(store, _when(as_of)))

    @server.tool(annotations=READ_ONLY)
    def due(limit: int = 10, as_of: str = "") -> dict[str, Any]:
        """Who to contact this week, best first, each with the reason, a channel and the last subject.
        as_of: a date (YYYY-MM-DD) to ask as of then; empty for now."""
        from tieline.insight.due import due as service

        return {"due": _answer(lambda: service(store, _when(as_of), _cut(limit, 100)))}

    @server.tool(annotations=READ_ONLY)
    def who(need: str, limit: int = 10) -> dict[str, Any]:
        """Who is best placed to help with a need ("analytical chemistry roles in Boston"), ranked by
        tie strength x relevance, each with why, and when the user is not close to them, who can
        introduce them (introduction: the person, and what they share)."""
        from tieline.insight.who import who as service

        return _answer(lambda: service(store, need, _cut(limit, 50)))

    @server.tool(annotations=READ_ONLY)
    def explain(person: str, as_of: str = "") -> dict[str, Any]:
        """Why a tie has its score: the verdict (p_call, layer, state) and each term's contribution in
        plain words. person: '#id', a handle or part of a name; as_of: a date (YYYY-MM-DD), empty for the
        cached score (as of its last rescore, as people and person show it)."""
        from tieline.services.strength import explain as service

        return _answer(lambda: service(store, person, _when(as_of)))

    return server


def serve(store: Store) -> None:
    """Answer MCP requests on stdin/stdout until the client closes them."""
    build(store).run("stdio")


def _cut(limit: int, most: int) -> int:
    return max(1, min(limit, most))


def _when(as_of: str) -> datetime | None:
    from tieline.services.logbook import parse_when

    return parse_when(as_of) if as_of.strip() else None


def _answer(ask: Callable[[], T]) -> T:
    # A user-facing error (no such person, an empty need) reaches the assistant in words; anything
    # else is reported by the SDK as a failed call without its details.
    try:
        return ask()
    except TielineError as exc:
        raise ToolError(str(exc)) from None
