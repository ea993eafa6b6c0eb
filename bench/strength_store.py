"""Scoring from the store: 30,000 ties over 1,000,000 interactions, from scratch and incrementally.

    python bench/strength_store.py [--people 30000] [--interactions 1000000]

Builds a SQLite store with bulk inserts (not timed), then prints: the model alone on the in-memory
columns (the issue's < 2 s figure), loading the columns from the store plus scoring (what
`people list` pays when there is no cache), and the incremental update after importing one new
message (how many ties it scored, and how long it took).
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert

from tieline.ingest.batch import ImportOptions
from tieline.services import imports, me
from tieline.services.strength import load, network, rescore
from tieline.store import stale
from tieline.store import tables as t
from tieline.store.db import Store
from tieline.strength.model import score


def build(store: Store, n_people: int, n_events: int) -> None:
    rng = random.Random(1)
    now = datetime.now(UTC)
    start = now - timedelta(days=3 * 365)
    with store.write() as conn:
        conn.execute(
            insert(t.people),
            [
                {
                    "id": i + 1,
                    "account_id": store.account_id,
                    "name": f"Person {i}",
                    "created_at": now,
                    "updated_at": now,
                }
                for i in range(n_people)
            ],
        )
        conn.execute(
            insert(t.handles),
            [
                {
                    "id": i + 1,
                    "account_id": store.account_id,
                    "person_id": i + 1,
                    "kind": "email",
                    "value": f"p{i}@example.com",
                }
                for i in range(n_people)
            ],
        )
        weights = [1.0 / (k + 1) for k in range(n_people)]  # a few strong ties, a long tail
        who = rng.choices(range(n_people), weights=weights, k=n_events)
        for lo in range(0, n_events, 50_000):
            chunk = range(lo, min(n_events, lo + 50_000))
            conn.execute(
                insert(t.interactions),
                [
                    {
                        "id": j + 1,
                        "account_id": store.account_id,
                        "happened_at": start + timedelta(seconds=rng.uniform(0, 3 * 365 * 86400)),
                        "channel": rng.choice(("email", "sms", "call", "chat", "meeting")),
                        "direction": rng.choice(("out", "in")),
                        "kind": "conversation",
                        "group_size": 2,
                        "duration_s": None,
                        "bulk": False,
                        "source_key": f"bench:{j}",
                    }
                    for j in chunk
                ],
            )
            conn.execute(
                insert(t.participants),
                [
                    {
                        "account_id": store.account_id,
                        "interaction_id": j + 1,
                        "handle_id": who[j] + 1,
                        "person_id": who[j] + 1,
                        "role": "recipient",
                    }
                    for j in chunk
                ],
            )
        # A writer like any other: it marks what it wrote, so the first read scores every tie.
        stale.mark(conn, store.account_id, everyone=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=30_000)
    parser.add_argument("--interactions", type=int, default=1_000_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(f"sqlite:///{Path(tmp) / 'bench.db'}")
        t0 = time.perf_counter()
        build(store, args.people, args.interactions)
        print(
            f"built a store of {args.people:,} people and {args.interactions:,} interactions "
            f"in {time.perf_counter() - t0:.1f} s (not part of the figures)"
        )
        with store.read() as conn:
            t0 = time.perf_counter()
            ids, events, facts = load(conn, store.account_id)
            t_load = time.perf_counter() - t0
        as_of = datetime.now(UTC).timestamp()
        best = min(_timed(lambda: score(events, len(ids), as_of, facts)) for _ in range(3))
        print(f"model alone, {len(ids):,} ties over {len(events):,} interactions: {best:.2f} s (best of 3)")
        print(f"loading the columns from SQLite: {t_load:.2f} s")
        t_full = _timed(lambda: network(store))
        print(f"people list without a cache (load + score + write cache): {t_full:.2f} s")
        me.add(store, "me@example.com")
        mbox = Path(tmp) / "one.mbox"
        mbox.write_text(
            "From p7@example.com Mon Jan  1 10:00:00 2024\nMessage-ID: <new@example.com>\n"
            f"Date: {datetime.now(UTC):%a, %d %b %Y %H:%M:%S +0000}\nFrom: P <p7@example.com>\n"
            "To: me@example.com\nSubject: hi\n\nhello\n\n",
            encoding="utf-8",
        )
        t0 = time.perf_counter()
        result, rescored = imports.import_paths(store, [mbox], ImportOptions())
        t_inc = time.perf_counter() - t0
        print(
            f"import one new message + incremental update: {result.counts.interactions_created} interaction, "
            f"{rescored} tie rescored, {t_inc:.2f} s"
        )
        t0 = time.perf_counter()
        n = rescore(store, [8])
        print(f"rescoring that one tie alone: {n} tie in {time.perf_counter() - t0:.3f} s")
        store.dispose()


def _timed(fn: object) -> float:
    t0 = time.perf_counter()
    fn()  # type: ignore[operator]
    return time.perf_counter() - t0


if __name__ == "__main__":
    main()
