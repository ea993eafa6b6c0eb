"""Forgetting for real: the rows go, and so do the bytes they leave in the store's files."""

from __future__ import annotations

from dataclasses import dataclass

from tieline.services import people
from tieline.store.db import Store
from tieline.store.wipe import maintenance as rebuild
from tieline.store.wipe import wipe


@dataclass(frozen=True)
class Forgotten:
    id: int
    name: str
    advice: str | None  # what the user must still do for the bytes to go, when anything


def forget(store: Store, ref: str) -> Forgotten:
    """Delete a person and everything about them, then wipe what the delete left in the files."""
    pid, name = people.forget(store, ref)
    return Forgotten(pid, name, wipe(store))


def maintenance(store: Store) -> str | None:
    """Finish a wipe another program delayed; ``None`` when nothing of a deleted row is left."""
    return rebuild(store)
