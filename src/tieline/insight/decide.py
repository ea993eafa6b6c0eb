"""Decisions of a review: applied, recorded (so they are never asked again) and taken back by session.

Each decision keeps the person's fields as they were (``before``), so ``review --undo`` restores the last
session exactly: archives, cadences, how-we-met and answers go back, logged contacts are deleted. A
forgotten person is gone for good (as ``people forget``): undo says how many it could not bring back.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import and_, delete, func, insert, select, update

from tieline.errors import TielineError
from tieline.insight.durations import parse_days
from tieline.services import decisions, logbook, people
from tieline.services.lookup import find_person
from tieline.store import stale
from tieline.store import tables as t
from tieline.store.db import Store

# keystroke -> decision
KEYS = {
    "k": "keep",
    "a": "archive",
    "f": "forget",
    "c": "cadence",
    "m": "how-met",
    "l": "log",
    "y": "yes",
    "n": "no",
    "s": "skip",
}
DECISIONS = tuple(KEYS.values())
NEEDS_TEXT = {"cadence": "how often (30d, 2w, 3m)", "how-met": "how you met", "log": "what happened"}
_KEPT = ("archived_at", "every_days", "how_met", "would_take_call")


def new_session(store: Store) -> int:
    rd = t.review_decisions
    with store.read() as conn:
        last = conn.execute(
            select(func.max(rd.c.session)).where(rd.c.account_id == store.account_id)
        ).scalar()
    return int(last or 0) + 1


def check(decision: str, arg: str | None) -> None:
    """Refuse a decision that cannot be applied before anything is written."""
    if decision not in DECISIONS:
        raise TielineError(f"{decision!r} is not a decision: one of {', '.join(DECISIONS)}")
    if decision in NEEDS_TEXT and not (arg or "").strip():
        raise TielineError(f"{decision} needs {NEEDS_TEXT[decision]}")
    if decision == "cadence":
        parse_days(arg or "")


def decide(store: Store, session: int, queue: str, ref: str, decision: str, arg: str | None = None) -> int:
    """Apply one decision about one person and record it. Returns the person's id."""
    check(decision, arg)
    with store.read() as conn:
        pid = find_person(conn, store.account_id, ref)
        row = conn.execute(select(*(t.people.c[k] for k in _KEPT)).where(t.people.c.id == pid)).one()
    before: dict[str, Any] = {k: _plain(v) for k, v in zip(_KEPT, row, strict=True)}
    ref = f"#{pid}"
    if decision == "archive":
        decisions.archive(store, ref)
    elif decision == "cadence":
        decisions.set_cadence(store, ref, parse_days(arg or ""))
    elif decision == "how-met":
        people.edit(store, ref, how_met=(arg or "").strip())
    elif decision in ("yes", "no"):
        people.edit(store, ref, would_take_call=decision == "yes")
    elif decision == "log":
        before["interaction_id"] = logbook.log(store, ref, (arg or "").strip(), channel="note")
    if decision == "forget":
        people.forget(
            store, ref
        )  # its review rows go with the person; the session row below says it was here
        return pid
    with store.write() as conn:
        conn.execute(
            insert(t.review_decisions).values(
                account_id=store.account_id,
                person_id=pid,
                session=session,
                queue=queue,
                decision=decision,
                decided_at=datetime.now(UTC),
                before=before,
                undone=False,
            )
        )
    return pid


@dataclass
class Undone:
    session: int | None
    restored: int


def undo_last(store: Store) -> Undone:
    """Take back every decision of the last session that has any left to take back."""
    rd = t.review_decisions
    with store.read() as conn:
        session = conn.execute(
            select(func.max(rd.c.session)).where(
                and_(rd.c.account_id == store.account_id, rd.c.undone.is_(False))
            )
        ).scalar()
        if session is None:
            return Undone(None, 0)
        rows = conn.execute(
            select(rd.c.id, rd.c.person_id, rd.c.before).where(
                and_(rd.c.account_id == store.account_id, rd.c.session == session, rd.c.undone.is_(False))
            )
        ).all()
    with store.write() as conn:
        for r in rows:
            before = dict(r.before)
            iid = before.pop("interaction_id", None)
            if iid is not None:
                conn.execute(delete(t.participants).where(t.participants.c.interaction_id == iid))
                conn.execute(delete(t.interactions).where(t.interactions.c.id == iid))
            values = {k: _parse(k, before.get(k)) for k in _KEPT}
            conn.execute(
                update(t.people)
                .where(t.people.c.id == r.person_id)
                .values(updated_at=datetime.now(UTC), **values)
            )
        conn.execute(update(rd).where(rd.c.id.in_([r.id for r in rows])).values(undone=True))
        stale.mark(conn, store.account_id, [r.person_id for r in rows])
    from tieline.services.catchup import catch_up

    catch_up(store)
    return Undone(int(session), len(rows))


def read_batch(path: Path) -> list[tuple[int, str, str, str | None]]:
    """``PERSON DECISION [TEXT]`` per line (``#`` alone or followed by a space starts a comment; a name with
    spaces is quoted).
    Every line is checked before anything is applied; a bad one is one error naming file and line."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise TielineError(
            f"{path}: cannot read the decisions: {getattr(exc, 'strerror', None) or exc}"
        ) from None
    out = []
    for number, line in enumerate(lines, 1):
        text = line.strip()
        if not text or text == "#" or text.startswith("# "):
            continue
        parts = _split(text)
        if len(parts) < 2:
            raise TielineError(f"{path}:{number}: expected PERSON DECISION [TEXT], e.g. '#12 archive'")
        decision = {**KEYS, "answer-yes": "yes", "answer-no": "no"}.get(parts[1], parts[1])
        arg = parts[2] if len(parts) > 2 else None
        try:
            check(decision, arg)
        except TielineError as exc:
            raise TielineError(f"{path}:{number}: {exc}") from None
        out.append((number, parts[0], decision, arg))
    return out


def _split(line: str) -> list[str]:
    """PERSON DECISION [TEXT]; a PERSON with spaces is quoted: "Ada Lovelace" keep."""
    if line[0] in "\"'" and line.find(line[0], 1) > 0:
        end = line.find(line[0], 1)
        return [line[1:end], *line[end + 1 :].split(None, 1)]
    return line.split(None, 2)


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime) else value


def _parse(key: str, value: Any) -> Any:
    if key == "archived_at" and isinstance(value, str):
        return datetime.fromisoformat(value)
    return value


def apply_batch(store: Store, path: Path) -> dict[str, Any]:
    """Apply a file of decisions as one review session (all lines checked, and all people found, first)."""
    from tieline.insight.review import queues

    lines = read_batch(path)
    resolved = []
    with store.read() as conn:
        for number, ref, decision, arg in lines:
            try:
                resolved.append((find_person(conn, store.account_id, ref), decision, arg))
            except TielineError as exc:
                raise TielineError(f"{path}:{number}: {exc}") from None
    where = {item.person_id: q for q, items in queues(store).items() for item in items}
    session = new_session(store)
    counts: dict[str, int] = {}
    for pid, decision, arg in resolved:
        decide(store, session, where.get(pid, "batch"), f"#{pid}", decision, arg)
        counts[decision] = counts.get(decision, 0) + 1
    return {"session": session, "decisions": counts}
