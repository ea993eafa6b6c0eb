"""health, due and who on 30,000 people and 1,000,000 interactions, with scores cached.

    python bench/insight.py [--people 30000] [--interactions 1000000] [--db FILE_OR_URL] [--reuse]

Builds a store with bulk inserts (not timed): people with a connection date, one or two positions (titles,
organisations), tags on some, subjects on every interaction, some favours and group threads. Then it warms
what a daily user has warm (today's score cache, the text index, the snapshot health compares with) and prints the
in-process time of each service (best of 3; the issue's target is < 0.3 s) and the wall time of the whole
CLI call in a fresh process (target < 1 s), each as wall time and as CPU time (on a machine shared with
other work the wall time includes waiting for a core; the CPU time is the work itself).
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, insert, select

from tieline.insight import textindex
from tieline.insight.due import due
from tieline.insight.health import health
from tieline.insight.who import who
from tieline.services.strength import network
from tieline.store import stale
from tieline.store import tables as t
from tieline.store.db import Store

ORGS = [
    f"{a} {b}"
    for a in (
        "Harbour",
        "Northwind",
        "Bluebell",
        "Quarry",
        "Lantern",
        "Copperleaf",
        "Meridian",
        "Fieldstone",
        "Stillwater",
        "Analytical",
    )
    for b in ("Labs", "Bank", "Health", "Media", "Group")
]
TITLES = (
    "Engineer",
    "Analytical chemist",
    "Product manager",
    "Designer",
    "Director",
    "Researcher",
    "Recruiter",
    "Data scientist",
    "Nurse",
    "Teacher",
)
SUBJECTS = (
    "Lunch next week?",
    "The quarterly plan",
    "That article",
    "Intro request",
    "Catching up",
    "Draft for review",
    "Weekend plans",
    "Conference talk",
    "Boston lab opening",
    "Chemistry meetup",
    "Hiring update",
    "Board slides",
)
NEED = "I lost my job and want analytical chemistry roles in Boston"


def build(store: Store, n_people: int, n_events: int) -> None:
    rng = random.Random(1)
    now = datetime.now(UTC)
    start = now - timedelta(days=3 * 365)
    a = store.account_id
    with store.write() as conn:
        conn.execute(
            insert(t.people),
            [
                {
                    "id": i + 1,
                    "account_id": a,
                    "name": f"Person {i}",
                    "created_at": now,
                    "updated_at": now,
                    "connected_on": start + timedelta(days=rng.uniform(-2000, 3 * 365)),
                }
                for i in range(n_people)
            ],
        )
        conn.execute(
            insert(t.handles),
            [
                {
                    "id": i + 1,
                    "account_id": a,
                    "person_id": i + 1,
                    "kind": "email",
                    "value": f"p{i}@example.com",
                }
                for i in range(n_people)
            ],
        )
        positions = []
        for i in range(n_people):
            positions.append(
                {
                    "account_id": a,
                    "person_id": i + 1,
                    "organization": rng.choice(ORGS),
                    "title": rng.choice(TITLES),
                    "start_date": date(2015, 1, 1) + timedelta(days=rng.randint(0, 2500)),
                }
            )
            if rng.random() < 0.2:
                positions[-1]["end_date"] = date(2023, 1, 1)
                positions.append(
                    {
                        "account_id": a,
                        "person_id": i + 1,
                        "organization": rng.choice(ORGS),
                        "title": rng.choice(TITLES),
                        "start_date": (now - timedelta(days=rng.randint(1, 900))).date(),
                    }
                )
        conn.execute(insert(t.positions), positions)
        conn.execute(
            insert(t.tags),
            [
                {
                    "account_id": a,
                    "person_id": i + 1,
                    "tag": rng.choice(("chemistry", "boston", "alumni", "climbing")),
                }
                for i in range(0, n_people, 7)
            ],
        )
        weights = [1.0 / (k + 1) for k in range(n_people)]  # a few strong ties, a long tail
        who_ = rng.choices(range(n_people), weights=weights, k=n_events)
        for lo in range(0, n_events, 50_000):
            chunk = range(lo, min(n_events, lo + 50_000))
            kinds = [
                rng.choices(
                    ("conversation", "favor-given", "favor-received", "tidbit"), (0.995, 0.002, 0.002, 0.001)
                )[0]
                for _ in chunk
            ]
            conn.execute(
                insert(t.interactions),
                [
                    {
                        "id": j + 1,
                        "account_id": a,
                        "happened_at": start + timedelta(seconds=rng.uniform(0, 3 * 365 * 86400)),
                        "channel": rng.choice(("email", "sms", "call", "chat", "meeting")),
                        "direction": "in" if kind == "favor-received" else rng.choice(("out", "in")),
                        "kind": kind,
                        "group_size": 2,
                        "duration_s": None,
                        "subject": rng.choice(SUBJECTS),
                        "bulk": False,
                        "source_key": f"bench:{j}",
                    }
                    for j, kind in zip(chunk, kinds, strict=True)
                ],
            )
            rows = [
                {
                    "account_id": a,
                    "interaction_id": j + 1,
                    "handle_id": who_[j] + 1,
                    "person_id": who_[j] + 1,
                    "role": "recipient",
                }
                for j in chunk
            ]
            rows += [
                {
                    "account_id": a,
                    "interaction_id": j + 1,
                    "handle_id": (who_[j] + 7) % n_people + 1,
                    "person_id": (who_[j] + 7) % n_people + 1,
                    "role": "recipient",
                }
                for j in chunk
                if j % 20 == 0
            ]
            conn.execute(insert(t.participants), rows)
        # A writer like any other: it marks what it wrote, so the first read scores every tie.
        stale.mark(conn, a, everyone=True)


def best_of(fn: Callable[[], object], n: int = 3) -> tuple[float, float]:
    """(wall, CPU) seconds of the fastest of ``n`` runs. On a shared machine the wall time includes
    waiting for a core; the CPU time is the work itself."""
    times = []
    for _ in range(n):
        t0, c0 = time.perf_counter(), time.process_time()
        fn()
        times.append((time.perf_counter() - t0, time.process_time() - c0))
    return min(times)


def cli(db: str, *args: str) -> tuple[float, float]:
    """(wall, CPU) seconds of one whole `tieline` process."""
    env = dict(os.environ, TIELINE_DB=db)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-m", "tieline", *args], check=True, env=env, capture_output=True)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=30_000)
    parser.add_argument("--interactions", type=int, default=1_000_000)
    parser.add_argument("--db", help="a SQLite file or PostgreSQL URL (default: a temporary SQLite file)")
    parser.add_argument("--reuse", action="store_true", help="the database is already built")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = args.db or str(Path(tmp) / "bench.db")
        store = Store(db)
        if not args.reuse:
            t0 = time.perf_counter()
            build(store, args.people, args.interactions)
            store.analyze()  # as a large import leaves PostgreSQL: with planner statistics
            print(
                f"built {args.people:,} people, {args.interactions:,} interactions in {time.perf_counter() - t0:.0f} s (not timed)"
            )
        with store.read() as conn:
            n_p = conn.execute(select(func.count()).select_from(t.people)).scalar_one()
            n_i = conn.execute(select(func.count()).select_from(t.interactions)).scalar_one()
        t0 = time.perf_counter()
        network(store)  # today's score cache, as after an import
        textindex.refresh(store)
        health(store)  # the snapshot health compares with
        print(
            f"{n_p:,} people, {n_i:,} interactions; warming (score cache, text index, snapshot): "
            f"{time.perf_counter() - t0:.1f} s (once a day or after a change, not part of the figures)"
        )
        print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
        print(f"{store.engine.dialect.name}, in-process, best of 3 (target < 0.3 s):")
        for name, fn in (
            ("health", lambda: health(store)),
            ("due", lambda: due(store)),
            ("who", lambda: who(store, NEED)),
        ):
            wall, cpu = best_of(fn)
            print(f"  {name:9s} wall {wall:.3f} s   CPU {cpu:.3f} s")
        print("whole CLI call in a fresh process, best of 3 (target < 1 s):")
        for name, cmd in (
            ("health", ("health", "--json")),
            ("due", ("due", "--json")),
            ("who", ("who", NEED, "--json")),
            ("--version", ("--version",)),
        ):
            wall, cpu = min(cli(db, *cmd) for _ in range(3))
            print(f"  {name:9s} wall {wall:.3f} s   CPU {cpu:.3f} s")
        store.dispose()


if __name__ == "__main__":
    main()
