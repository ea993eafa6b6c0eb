"""Time scoring 30,000 ties over 1,000,000 interactions from scratch.

    PYTHONPATH=src python bench/strength_bench.py [--ties 30000] [--events 1000000] [--repeat 3]

Ties get heavy-tailed activity (a few very active, most rare), mixed channels and directions,
group mail, call durations, some newsletters and favours, over five years before ``as_of``.
"""

from __future__ import annotations

import argparse
import os
import time

import numpy as np

from tieline.strength import EventTable, TieFacts, score
from tieline.strength.events import CHANNELS, KINDS, RELATIONSHIPS


def generate(n_ties: int, n_events: int, as_of: float, seed: int = 0) -> tuple[EventTable, TieFacts]:
    rng = np.random.default_rng(seed)
    activity = rng.pareto(1.2, n_ties) + 0.1
    tie = rng.choice(n_ties, size=n_events, p=activity / activity.sum()).astype(np.int32)
    t = as_of - rng.exponential(365 * 86400.0, n_events).clip(0, 5 * 365 * 86400.0) - 1.0
    channel = rng.choice(
        len(CHANNELS), size=n_events, p=[0.4, 0.05, 0.15, 0.15, 0.18, 0.01, 0.03, 0.02, 0.01]
    )
    direction = rng.choice(4, size=n_events, p=[0.1, 0.4, 0.45, 0.05])
    group = np.where(rng.random(n_events) < 0.1, rng.integers(3, 40, n_events), 2)
    duration = np.where(channel == CHANNELS.index("call"), rng.exponential(300, n_events), np.nan)
    kind = np.where(rng.random(n_events) < 0.01, rng.integers(1, len(KINDS), n_events), 0)
    bulk = rng.random(n_events) < 0.05
    events = EventTable.from_arrays(tie, t, channel, direction, group, duration, kind, bulk)
    facts = TieFacts(
        start=np.where(rng.random(n_ties) < 0.5, as_of - rng.uniform(0, 3650 * 86400.0, n_ties), np.nan),
        relationship=rng.choice(len(RELATIONSHIPS), size=n_ties).astype(np.int8),
        closeness=np.where(rng.random(n_ties) < 0.05, rng.integers(1, 6, n_ties).astype(float), np.nan),
        would_take_call=np.where(rng.random(n_ties) < 0.02, rng.integers(0, 2, n_ties).astype(float), np.nan),
    )
    return events, facts


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--ties", type=int, default=30_000)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    as_of = 1_700_000_000.0
    events, facts = generate(args.ties, args.events, as_of)
    times = []
    cpu = []
    for _ in range(args.repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        result = score(events, args.ties, as_of, facts)
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    known = int(np.isfinite(result.score).sum())
    # CPU time too: on a shared machine the wall clock also counts other processes' turns.
    print(
        f"scored {args.ties:,} ties over {args.events:,} interactions: "
        f"best {min(times):.3f} s, worst {max(times):.3f} s wall; CPU best {min(cpu):.3f} s"
        f" ({known:,} with evidence; load average {os.getloadavg()[0]:.1f})"
    )
    one = events.take(events.tie == 0)
    single = EventTable.from_arrays(
        np.zeros(len(one), dtype=np.int32),
        one.t,
        one.channel,
        one.direction,
        one.group_size,
        one.duration,
        one.kind,
        one.bulk,
    )
    start = time.perf_counter()
    score(single, 1, as_of, facts.take(np.array([0])))
    print(f"re-scoring one tie ({len(one):,} interactions): {1000 * (time.perf_counter() - start):.2f} ms")


if __name__ == "__main__":
    main()
