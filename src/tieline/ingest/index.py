"""In-memory lookups one import keeps while it writes: handles, suppressions, the owner's handles."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import Connection, select

from tieline.ingest.normalise import normalise
from tieline.records import Handle
from tieline.store import suppressions
from tieline.store import tables as t

Key = tuple[str, str]


@dataclass
class HandleIndex:
    """Normalised handle → [handle id, person id or None], loaded once per import and kept in step."""

    account_id: int
    region: str | None = None
    handles: dict[Key, list[int | None]] = field(default_factory=dict)
    suppressed: suppressions.Suppressed = field(default_factory=lambda: suppressions.Suppressed(""))
    me: set[Key] = field(default_factory=set)
    by_id: dict[int, list[int | None]] = field(default_factory=dict)
    _norm: dict[Handle, Key | None] = field(default_factory=dict)

    @classmethod
    def load(cls, conn: Connection, account_id: int, region: str | None = None) -> HandleIndex:
        index = cls(account_id, region)
        h = t.handles
        for hid, pid, kind, value in conn.execute(
            select(h.c.id, h.c.person_id, h.c.kind, h.c.value).where(h.c.account_id == account_id)
        ):
            entry: list[int | None] = [hid, pid]
            index.handles[(kind, value)] = entry
            index.by_id[hid] = entry
        index.suppressed = suppressions.load(conn, account_id)
        m = t.me_handles
        index.me = {
            (k, v) for k, v in conn.execute(select(m.c.kind, m.c.value).where(m.c.account_id == account_id))
        }
        return index

    def reload(self, conn: Connection) -> None:
        """Read the handles again: another writer may have committed some since (keeps the memo)."""
        fresh = HandleIndex.load(conn, self.account_id, self.region)
        self.handles, self.by_id = fresh.handles, fresh.by_id
        self.suppressed, self.me = fresh.suppressed, fresh.me

    def put(self, key: Key, handle_id: int, person_id: int | None) -> None:
        entry: list[int | None] = [handle_id, person_id]
        self.handles[key] = entry
        self.by_id[handle_id] = entry

    def key(self, handle: Handle) -> Key | None:
        """The normalised (kind, value) of a raw handle, memoised: mail imports see the same few thousand often."""
        try:
            return self._norm[handle]
        except KeyError:
            pass
        key = normalise(handle, self.region)
        if len(self._norm) > 200_000:
            self._norm.clear()
        self._norm[handle] = key
        return key

    def keys(self, handles: tuple[Handle, ...]) -> list[Key]:
        out: list[Key] = []
        for handle in handles:
            k = self.key(handle)
            if k is not None and k not in out:
                out.append(k)
        return out
