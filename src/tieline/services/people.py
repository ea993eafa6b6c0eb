"""People: add, list, show, edit, forget."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Connection, and_, delete, func, insert, or_, select, true, update

from tieline.errors import TielineError
from tieline.ingest.context import utc
from tieline.ingest.normalise import normalise
from tieline.records import Handle
from tieline.services.erasure import erase_person, merged_into
from tieline.services.lookalike import lookalikes
from tieline.services.lookup import find_person
from tieline.store import stale, suppressions
from tieline.store import tables as t
from tieline.store.db import Store

RELATIONSHIPS = ("family", "partner", "friend", "colleague", "mentor", "acquaintance")


@dataclass
class NewPerson:
    name: str
    emails: tuple[str, ...] = ()
    phones: tuple[str, ...] = ()
    urls: tuple[str, ...] = ()
    organization: str | None = None
    title: str | None = None
    how_met: str | None = None
    relationship: str | None = None
    closeness: int | None = None


@dataclass
class Added:
    id: int
    lifted: list[str]  # handles forgotten before that imports may bring in again
    lookalikes: list[dict[str, Any]]  # stored people with a similar name


def add(store: Store, new: NewPerson, region: str | None = None) -> int:
    return add_person(store, new, region).id


def add_person(store: Store, new: NewPerson, region: str | None = None) -> Added:
    """Add someone by hand; say which forgotten handles this brings back and who is stored under a similar name."""
    if not new.name.strip():
        raise TielineError("a person needs a name")
    check_facts(new.relationship, new.closeness)
    keys: list[tuple[str, str]] = []
    for kind, values in (("email", new.emails), ("phone", new.phones), ("url", new.urls)):
        for raw in values:
            key = normalise(Handle(kind, raw), region)  # type: ignore[arg-type]
            if key is None:
                raise TielineError(f"{raw!r} is not a valid {kind}")
            keys.append(key)
    now = datetime.now(UTC)
    lifted: list[str] = []
    with store.write() as conn:
        for kind, value in keys:
            owner = conn.execute(
                select(t.handles.c.person_id).where(
                    and_(
                        t.handles.c.account_id == store.account_id,
                        t.handles.c.kind == kind,
                        t.handles.c.value == value,
                    )
                )
            ).first()
            if owner is not None and owner.person_id is not None:
                raise TielineError(f"{value} already belongs to person #{owner.person_id}")
        pid = int(
            conn.execute(
                insert(t.people)
                .values(
                    account_id=store.account_id,
                    name=new.name.strip(),
                    how_met=new.how_met,
                    relationship=new.relationship,
                    closeness=new.closeness,
                    created_at=now,
                    updated_at=now,
                    source_key=None,
                )
                .returning(t.people.c.id)
            ).scalar_one()
        )
        for kind, value in keys:
            h = t.handles
            updated = conn.execute(
                update(h)
                .where(and_(h.c.account_id == store.account_id, h.c.kind == kind, h.c.value == value))
                # The handle is the user's now: undoing the import that first saw it must not take it away.
                .values(person_id=pid, batch_id=None)
            ).rowcount
            if updated:
                conn.execute(
                    update(t.participants)
                    .where(
                        t.participants.c.handle_id.in_(
                            select(h.c.id).where(
                                and_(h.c.account_id == store.account_id, h.c.kind == kind, h.c.value == value)
                            )
                        )
                    )
                    .values(person_id=pid)
                )
            else:
                conn.execute(
                    insert(h).values(account_id=store.account_id, person_id=pid, kind=kind, value=value)
                )
            if suppressions.release(conn, store.account_id, kind, value):
                lifted.append(value)
        if new.organization:
            conn.execute(
                insert(t.positions).values(
                    account_id=store.account_id, person_id=pid, organization=new.organization, title=new.title
                )
            )
        similar = lookalikes(conn, store.account_id, new.name.strip(), pid)
        stale.mark(conn, store.account_id, [pid])  # scored by the next read, which catches up the marks
    return Added(pid, lifted, similar)


def check_facts(relationship: str | None, closeness: int | None) -> None:
    if relationship is not None and relationship not in RELATIONSHIPS:
        raise TielineError(f"relationship must be one of {', '.join(RELATIONSHIPS)}")
    if closeness is not None and not 1 <= closeness <= 5:
        raise TielineError("closeness is a number from 1 (barely) to 5 (closest)")


def summaries(conn: Connection, account_id: int, query: str | None = None) -> list[dict[str, Any]]:
    """Every matching person with handles, current position and last contact, by name."""
    from tieline.services.roster import matching

    p, h, pos = t.people, t.handles, t.positions
    cond = matching(account_id, query)
    rows = conn.execute(select(p.c.id, p.c.name).where(cond).order_by(func.lower(p.c.name), p.c.id)).all()
    out: dict[int, dict[str, Any]] = {
        r.id: {
            "id": r.id,
            "name": r.name,
            "handles": [],
            "organization": None,
            "title": None,
            "last_contact": None,
        }
        for r in rows
    }
    if not out:
        return []
    for pid, kind, value in conn.execute(
        select(h.c.person_id, h.c.kind, h.c.value)
        .where(and_(h.c.account_id == account_id, h.c.person_id.is_not(None)))
        .order_by(h.c.id)
    ):
        if pid in out and not value.startswith("name:"):
            out[pid]["handles"].append({"kind": kind, "value": value})
    for pid, org, title in conn.execute(
        select(pos.c.person_id, pos.c.organization, pos.c.title)
        .where(and_(pos.c.account_id == account_id, pos.c.end_date.is_(None)))
        .order_by(pos.c.start_date.is_(None), pos.c.start_date, pos.c.id)
    ):
        if pid in out:
            out[pid]["organization"], out[pid]["title"] = org, title
    pa, i = t.participants, t.interactions
    for pid, last in conn.execute(
        select(pa.c.person_id, func.max(i.c.happened_at))
        .join(i, i.c.id == pa.c.interaction_id)
        .where(and_(pa.c.account_id == account_id, pa.c.person_id.is_not(None)))
        .group_by(pa.c.person_id)
    ):
        if pid in out:
            last_utc = utc(last)
            out[pid]["last_contact"] = last_utc.isoformat() if last_utc else None
    return list(out.values())


def detail(store: Store, ref: str, limit: int | None = 50, offset: int = 0) -> dict[str, Any]:
    """Everything about one person, with where each handle and position came from, and their timeline."""
    with store.read() as conn:
        pid = find_person(conn, store.account_id, ref)
        # One row: the person, who introduced them and their summary's count (a round trip each cost more
        # than the reading on PostgreSQL).
        introducer, ts = t.people.alias("introducer"), t.tie_summaries
        p = (
            conn.execute(
                select(t.people, introducer.c.name.label("introducer"), ts.c.interactions.label("summarised"))
                .outerjoin(introducer, introducer.c.id == t.people.c.introduced_by_id)
                .outerjoin(ts, and_(ts.c.account_id == store.account_id, ts.c.person_id == t.people.c.id))
                .where(t.people.c.id == pid)
            )
            .mappings()
            .one()
        )
        b = t.batches

        def with_origin(table: Any) -> Any:
            """The table's rows of the person with the batch that wrote each (if it is still there)."""
            return (
                select(
                    table,
                    b.c.id.label("batch"),
                    b.c.source.label("batch_source"),
                    b.c.paths.label("batch_paths"),
                )
                .outerjoin(b, and_(b.c.id == table.c.batch_id, b.c.account_id == store.account_id))
                .where(table.c.person_id == pid)
                .order_by(table.c.id)
            )

        def origin(r: Any) -> dict[str, Any] | None:
            if r.batch is None:
                return None
            return {
                "batch": r.batch,
                "source": r.batch_source,
                "file": r.source_file or r.batch_paths.split("\n")[0],
            }

        handles = [
            {"kind": r.kind, "value": r.value, "label": r.label, "from": origin(r)}
            for r in conn.execute(with_origin(t.handles))
            if not r.value.startswith("name:")
        ]
        positions = [
            {
                "organization": r.organization,
                "title": r.title,
                "start": r.start_date.isoformat() if r.start_date else None,
                "end": r.end_date.isoformat() if r.end_date else None,
                "from": origin(r),
            }
            for r in conn.execute(with_origin(t.positions))
        ]
        notes = [r.body for r in conn.execute(select(t.notes.c.body).where(t.notes.c.person_id == pid))]
        tags = sorted(conn.execute(select(t.tags.c.tag).where(t.tags.c.person_id == pid)).scalars())
        timeline = timeline_of(conn, pid, limit, offset, account_id=store.account_id)
        total = p["summarised"]
        if total is None:  # no summary yet (added by hand): counted here
            from tieline.services.ties import interactions_of

            total = interactions_of(conn, store.account_id, pid)
    return {
        "id": pid,
        "name": p["name"],
        "given_name": p["given_name"],
        "family_name": p["family_name"],
        "birthday": p["birthday"].isoformat() if p["birthday"] else None,
        "connected_on": _iso(utc(p["connected_on"])),
        "how_met": p["how_met"],
        "why_connected": p["why_connected"],
        "introduced_by": p["introducer"],
        "relationship": p["relationship"],
        "closeness": p["closeness"],
        "would_take_call": p["would_take_call"],
        "every_days": p["every_days"],
        "archived": _iso(utc(p["archived_at"])),
        "snoozed_until": _iso(utc(p["snoozed_until"])),
        "handles": handles,
        "positions": positions,
        "notes": notes,
        "tags": tags,
        "interactions_total": int(total),
        "interactions": timeline,
    }


