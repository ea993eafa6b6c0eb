"""The web app under load: the real server on 127.0.0.1, 30,000 people, 1,000,000 interactions, 50 clients.

    nice -n 10 python bench/web_load.py [--scale 1] [--seconds 60] [--clients 50] [--think 0] [--db FILE]
                                        [--rebuild] [--chart alone|mix|skip] [--solo 3]

Builds the store with bench/insight.py's bulk builder (not timed; kept in the temporary folder and reused
by the next run of the same size), warms what a daily user has warm (tie summaries, today's score cache,
the text index, the snapshot health compares with), makes an API token, then starts `tieline serve` as its own
process, logs in through the printed link and runs ``--clients`` concurrent clients (httpx, async) for
``--seconds`` seconds over the dashboard, the people list, a person, and the JSON API (Bearer token); the
dashboard's chart (/chart.svg) is timed once on its own first, as at 30,000 people it takes minutes
(``--chart mix`` puts it in the mix, ``--chart skip`` leaves it out). Every request has a timeout, and the
run stops by itself. Clients send their next request as soon as the last is answered (``--think S``: after
about S seconds, as a person reading the page would, the first click at a random moment of the first S
seconds rather than all fifty at once). Prints p50 / p95 / p99 / max latency
and errors per route; the issue's target is no errors and p95 under 100 ms for the dashboard, the people
list and a person.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import queue
import random
import re
import socket
import ssl
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from sqlalchemy import func, select

from insight import build
from tieline.insight import textindex
from tieline.insight.health import health
from tieline.services import ties, tokens
from tieline.services.strength import network
from tieline.store import tables as t
from tieline.store.db import Store

LINK = re.compile(r"(http://\S+/login\?token=\S+)")
TIMEOUT_S = 30.0
CHART_TIMEOUT_S = 900.0


@dataclass
class Route:
    name: str
    path: str  # ``{id}``: a person's id, a new one each request
    api: bool = False
    seconds: list[float] = field(default_factory=list)
    errors: dict[str, int] = field(default_factory=dict)


def routes(with_chart: bool) -> list[Route]:
    chart = [Route("chart.svg", "/chart.svg")] if with_chart else []
    return [
        Route("dashboard", "/"),
        *chart,
        Route("people list", "/people"),
        Route("people search", "/people?q=chemist"),
        Route("a person", "/people/{id}"),
        Route("api people", "/api/v1/people?limit=50", api=True),
        Route("api person", "/api/v1/people/{id}", api=True),
        Route("api due", "/api/v1/due", api=True),
    ]


def prepare(db: str, n_people: int, n_events: int, rebuild: bool) -> tuple[str, int]:
    """The store, built or reused and warmed; returns an API token and how many people it holds."""
    path = Path(db)
    if rebuild and path.exists():
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    store = Store(db)
    with store.read() as conn:
        held = conn.execute(select(func.count()).select_from(t.people)).scalar_one()
    if held == 0:
        t0 = time.perf_counter()
        build(store, n_people, n_events)
        with store.write() as conn:
            ties.refresh(conn, store.account_id)
        print(f"built {n_people:,} people, {n_events:,} interactions in {time.perf_counter() - t0:.0f} s")
    elif held != n_people:
        sys.exit(f"{db} holds {held:,} people, not {n_people:,}: --rebuild, or another --db")
    else:
        print(f"reusing {db} ({held:,} people)")
    t0 = time.perf_counter()
    network(store)
    textindex.refresh(store)
    health(store)
    print(f"warmed (score cache, text index, snapshot) in {time.perf_counter() - t0:.1f} s")
    _, secret = tokens.create(store, "bench/web_load.py")
    store.dispose()
    return secret, int(held or n_people)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(db: str, port: int) -> tuple[subprocess.Popen[str], str, list[str]]:
    """``tieline serve`` in its own process, the login link it prints, and what it writes (kept by a
    thread that reads it to the end, so a chatty server never blocks on a full pipe)."""
    server = subprocess.Popen(
        [sys.executable, "-m", "tieline", "--db", db, "serve", "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines: queue.Queue[str] = queue.Queue()
    said: list[str] = []

    def read() -> None:
        assert server.stdout is not None
        for line in server.stdout:
            said.append(line)
            lines.put(line)

    threading.Thread(target=read, daemon=True).start()
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            found = LINK.search(lines.get(timeout=1))
        except queue.Empty:
            continue
        if found:
            return server, found.group(1), said
    server.kill()
    sys.exit("the server printed no login link:\n" + "".join(said))


async def wait_until_up(base: str) -> None:
    async with httpx.AsyncClient(base_url=base, timeout=5) as client:
        for _ in range(200):
            try:
                await client.get("/login")
                return
            except httpx.TransportError:
                await asyncio.sleep(0.1)
    sys.exit("the server did not answer")


async def client_loop(
    number: int,
    browser: httpx.AsyncClient,
    script: httpx.AsyncClient,
    table: list[Route],
    ids: int,
    until: float,
    think: float,
) -> None:
    rng = random.Random(number)
    turn = number
    if think:  # people do not all click at the same instant: the first click comes within ``think`` s
        await asyncio.sleep(rng.uniform(0, think))
    while time.monotonic() < until:
        route = table[turn % len(table)]
        turn += 1
        path = route.path.replace("{id}", str(rng.randint(1, ids)))
        t0 = time.perf_counter()
        try:
            response = await (script if route.api else browser).get(path)
            await response.aread()
            kind = None if response.status_code == 200 else f"HTTP {response.status_code}"
        except httpx.HTTPError as exc:
            kind = type(exc).__name__
        elapsed = time.perf_counter() - t0
        if kind is None:
            route.seconds.append(elapsed)
        else:
            route.errors[kind] = route.errors.get(kind, 0) + 1
        if think:  # a person reads the page before the next click (0: back to back)
            await asyncio.sleep(rng.uniform(0.5, 1.5) * think)


async def alone(base: str, cookies: httpx.Cookies, token: str, table: list[Route], ids: int, n: int) -> None:
    """Each route ``n`` times by one client, nothing else running: the work itself, without queueing."""
    rng = random.Random(0)
    headers = {"Authorization": f"Bearer {token}"}
    async with (
        httpx.AsyncClient(base_url=base, timeout=120, cookies=cookies) as browser,
        httpx.AsyncClient(base_url=base, timeout=120, headers=headers) as script,
    ):
        said = []
        for route in table:
            took = []
            for _ in range(n):
                path = route.path.replace("{id}", str(rng.randint(1, ids)))
                t0 = time.perf_counter()
                answer = await (script if route.api else browser).get(path)
                took.append((time.perf_counter() - t0) * 1000)
                if answer.status_code != 200:
                    said.append(f"{route.name}: HTTP {answer.status_code}")
            said.append(f"{route.name} {statistics.median(took):.0f} ms")
    print(f"one client alone, median of {n}: " + "; ".join(said))


async def run_load(
    base: str,
    link: str,
    token: str,
    clients: int,
    seconds: float,
    ids: int,
    chart: str,
    solo: int,
    think: float,
) -> list[Route]:
    await wait_until_up(base)
    async with httpx.AsyncClient(timeout=TIMEOUT_S) as login:
        answer = await login.get(link, follow_redirects=True)
        if answer.status_code != 200 or not login.cookies:
            sys.exit(f"logging in through the link failed: HTTP {answer.status_code}")
        cookies = login.cookies
        if chart == "alone":
            # Alone, before the load: one request, however long it takes (it may take minutes).
            t0 = time.perf_counter()
            svg = await login.get(f"{base}/chart.svg", timeout=CHART_TIMEOUT_S)
            print(
                f"/chart.svg alone: HTTP {svg.status_code}, {len(svg.content):,} bytes in "
                f"{time.perf_counter() - t0:.1f} s (not in the concurrent mix; --chart mix puts it there)"
            )
    table = routes(chart == "mix")
    if solo:
        await alone(base, cookies, token, table, ids, solo)
    # Every client's two connections (a browser's cookie, a script's token) are made before the clock
    # starts, with one TLS context: httpx builds one per client otherwise (~30 ms of CPU each), which held
    # this process's event loop for seconds at the start and counted as the first requests' latency.
    tls = ssl.create_default_context()
    async with contextlib.AsyncExitStack() as stack:
        pairs = []
        for _ in range(clients):
            browser = httpx.AsyncClient(base_url=base, timeout=TIMEOUT_S, verify=tls)
            browser.cookies = cookies
            script = httpx.AsyncClient(
                base_url=base, timeout=TIMEOUT_S, verify=tls, headers={"Authorization": f"Bearer {token}"}
            )
            pairs.append((await stack.enter_async_context(browser), await stack.enter_async_context(script)))
        until = time.monotonic() + seconds
        await asyncio.wait_for(
            asyncio.gather(
                *(client_loop(n, b, s, table, ids, until, think) for n, (b, s) in enumerate(pairs))
            ),
            timeout=seconds + TIMEOUT_S + 30,
        )
    return table


def report(table: list[Route], seconds: float, clients: int, think: float) -> None:
    done = sum(len(r.seconds) for r in table)
    failed = sum(sum(r.errors.values()) for r in table)
    pace = f", each waiting ~{think:g} s between requests" if think else ", back to back"
    print(
        f"{clients} clients for {seconds:.0f} s{pace}: {done:,} answers ({done / seconds:.0f}/s), {failed} errors"
    )
    print(
        f"  {'route':15s} {'requests':>9s} {'p50 ms':>8s} {'p95 ms':>8s} {'p99 ms':>8s} {'max ms':>8s}  errors"
    )
    for r in table:
        if len(r.seconds) >= 2:
            cuts = statistics.quantiles(r.seconds, n=100, method="inclusive")
            p50, p95, p99 = (cuts[i] * 1000 for i in (49, 94, 98))
            figures = f"{p50:8.0f} {p95:8.0f} {p99:8.0f} {max(r.seconds) * 1000:8.0f}"
        else:
            figures = f"{'-':>8s} {'-':>8s} {'-':>8s} {'-':>8s}"
        errors = ", ".join(f"{k} x{v}" for k, v in sorted(r.errors.items())) or "0"
        print(f"  {r.name:15s} {len(r.seconds) + sum(r.errors.values()):9d} {figures}  {errors}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--scale", type=float, default=1.0, help="of 30,000 people and 1,000,000 interactions"
    )
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--db", help="a SQLite file (default: one per size in the temporary folder, reused)")
    parser.add_argument("--rebuild", action="store_true", help="build the store again")
    parser.add_argument(
        "--think", type=float, default=0.0, help="seconds each client waits between requests, on average"
    )
    parser.add_argument(
        "--solo", type=int, default=3, help="first, each route this many times with one client (0: not)"
    )
    parser.add_argument(
        "--chart",
        choices=("alone", "mix", "skip"),
        default="alone",
        help="/chart.svg: timed once before the load (default), requested in the mix, or not at all",
    )
    args = parser.parse_args()
    n_people = max(100, round(30_000 * args.scale))
    n_events = max(1_000, round(1_000_000 * args.scale))
    db = args.db or str(Path(tempfile.gettempdir()) / f"tieline-web-load-{n_people}-{n_events}.db")
    token, ids = prepare(db, n_people, n_events, args.rebuild)
    port = free_port()
    server, link, said = start_server(db, port)
    try:
        print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; server pid {server.pid}")
        table = asyncio.run(
            run_load(
                f"http://127.0.0.1:{port}",
                link,
                token,
                args.clients,
                args.seconds,
                ids,
                args.chart,
                args.solo,
                args.think,
            )
        )
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
    report(table, args.seconds, args.clients, args.think)
    problems = [line.rstrip() for line in said[3:] if line.strip()]
    if problems:
        print(f"the server wrote {len(problems)} lines besides its link; the last ones:")
        print("\n".join("  " + line for line in problems[-15:]))
    print(f"load average {os.getloadavg()[0]:.1f} after the run")


if __name__ == "__main__":
    main()
