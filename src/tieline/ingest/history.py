"""Writing InteractionRecords in chunks: skip what is stored already, attach participants to people.

Unknown senders are kept as handles without a person; they become people only on two-way contact
(the owner wrote to them, met them, called them) or when the user asks (``--create-people``), so a
newsletter never becomes a "connection". When that happens later, their earlier interactions follow.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_, insert, select, update

from tieline.ingest.context import Context
from tieline.ingest.conversations import Conversations, is_group
from tieline.ingest.matching import Matcher, plain
from tieline.records import Direction, InteractionRecord, Participant
from tieline.store import tables as t
from tieline.store.ids import allocate

CHUNK = 5000
TWO_WAY_CHANNELS = frozenset({"call", "meeting", "in-person"})
# Someone who endorsed or recommended you (or whom you did) knows you: evidence of a tie on its own.
VOUCHED = frozenset({"endorsement", "recommendation"})
ME = -1
ONE_WAY = "interactions kept on handles only: no two-way contact with them yet"
OWNER_UNKNOWN = (
    "interactions kept on handles only: who you are is not known, so nothing reads as sent by you "
    "(`tieline me add HANDLE` re-reads them)"
)


class HistoryWriter:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.pending: dict[str, InteractionRecord] = {}
        self._names: dict[str, list[int]] | None = None
        self._matcher: Matcher | None = None
        self._nameless: set[int] | None = None  # people named by an address only, made by imports
        self._vouching = False  # the interaction being resolved is an endorsement or a recommendation
        self._name_only: set[int] = set()  # people made here from a name alone
        self.conversations = Conversations(ctx)

    def forget_cache(self) -> None:
        """Another writer committed: the name index (and who is named by an address) is read again when needed."""
        self._names = None
        self._nameless = None

    def add(self, rec: InteractionRecord) -> None:
        if rec.source_key in self.pending:
            self.ctx.counts.unchanged += 1
            return
        self.pending[rec.source_key] = rec
        if len(self.pending) >= CHUNK:
            self.flush()

    def flush(self) -> None:
        if not self.pending:
            return
        ctx = self.ctx
        existing = self._existing(list(self.pending))
        rows: list[dict[str, Any]] = []
        parts: list[list[tuple[int, int | None, str]]] = []
        for key, rec in self.pending.items():
            if key in existing:
                ctx.counts.unchanged += 1
                continue
            resolved = self._resolve(rec)
            if resolved is None:
                continue
            row, people = resolved
            rows.append(row)
            parts.append(people)
        self.pending.clear()
        self.conversations.clear()
        if not rows:
            return
        ids = allocate(ctx.conn, t.interactions, len(rows))
        for iid, row in zip(ids, rows, strict=True):
            row["id"] = iid
        ctx.conn.execute(insert(t.interactions), rows)
        # A sender's reply later in the same chunk may have made them a person since their message was
        # read: each participant goes to whoever their handle belongs to now (the rule sees the whole file).
        owner = ctx.index.by_id
        prows = [
            {
                "account_id": ctx.account_id,
                "interaction_id": iid,
                "handle_id": hid,
                "person_id": owner[hid][1] if hid in owner and owner[hid][1] is not None else pid,
                "role": role,
                "happened_at": row["happened_at"],
            }
            for iid, row, people in zip(ids, rows, parts, strict=True)
            for hid, pid, role in people
        ]
        if prows:
            ctx.conn.execute(insert(t.participants), prows)
        ctx.counts.interactions_created += len(rows)

    def _existing(self, keys: list[str]) -> set[str]:
        found: set[str] = set()
        col = t.interactions.c.source_key
        for i in range(0, len(keys), 500):
            found.update(
                self.ctx.conn.execute(
                    select(col).where(
                        and_(t.interactions.c.account_id == self.ctx.account_id, col.in_(keys[i : i + 500]))
                    )
                ).scalars()
            )
        return found

    def _resolve(
        self, rec: InteractionRecord
    ) -> tuple[dict[str, Any], list[tuple[int, int | None, str]]] | None:
        ctx = self.ctx
        sender = self._handle(rec.sender) if rec.sender is not None else None
        direction: Direction | None = rec.direction
        if direction is None:
            if rec.channel == "meeting":
                direction = "both"
            elif sender == ME:
                direction = "out"
            elif sender is not None:
                direction = "in"
        two_way = not rec.bulk and (
            direction in ("out", "both") or rec.channel in TWO_WAY_CHANNELS or rec.kind in VOUCHED
        )
        people: list[tuple[int, int | None, str]] = []
        seen: set[int] = set()
        self._vouching = rec.kind in VOUCHED
        entries: list[tuple[Participant, int | tuple[int, int | None] | None, str]] = []
        if rec.sender is not None:
            entries.append((rec.sender, sender, "sender"))
        for p in rec.participants:
            if p.declined:
                continue
            entries.append((p, self._handle(p), "attendee" if rec.channel == "meeting" else "recipient"))
        for part, found, role in entries:
            if found is None or found == ME or isinstance(found, int):
                continue
            hid, pid = found
            if hid in seen:
                continue
            seen.add(hid)
            if pid is None and (two_way or ctx.create_people):
                pid = self.promote(hid, part)
            people.append((hid, pid, role))
        conversation_id = None
        if is_group(rec) and rec.thread:
            # Stored once: the members join the conversation, the message keeps only its sender.
            members = [hid for hid, _pid, _role in people]
            if members:
                conversation_id = self.conversations.find_or_add(rec.thread, rec.channel)
                self.conversations.add_members(conversation_id, members, rec.when)
            people = [p for p in people if p[2] == "sender"]
        if not people and conversation_id is None:
            ctx.counts.skip("no one but the owner took part")
            return None
        if all(pid is None for _, pid, _ in people):
            ctx.counts.note(ONE_WAY if ctx.index.me else OWNER_UNKNOWN)
        row = {
            "account_id": ctx.account_id,
            "happened_at": rec.when,
            "channel": rec.channel,
            "direction": direction,
            "kind": rec.kind,
            "group_size": max(2, rec.group_size),
            "duration_s": rec.duration_s,
            "thread": (rec.thread or None) and rec.thread[:300],
            "subject": (rec.subject[:300] if rec.subject else None) if ctx.content else None,
            "bulk": rec.bulk,
            "batch_id": ctx.batch_id,
            "source_key": rec.source_key[:300],
            "conversation_id": conversation_id,
        }
        return row, people

    def _handle(self, part: Participant) -> int | tuple[int, int | None] | None:
        """ME for the owner, (handle id, person id) for anyone else, None for someone we must not keep."""
        ctx = self.ctx
        keys = ctx.index.keys(part.handles)
        if any(k in ctx.index.me for k in keys):
            return ME
        if any(k in ctx.index.suppressed for k in keys):
            return None
        for k in keys:
            entry = ctx.index.handles.get(k)
            if entry is not None:
                if entry[1] is not None and part.name:
                    self._better_name(entry[1], part.name)
                return int(entry[0]), entry[1]  # type: ignore[arg-type]
        if keys:
            hid = ctx.add_handle(None, keys[0], None, part.name, "seen")
            return hid, None
        if part.name:
            pid = self._by_name(part.name)
            if pid is None and self._vouching and part.name.strip():
                # a recommendation names its author only: someone who vouched for you is someone
                pid = self.ctx.new_person(part.name.strip(), source_key=f"name:{plain(part.name)}"[:300])
                self._name_only.add(pid)
                self._named(pid, part.name)
            if pid is not None:
                return self._name_handle(pid, part.name)
        return None

    def _better_name(self, pid: int, name: str) -> None:
        """Someone first seen in a To: without a name is named when a From: gives one (never the user's own)."""
        if self._nameless is None:
            p = t.people
            self._nameless = set(
                self.ctx.conn.execute(
                    select(p.c.id).where(
                        and_(
                            p.c.account_id == self.ctx.account_id,
                            p.c.source_key.like("handle:%"),
                            p.c.name.contains("@"),
                        )
                    )
                ).scalars()
            )
        name = " ".join(name.split())
        if pid not in self._nameless or not name or "@" in name:
            return
        self._nameless.discard(pid)
        self.ctx.log_change(t.people, pid)
        self.ctx.conn.execute(update(t.people).where(t.people.c.id == pid).values(name=name[:300]))
        if pid not in self.ctx.touched_people:
            self.ctx.touched_people.add(pid)
            self.ctx.counts.people_updated += 1

    def promote(self, hid: int, part: Participant) -> int:
        """Make a person of a handle seen so far without one; its interactions follow it."""
        ctx = self.ctx
        h = t.handles
        row = ctx.conn.execute(select(h.c.value, h.c.display_name).where(h.c.id == hid)).one()
        name = part.name or row.display_name or row.value
        vouched = [p for p in self._name_index().get(plain(name), []) if p in self._name_only]
        if len(vouched) == 1:  # the author of a recommendation, known so far by name only
            ctx.attach(hid, vouched[0])
            return vouched[0]
        pid = ctx.new_person(name, source_key=f"handle:{row.value}"[:300])
        ctx.attach(hid, pid)
        if "@" in name and self._nameless is not None:
            self._nameless.add(pid)
        # Someone first met in mail may be the LinkedIn connection of the same name: the user decides.
        names = self._name_index()
        same = [other for other in names.get(plain(name), []) if other != pid]
        if same and len(same) <= 3:
            if self._matcher is None:
                self._matcher = Matcher()
            for other in same:
                self._matcher.queue(ctx, other, pid, "same name, one known only from messages", 0.6)
        self._named(pid, name)
        return pid

    def _name_index(self) -> dict[str, list[int]]:
        """Everyone by folded name, loaded once per import and kept current as people are promoted."""
        if self._names is None:
            self._names = {}
            for pid, n in self.ctx.conn.execute(
                select(t.people.c.id, t.people.c.name).where(t.people.c.account_id == self.ctx.account_id)
            ):
                self._names.setdefault(plain(n), []).append(pid)
        return self._names

    def _named(self, pid: int, name: str) -> None:
        """A person made here joins the name index (which may have just been loaded with them in it)."""
        same = self._name_index().setdefault(plain(name), [])
        if pid not in same:
            same.append(pid)

    def _by_name(self, name: str) -> int | None:
        found = self._name_index().get(plain(name), [])
        return found[0] if len(found) == 1 else None

    def _name_handle(self, pid: int, name: str) -> tuple[int, int | None]:
        """People known only by name still need a handle row for participants: a private 'name:' id."""
        key = ("chat", f"name:{plain(name)}")
        entry = self.ctx.index.handles.get(key)
        if entry is not None:
            return int(entry[0]), entry[1]  # type: ignore[arg-type]
        return self.ctx.add_handle(pid, key, None, name, "name"), pid
