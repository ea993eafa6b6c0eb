"""What the dashboard shows, kept per account until the data behind it change or the day does.

The health report, the due list and the chart each read the whole network (a second or so at 30,000
people); the headline's fingerprint (insight/headline.py: a few indexed maximums and counts) says when
anything they depend on changed: an import, a log, an edit, a snooze, a merge, an undo, a refit.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from fastapi import Request

from tieline.web.pages import store_of


class Derived:
    """Computed values per (account, name), with the key they were computed for. One request computes a
    missing value while the others asking for it wait and take it (fifty clients opening the dashboard at
    once compute it once, not fifty times over on two cores)."""

    def __init__(self) -> None:
        self._kept: dict[tuple[int, str], tuple[tuple[str, Any], Any]] = {}
        self._lock = threading.Lock()
        self._computing: dict[tuple[int, str], threading.Lock] = {}

    def get(self, request: Request, name: str, compute: Callable[[], Any]) -> Any:
        from tieline.insight.headline import fingerprint

        store = store_of(request)
        key = getattr(request.state, "derived_key", None)
        if key is None:  # once a request, however many figures it asks for
            key = request.state.derived_key = (fingerprint(store), datetime.now(UTC).date())
        slot = (store.account_id, name)
        with self._lock:
            found = self._kept.get(slot)
            if found is not None and found[0] == key:
                return found[1]
            computing = self._computing.setdefault(slot, threading.Lock())
        with computing:
            with self._lock:  # computed by another request while this one waited?
                found = self._kept.get(slot)
            if found is not None and found[0] == key:
                return found[1]
            value = compute()
            with self._lock:
                self._kept[slot] = (key, value)
            return value


def derived(request: Request, name: str, compute: Callable[[], Any]) -> Any:
    """``compute()``, or what it gave last time for this account if nothing it reads has changed since."""
    kept: Derived = request.app.state.derived
    return kept.get(request, name, compute)