def timeline_of(
    conn: Connection,
    pid: int,
    limit: int | None,
    offset: int = 0,
    kinds: tuple[str, ...] | None = None,
    account_id: int | None = None,
) -> list[dict[str, Any]]:
    """The person's interactions, newest first, a page at a time: those they took part in and the
    owner's messages in the group conversations they are a member of (only these ``kinds`` when given).

    Each part is read newest first straight from an index and cut at the page, so a page costs about
    its own size whatever the length of the history: the person's own through
    ``ix_participants_person_when``, the owner's in each group through ``ix_interactions_conversation``
    (one query per group and direction: both at once made SQLite sort every message the owner sent)."""
    from tieline.services.ties import MINE, members_of

    if account_id is None:
        account_id = conn.execute(select(t.people.c.account_id).where(t.people.c.id == pid)).scalar_one()
    window = None if limit is None else limit + offset
    member = members_of(account_id, [pid])
    memberships = [
        (int(c), left_at) for c, left_at in conn.execute(select(member.c.conversation_id, member.c.left_at))
    ]
    if kinds is not None:
        queries = _of_kinds(account_id, pid, memberships, kinds)
    else:
        i, pa = t.interactions, t.participants
        theirs = (
            select(*_SHOWN)
            .select_from(pa)
            .join(i, i.c.id == pa.c.interaction_id)
            .where(pa.c.person_id == pid)
            .order_by(pa.c.happened_at.desc(), pa.c.interaction_id.desc())
        )
        mine = [
            select(*_SHOWN)
            .where(_while_member(conversation_id, left_at, direction))
            .order_by(i.c.happened_at.desc(), i.c.id.desc())
            for conversation_id, left_at in memberships
            for direction in MINE
        ]
        queries = [theirs, *mine]
    seen: dict[int, Any] = {}
    for q in queries:
        for r in conn.execute(q if window is None else q.limit(window)):
            seen.setdefault(r.id, r)
    page = sorted(seen.values(), key=lambda r: (utc(r.happened_at), r.id), reverse=True)
    page = page[offset:] if limit is None else page[offset : offset + limit]
    return [
        {
            "id": r.id,
            "when": _iso(utc(r.happened_at)),
            "channel": r.channel,
            "direction": r.direction,
            "kind": r.kind,
            "subject": r.subject,
            "group_size": r.group_size,
            "duration_s": r.duration_s,
        }
        for r in page
    ]


