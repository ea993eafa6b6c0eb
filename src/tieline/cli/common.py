"""What every command shares: the store it opens, JSON output, Rich console."""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape

from tieline.jsonsafe import finite

if TYPE_CHECKING:
    from tieline.store.db import Store

# No highlighting: Rich's highlighter guesses numbers and URLs with regular expressions that take
# minutes on a 130,000-character name, and colours what the user wrote as if it were code.
console = Console(highlight=False)
err_console = Console(stderr=True, highlight=False)

# Characters a terminal acts on instead of showing: C0 and C1 controls, DEL, and the bidirectional
# overrides that make text read differently from what it holds.
_CONTROLS = [*range(0x00, 0x20), *range(0x7F, 0xA0), *range(0x202A, 0x202F), *range(0x2066, 0x206A)]
_SHOWN = {c: (f"\\x{c:02x}" if c < 0x100 else f"\\u{c:04x}") for c in _CONTROLS}
_SHOWN_LINES = {c: v for c, v in _SHOWN.items() if c != 0x0A}
# Bytes that were not UTF-8 (an argument, a file name) arrive as lone surrogates: show them as bytes.
_SURROGATE = re.compile("[\ud800-\udfff]")
# The same controls, for JSON: \u escapes are valid JSON and inert in a terminal.
_JSON_CONTROLS = re.compile("[\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def safe(value: object, lines: bool = False, markup: bool = True) -> str:
    """Text from data or the user made safe to print: control characters are shown as ``\\x1b``,
    undecodable bytes as ``\\xff``, and Rich markup is escaped (``[/] Zed`` prints as typed) unless
    ``markup=False`` (for plain prompts). ``lines=True`` keeps line breaks (notes)."""
    text = str(value).translate(_SHOWN_LINES if lines else _SHOWN)
    text = _SURROGATE.sub(_surrogate, text)
    return escape(text) if markup else text


def short_path(path: str, width: int = 40) -> str:
    """A path cut to about ``width`` characters from the folder end, never the file name:
    ``/home/ana/Downloads/exports/contacts.vcf`` → ``…/exports/contacts.vcf``."""
    if len(path) <= width:
        return path
    parts = path.split("/")
    kept = parts[-1]
    for part in reversed(parts[:-1]):
        if len(kept) + len(part) + 3 > width:
            break
        kept = f"{part}/{kept}"
    return f"…/{kept}"


def _surrogate(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code - 0xDC00:02x}" if 0xDC80 <= code <= 0xDCFF else f"\\u{code:04x}"


def _no_type_for_flags() -> None:
    """Typer's help prints ``<bool>`` beside every flag, as if it took a value (``--verbose true``
    then fails as an unknown command): a flag shows no type."""
    from typer.core import TyperOption

    shown = TyperOption.display_type_rich

    def display_type_rich(self: TyperOption, ctx: Any) -> str | None:
        return None if self.is_flag else shown(self, ctx)

    TyperOption.display_type_rich = display_type_rich  # type: ignore[method-assign]


_no_type_for_flags()

# The --json flag every read command takes.
JSON = Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")]


# The commands that may make a new database; every other one needs an existing database.
CREATING = frozenset({"import", "people add", "me add", "restore", "demo", "serve", "account add"})


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
            self._store.on_wait = _say_waiting
        return self._store


def _say_waiting(message: str) -> None:
    """A write that queues behind another says so, on stderr, instead of hanging in silence."""
    err_console.print(message, markup=False)


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
    """Strict JSON on stdout: a figure that could not be computed (NaN, infinity) is null; control
    characters are \\u escapes (json escapes C0 itself), so the JSON is inert in a terminal."""
    text = json.dumps(finite(data), indent=2, ensure_ascii=False, default=str, allow_nan=False)
    sys.stdout.write(_JSON_CONTROLS.sub(lambda m: f"\\u{ord(m.group()):04x}", text) + "\n")


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
