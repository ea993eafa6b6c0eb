"""What every command shares: the store it opens, JSON output, Rich console."""

from __future__ import annotations

import json
import math
import sys
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console

if TYPE_CHECKING:
    from tieline.store.db import Store

console = Console()
err_console = Console(stderr=True)

# The --json flag every read command takes.
JSON = Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")]


# The commands that may make a new database; every other one needs an existing database.
CREATING = frozenset({"import", "people add", "me add", "restore", "demo"})


@dataclass
class State:
    db: str | None = None
    region: str | None = None
    command: str = ""  # the running command without the program's name: ``people list``
    _store: Store | None = field(default=None, repr=False)

    def store(self) -> Store:
        if self._store is None:
            from tieline.store.db import Store

            self._store = Store(self.db, create=self.command in CREATING)
        return self._store


def state(ctx: typer.Context) -> State:
    obj = ctx.find_root().obj
    if not isinstance(obj, State):
        obj = State()
        ctx.find_root().obj = obj
    obj.command = _command(ctx)
    return obj


def _command(ctx: typer.Context) -> str:
    """The command's words below the program (whose own name varies: ``tieline``, ``python -m tieline``)."""
    words: list[str] = []
    at: Any = ctx
    while at.parent is not None:
        words.append(at.info_name or "")
        at = at.parent
    return " ".join(reversed(words))


def emit_json(data: Any) -> None:
    """Strict JSON on stdout: a figure that could not be computed (NaN, infinity) is null."""
    sys.stdout.write(
        json.dumps(_finite(data), indent=2, ensure_ascii=False, default=str, allow_nan=False) + "\n"
    )


def _finite(data: Any) -> Any:
    if isinstance(data, float):
        return data if math.isfinite(data) else None
    if isinstance(data, dict):
        return {k: _finite(v) for k, v in data.items()}
    if isinstance(data, (list, tuple)):
        return [_finite(v) for v in data]
    return data