_SHOWN = (
    t.interactions.c.id,
    t.interactions.c.happened_at,
    t.interactions.c.channel,
    t.interactions.c.direction,
    t.interactions.c.kind,
    t.interactions.c.subject,
    t.interactions.c.group_size,
    t.interactions.c.duration_s,
)


def _while_member(conversation_id: int, left_at: datetime | None, direction: str | None = None) -> Any:
    """The owner's messages (in one ``direction``, else both) in a group while the person was a member."""
    from tieline.services.ties import MINE

    i = t.interactions
    return and_(
        i.c.conversation_id == conversation_id,
        i.c.direction.in_(MINE) if direction is None else i.c.direction == direction,
        true() if left_at is None else i.c.happened_at <= left_at,
    )


def _of_kinds(
    account_id: int, pid: int, memberships: list[tuple[int, datetime | None]], kinds: tuple[str, ...]
) -> list[Any]:
    """The person's interactions of these kinds (favours, say: few in any account), newest first: a walk
    of ``ix_interactions_account_kind`` per kind rather than of the person's whole history."""
    i, pa = t.interactions, t.participants
    theirs = select(pa.c.id).where(and_(pa.c.interaction_id == i.c.id, pa.c.person_id == pid)).exists()
    mine = [_while_member(conversation_id, left_at) for conversation_id, left_at in memberships]
    return [
        select(*_SHOWN)
        .where(and_(i.c.account_id == account_id, i.c.kind == kind, or_(theirs, *mine)))
        .order_by(i.c.happened_at.desc(), i.c.id.desc())
        for kind in kinds
    ]


