"""`tieline review`: prune, nurture, reconnect, solidify, ask — one keystroke per decision."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from tieline.cli.common import JSON, console, emit_json, err_console, safe, state

if TYPE_CHECKING:
    from tieline.store.db import Store

HELP_KEYS = {
    "prune": "[k]eep  [a]rchive  [f]orget  [m] how we met  [s]kip  [q]uit",
    "nurture": "[k]eep  [c]adence  [l]og a contact  [m] how we met  [a]rchive  [s]kip  [q]uit",
    "reconnect": "[l]og a contact  [c]adence  [k]eep as is  [a]rchive  [s]kip  [q]uit",
    "solidify": "[c]adence  [l]og a contact  [k]eep  [a]rchive  [s]kip  [q]uit",
    "ask": "[y]es they would  [n]o  [s]kip  [q]uit",
}


def review(
    ctx: typer.Context,
    batch: Annotated[
        Path | None,
        typer.Option("--batch", help="Take decisions from FILE: one 'PERSON DECISION [TEXT]' a line."),
    ] = None,
    undo: Annotated[bool, typer.Option("--undo", help="Take the last review session back.")] = False,
    as_json: JSON = False,
) -> None:
    """Walk the queues the essay names: prune, nurture, reconnect, solidify, ask. Decisions are kept."""
    from tieline.insight import decide
    from tieline.insight import review as service

    store = state(ctx).store()
    if undo:
        done = decide.undo_last(store)
        if as_json:
            emit_json({"session": done.session, "restored": done.restored})
        elif done.session is None:
            console.print("No review to take back.")
        else:
            console.print(f"Review session {done.session} taken back: {done.restored} decisions undone.")
        return
    if batch is not None:
        result = decide.apply_batch(store, batch)
        if as_json:
            emit_json(result)
        else:
            shown = ", ".join(f"{n} {d}" for d, n in sorted(result["decisions"].items())) or "nothing"
            console.print(f"Review session {result['session']}: {shown}.")
        return
    if as_json:
        emit_json({q: [i.as_json() for i in items] for q, items in service.queues(store).items()})
        return
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        err_console.print(
            "review asks one question at a time and needs a terminal: use `tieline review --batch FILE` "
            "in scripts (or --json to see the queues). Stopping."
        )
        raise typer.Exit(1)
    walk(store, typer.getchar, lambda prompt: typer.prompt(prompt, default="", show_default=False))


def walk(store: Store, key: Callable[[], str], text: Callable[[str], str]) -> dict[str, int]:
    """The interactive session: every queue in turn, one keystroke per person. Returns decisions made."""
    from tieline.insight import decide
    from tieline.insight import review as service

    session = decide.new_session(store)
    made: dict[str, int] = {}
    answered: set[int] = set()
    for queue, items in service.queues(store).items():
        items = [i for i in items if i.person_id not in answered]
        if not items:
            continue
        console.print(f"\n[bold]{safe(service.TITLES[queue])}[/bold] ({len(items)})")
        console.print(f"[dim]{safe(HELP_KEYS[queue])}[/dim]")
        for item in items:
            console.print(f"  #{item.person_id} [bold]{safe(item.name)}[/bold] — {safe(item.why)}  ", end="")
            while True:
                pressed = key().lower()
                if pressed == "q":
                    console.print("quit")
                    _summary(session, made)
                    return made
                decision = decide.KEYS.get(pressed)
                answers = decision in ("yes", "no")
                if decision is None or (queue == "ask" and not answers and decision != "skip"):
                    continue
                if queue != "ask" and answers:
                    continue
                break
            console.print(decision)
            arg = text(f"    {decide.NEEDS_TEXT[decision]}") if decision in decide.NEEDS_TEXT else None
            if decision == "forget" and text("    forget them and everything about them? type yes") != "yes":
                continue
            try:
                decide.decide(store, session, queue, f"#{item.person_id}", decision, arg)
            except Exception as exc:  # a bad span or empty text: say so, go on to the next person
                from tieline.errors import TielineError

                if not isinstance(exc, TielineError):
                    raise
                console.print(f"    [red]{safe(str(exc))}[/red]; not recorded")
                continue
            made[decision] = made.get(decision, 0) + 1
            if decision != "skip":
                answered.add(item.person_id)
    _summary(session, made)
    return made


def _summary(session: int, made: dict[str, int]) -> None:
    shown = ", ".join(f"{n} {d}" for d, n in sorted(made.items())) or "no decisions"
    console.print(f"\nReview session {session}: {shown}. `tieline review --undo` takes it back.")
