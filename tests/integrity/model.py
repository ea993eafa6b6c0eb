"""A plain-Python reference model of what each person should hold, for the stateful test.

The model is a replay: its state is what the operations still in force give when applied in order to
an empty network. Undoing a batch (or a merge) takes its operation out and replays the rest, which is
exactly what undo promises for work nothing later built on.
"""

from __future__ import annotations

from dataclasses import dataclass, field

POOL = 6


def email(i: int) -> str:
    return f"p{i}@pool.example"


def name(i: int) -> str:
    return f"Pal{i} Name{i}"


@dataclass
class Net:
    people: dict[int, dict[str, object]] = field(default_factory=dict)  # key -> {"name", "closeness"}
    owner: dict[str, int | None] = field(default_factory=dict)  # handle -> person key or None
    interactions: dict[str, list[str]] = field(default_factory=dict)  # source key -> handles taking part
    logs: dict[str, int] = field(default_factory=dict)  # subject of a `log` -> person key
    suppressed: set[str] = field(default_factory=set)
    next_key: int = 0

    def new_person(self, person_name: str) -> int:
        self.next_key += 1
        self.people[self.next_key] = {"name": person_name, "closeness": None}
        return self.next_key

    def handles_of(self, key: int) -> list[str]:
        return sorted(h for h, o in self.owner.items() if o == key)

    def view(self) -> dict[str, object]:
        """What is compared with the database: people with their handles, who took part in what."""
        people = sorted(
            (str(p["name"]), p["closeness"], tuple(self.handles_of(k))) for k, p in self.people.items()
        )
        taking_part = sorted(
            (key, h, self._name(self.owner.get(h))) for key, hs in self.interactions.items() for h in hs
        )
        logs = sorted((subject, self._name(k)) for subject, k in self.logs.items())
        return {"people": people, "participants": taking_part, "logs": logs}

    def _name(self, key: int | None) -> str | None:
        return None if key is None else str(self.people[key]["name"])


def effective(net: Net, op: tuple[object, ...]) -> tuple[object, ...]:
    """An import as it lands now: only the records that change something (a re-import is empty).

    Undo takes back what a batch wrote, not what it read: replaying the rest must not let a later
    re-import write what it once found stored already."""
    if op[0] == "contacts":
        kept = tuple(
            i
            for i in op[1]  # type: ignore[attr-defined]
            if email(i) not in net.suppressed
            and (net.owner.get(email(i)) is None or "@" in str(net.people[net.owner[email(i)]]["name"]))  # type: ignore[index]
        )
        return (op[0], kept, *op[2:])
    if op[0] == "mail":
        fresh = tuple(
            m
            for m in op[1]  # type: ignore[attr-defined]
            if email(m[0]) not in net.suppressed and m[2] not in net.interactions
        )
        return (op[0], fresh, *op[2:])
    return op


def apply(net: Net, op: tuple[object, ...]) -> bool:
    """Apply one operation; False when the tool refuses it (the model then stays as it was)."""
    kind = op[0]
    if kind == "contacts":
        for i in op[1]:  # type: ignore[attr-defined]
            e = email(i)
            if e in net.suppressed:
                continue
            who = net.owner.get(e)
            if who is None:
                key = net.new_person(name(i))
                net.owner[e] = key
            elif "@" in str(net.people[who]["name"]):
                net.people[who]["name"] = name(i)
        return True
    if kind == "mail":
        for i, _out, key in op[1]:  # type: ignore[attr-defined]
            e = email(i)
            if e in net.suppressed or key in net.interactions:
                continue
            net.owner.setdefault(e, None)
            net.interactions[key] = [e]
        for i, out, _key in op[1]:  # type: ignore[attr-defined]
            e = email(i)  # the two-way rule sees the whole file
            if out and e not in net.suppressed and net.owner.get(e, 0) is None:
                net.owner[e] = net.new_person(e)
        return True
    if kind == "add":
        e = email(op[1])  # type: ignore[arg-type]
        if net.owner.get(e) is not None:
            return False
        net.owner[e] = net.new_person(str(op[2]))
        net.suppressed.discard(e)
        return True
    if kind in ("edit", "log", "forget", "merge"):
        who = net.owner.get(email(op[1]))  # type: ignore[arg-type]
        if kind == "forget":
            gone = set(op[2])  # type: ignore[call-overload]
            for h in gone:
                key = net.owner.pop(h, None)
                if key is not None:
                    for other in net.handles_of(key):
                        net.owner.pop(other)
                    net.people.pop(key, None)
                    net.logs = {s: k for s, k in net.logs.items() if k != key}
                for ikey, hs in list(net.interactions.items()):
                    if h in hs:
                        hs.remove(h)
                        if not hs:
                            del net.interactions[ikey]
            net.suppressed |= gone
            return True
        if who is None:
            return False
        if kind == "edit":
            net.people[who]["closeness"] = op[2]
        elif kind == "log":
            net.logs[str(op[2])] = who
        else:
            other = net.owner.get(email(op[2]))  # type: ignore[arg-type]
            if other is None or other == who:
                return False
            for h in net.handles_of(other):
                net.owner[h] = who
            merged = net.people.pop(other)
            if net.people[who]["closeness"] is None:
                net.people[who]["closeness"] = merged["closeness"]
            net.logs = {s: (who if k == other else k) for s, k in net.logs.items()}
        return True
    raise ValueError(kind)


def replay(ops: list[tuple[object, ...]]) -> Net:
    net = Net()
    for op in ops:
        apply(net, op)
    return net