def edit(store: Store, ref: str, **values: Any) -> int:
    """Change what the user knows: name, closeness, would-take-call, relationship, how met, tags, notes."""
    tags_add = values.pop("tags_add", ()) or ()
    tags_remove = values.pop("tags_remove", ()) or ()
    note = values.pop("note", None)
    introduced_by = values.pop("introduced_by", None)
    fields = {k: v for k, v in values.items() if v is not None}
    if "name" in fields and not fields["name"].strip():
        raise TielineError("a person needs a name: --name cannot be empty")
    if note is not None and not note.strip():
        raise TielineError("the note is empty: say something, e.g. --note 'met at PyCon'")
    check_facts(fields.get("relationship"), fields.get("closeness"))
    with store.write() as conn:
        pid = find_person(conn, store.account_id, ref)
        if introduced_by is not None:
            fields["introduced_by_id"] = find_person(conn, store.account_id, introduced_by)
        if fields:
            fields["updated_at"] = datetime.now(UTC)
            conn.execute(update(t.people).where(t.people.c.id == pid).values(**fields))
        for tag in tags_add:
            if not conn.execute(
                select(t.tags.c.id).where(and_(t.tags.c.person_id == pid, t.tags.c.tag == tag))
            ).first():
                conn.execute(insert(t.tags).values(account_id=store.account_id, person_id=pid, tag=tag))
        for tag in tags_remove:
            conn.execute(delete(t.tags).where(and_(t.tags.c.person_id == pid, t.tags.c.tag == tag)))
        if note:
            conn.execute(
                insert(t.notes).values(
                    account_id=store.account_id, person_id=pid, body=note, created_at=datetime.now(UTC)
                )
            )
        stale.mark(conn, store.account_id, [pid])
    from tieline.services.catchup import catch_up

    catch_up(store)
    return pid


def forget(store: Store, ref: str) -> tuple[int, str]:
    """Delete a person and everything about them; remember their handles so imports leave them out.

    ``services.privacy.forget`` also wipes the bytes the delete leaves in the store's files."""
    now = datetime.now(UTC)
    with store.write() as conn:
        pid = find_person(conn, store.account_id, ref)
        name = conn.execute(select(t.people.c.name).where(t.people.c.id == pid)).scalar_one()
        h, pa, i = t.handles, t.participants, t.interactions
        keys = [(k, v) for k, v in conn.execute(select(h.c.kind, h.c.value).where(h.c.person_id == pid))]
        source_key = conn.execute(select(t.people.c.source_key).where(t.people.c.id == pid)).scalar()
        if source_key:
            # Someone known by no handle at all is kept out of later imports by the record they came from.
            keys.append(("source", source_key))
        suppressions.suppress(conn, store.account_id, keys, now)
        theirs = select(pa.c.interaction_id).where(pa.c.person_id == pid)
        others = select(pa.c.interaction_id).where(
            and_(pa.c.interaction_id.in_(theirs), or_(pa.c.person_id != pid, pa.c.person_id.is_(None)))
        )
        alone = [
            r for (r,) in conn.execute(select(i.c.id).where(and_(i.c.id.in_(theirs), i.c.id.not_in(others))))
        ]
        for start in range(0, len(alone), 500):
            chunk = alone[start : start + 500]
            conn.execute(delete(pa).where(pa.c.interaction_id.in_(chunk)))
            conn.execute(delete(i).where(i.c.id.in_(chunk)))
        conn.execute(delete(pa).where(pa.c.person_id == pid))
        theirs_handles = conn.execute(select(h.c.id, h.c.value).where(h.c.person_id == pid)).all()
        erase_person(
            conn,
            store.account_id,
            merged_into(conn, store.account_id, pid),
            {hid for hid, _ in theirs_handles},
            {value for _, value in theirs_handles if len(value) >= 5},
        )
        introduced = conn.execute(select(t.people.c.id).where(t.people.c.introduced_by_id == pid)).scalars()
        stale.mark(conn, store.account_id, introduced)  # the forgotten person's own rows go below
        conn.execute(update(t.people).where(t.people.c.introduced_by_id == pid).values(introduced_by_id=None))
        for table in (t.merge_candidates,):
            conn.execute(delete(table).where(or_(table.c.person_a == pid, table.c.person_b == pid)))
        for table in (t.tags, t.notes, t.positions, t.handles):
            conn.execute(delete(table).where(table.c.person_id == pid))
        conn.execute(delete(t.people).where(t.people.c.id == pid))
        from tieline.insight.textindex import drop_person

        drop_person(conn, pid)  # what was known about them leaves the text index now, not at its rebuild
        conn.execute(delete(t.stale_ties).where(t.stale_ties.c.person_id == pid))
    return pid, str(name)


