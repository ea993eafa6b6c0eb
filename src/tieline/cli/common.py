"""What every command shares: the store it opens, JSON output, Rich console."""

from __future__ import annotations

import json
import math
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
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


@dataclass
class State:
    db: str | None = None
    region: str | None = None
    _store: Store | None = field(default=None, repr=False)

    def store(self) -> Store:
        if self._store is None:
            from tieline.store.db import Store

            self._store = Store(self.db)
        return self._store


def state(ctx: typer.Context) -> State:
    obj = ctx.find_root().obj
    if not isinstance(obj, State):
        obj = State()
        ctx.find_root().obj = obj
    return obj


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


@contextmanager
def scoring_progress(what: str = "scoring ties") -> Iterator[Callable[[int, int], None]]:
    """A progress bar on stderr for long scoring work, drawn only if the work reports any."""
    bar: Any = None
    task: Any = None

    def advance(done: int, total: int) -> None:
        nonlocal bar, task
        if bar is None:
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

            bar = Progress(
                TextColumn(what), BarColumn(), MofNCompleteColumn(), console=err_console, transient=True
            )
            bar.start()
            task = bar.add_task(what, total=total)
        bar.update(task, completed=done, total=total)

    try:
        yield advance
    finally:
        if bar is not None:
            bar.stop()
