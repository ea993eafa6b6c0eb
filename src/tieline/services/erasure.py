"""Forgetting in the undo records: no before-image and no merge record may keep a forgotten person.

``people forget`` deletes the person's rows; this module erases the copies undo and unmerge keep
(``changes``) and the merges that folded someone into them, so neither can ever bring them back.
"""

from __future__ import annotations

import json

from sqlalchemy import Connection, and_, delete, or_, select

from tieline.store import tables as t

PERSON_COLUMNS = ("person_id", "person_a", "person_b", "kept_id", "merged_id", "introduced_by_id")


def merged_into(conn: Connection, account_id: int, person_id: int) -> set[int]:
    """The person and everyone merged into them (and into those), whose data is now theirs."""
    m = t.merges
    pairs = conn.execute(
        select(m.c.kept_id, m.c.merged_id).where(and_(m.c.account_id == account_id, m.c.undone.is_(False)))
    ).all()
    people = {person_id}
    grew = True
    while grew:
        grew = False
        for kept, merged in pairs:
            if kept in people and merged not in people:
                people.add(merged)
                grew = True
    return people


def erase_person(
    conn: Connection, account_id: int, people: set[int], handle_ids: set[int], values: set[str]
) -> None:
    """Delete every before-image and merge record that holds any of these people, handles or values."""
    m, ch = t.merges, t.changes
    merge_ids = set(
        conn.execute(
            select(m.c.id).where(
                and_(m.c.account_id == account_id, or_(m.c.kept_id.in_(people), m.c.merged_id.in_(people)))
            )
        ).scalars()
    )
    doomed = [
        cid
        for cid, merge_id, table_name, row_id, before in conn.execute(
            select(ch.c.id, ch.c.merge_id, ch.c.table_name, ch.c.row_id, ch.c.before).where(
                ch.c.account_id == account_id
            )
        )
        if merge_id in merge_ids or _holds(table_name, row_id, before, people, handle_ids, values)
    ]
    for start in range(0, len(doomed), 500):
        conn.execute(delete(ch).where(ch.c.id.in_(doomed[start : start + 500])))
    if merge_ids:
        conn.execute(delete(m).where(m.c.id.in_(sorted(merge_ids))))


def _holds(
    table_name: str, row_id: int, before: object, people: set[int], handle_ids: set[int], values: set[str]
) -> bool:
    if table_name == "people" and row_id in people:
        return True
    if table_name == "handles" and row_id in handle_ids:
        return True
    if not isinstance(before, dict):
        return False
    if any(before.get(column) in people for column in PERSON_COLUMNS):
        return True
    if before.get("handle_id") in handle_ids:
        return True
    text = json.dumps(before, ensure_ascii=False).casefold()
    return any(v.casefold() in text for v in values)