def _iso(value: datetime | date | None) -> str | None:
    return value.isoformat() if value is not None else None


SORTS = ("name", "strength", "last")


def layer_number(layer: int | str) -> int:
    """``2``, ``"2"`` or ``"sympathy"`` -> 2; anything else is a one-line error naming the layers."""
    from tieline.strength.layers import LAYER_NAMES

    word = str(layer).strip().casefold()
    by_name = {name: number for number, name in LAYER_NAMES.items() if name}
    number = by_name.get(word) or (int(word) if word.isdigit() else None)
    if number is None or not 1 <= number <= 5:
        shown = word if word.isdigit() else repr(layer)
        raise TielineError(f"no layer {shown}: 1 support, 2 sympathy, 3 affinity, 4 active, 5 beyond")
    return number


def listing(
    store: Store,
    query: str | None = None,
    sort: str = "name",
    layer: int | str | None = None,
    state: str | None = None,
    as_of: datetime | None = None,
    limit: int | None = None,
    progress: Callable[[int, int], None] | None = None,
    offset: int = 0,
    tag: str | None = None,
    organisation: str | None = None,
    catch_up: bool = True,
) -> list[dict[str, Any]]:
    """People with their tie: strength (0-1, None when unknown), layer (1-5), state; sorted and filtered.

    ``layer`` is a number (1-5) or a name (``support``...). Without ``as_of`` it reads the cached
    scores and tie summaries (ties never scored yet are scored first, telling ``progress``); with
    ``as_of`` every tie is scored as of then. ``offset`` skips that many (a page); ``tag`` and
    ``organisation`` filter (:func:`count` says how many match in all). ``catch_up=False`` skips scoring
    the ties never scored (the web app does it once, with :func:`bring_up_to_date`, when it opens a store)."""
    from tieline.services import roster

    if sort not in SORTS:
        raise TielineError(f"sort by one of {', '.join(SORTS)}")
    if state is not None and state not in roster.STATES:
        raise TielineError(f"no state {state!r}: one of {', '.join(roster.STATES)}")
    layer = None if layer is None else layer_number(layer)
    if as_of is not None:
        if tag or organisation:
            raise TielineError("filters by tag or organisation read the present: leave out the date")
        found = _listing_as_of(store, query, sort, layer, state, as_of)
        return found[offset:] if limit is None else found[offset : offset + limit]
    if catch_up:
        bring_up_to_date(store, progress)
    with store.read() as conn:
        return roster.rows(
            conn, store.account_id, query, sort, layer, state, limit, offset, tag, organisation
        )


def count(
    store: Store,
    query: str | None = None,
    layer: int | str | None = None,
    state: str | None = None,
    tag: str | None = None,
    organisation: str | None = None,
    most: int | None = None,
) -> int:
    """How many people :func:`listing` keeps with these filters (from the cached scores), counting
    no further than ``most`` when given (a search must otherwise read every row to count them)."""
    from tieline.services import roster

    number = None if layer is None else layer_number(layer)
    with store.read() as conn:
        filters = roster.Filters(query, number, state, tag, organisation)
        return roster.count(conn, store.account_id, filters, most)


def bring_up_to_date(store: Store, progress: Callable[[int, int], None] | None = None) -> None:
    """The ties a write marked and did not bring up to date itself (added by hand, or a process that died)."""
    from tieline.services.catchup import catch_up

    catch_up(store, progress)


def _listing_as_of(
    store: Store, query: str | None, sort: str, layer: int | None, state: str | None, as_of: datetime
) -> list[dict[str, Any]]:
    from tieline.services.strength import network

    with store.read() as conn:
        rows = summaries(conn, store.account_id, query)
    net = network(store, as_of)
    where = net.index()
    for r in rows:
        r.update(
            net.row(where[r["id"]])
            if r["id"] in where
            else {"strength": None, "layer": None, "state": "unknown", "p_call": None}
        )
    if layer is not None:
        rows = [r for r in rows if r["layer"] == layer]
    if state is not None:
        rows = [r for r in rows if r["state"] == state]
    if sort == "strength":
        rows.sort(key=lambda r: (r["strength"] is None, -(r["strength"] or 0.0), r["name"].lower()))
    elif sort == "last":
        rows.sort(key=lambda r: r["last_contact"] or "", reverse=True)
    return rows
