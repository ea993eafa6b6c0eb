"""A lifetime of data, then every read command timed: import time, database size against the exports,
and each read's own work (beyond process start-up), cold and warm, on SQLite and PostgreSQL.

    python bench/lifetime.py [--scale 1.0] [--backend sqlite|postgresql|both] [--runs 5]
                             [--pg postgresql+psycopg://postgres@127.0.0.1:5432/test] [--work DIR]
    python bench/lifetime.py --reads-only DB [--runs 5]     # the reads again, on a database built before

At ``--scale 1`` the lifetime is 30,000 LinkedIn connections, a 1,000,000-message mbox, a
2,000,000-message Telegram group chat of 50 and a 100,000-message one-to-one Telegram chat (about 8 GB
of exports; generating and importing it takes hours on a small machine). ``--scale 0.05`` is a quick
run of the same shape. Exports are generated once per scale under ``--work`` and reused.

A read's "work" is timed inside a fresh process from just before the command runs to just after
(opening the store, the queries, printing), so the interpreter's and Typer's start-up are left out;
"cold" is the first run after the imports, "warm" the median of the next ``--runs``.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import gen_contacts  # noqa: E402

OWNER = (1, "Owner Person")
START = 1_262_304_000  # 2010-01-01
GROUP_MEMBERS = 50  # the owner included
PARTNER = (7_000_000, "Pat Partner")
WORDS = [
    "ok",
    "see",
    "you",
    "tomorrow",
    "lunch",
    "meeting",
    "call",
    "me",
    "when",
    "free",
    "thanks",
    "did",
    "you",
    "read",
    "the",
    "paper",
    "build",
    "is",
    "green",
]

# Runs one command in a fresh process: first the imports any read command needs (that is start-up,
# timed apart; PostgreSQL's driver included, ~0.1 s of CPU that is no read's own work), then the
# command itself, timed from just before it runs to just after.
RUNNER = """
import importlib, sys, time
started = time.perf_counter()
import typer
from tieline.cli.app import app
for name in ("sqlalchemy", "numpy", "rich.table", "typer._adapters", "tieline.services.people",
             "tieline.services.roster", "tieline.services.strength", "tieline.services.model",
             "tieline.services.logbook", "tieline.store.db", "tieline.insight.health", "tieline.insight.due",
             "tieline.insight.who", "psycopg", "sqlalchemy.dialects.postgresql.psycopg"):
    try:
        importlib.import_module(name)
    except ImportError:
        pass
command = typer.main.get_command(app)
imported, cpu = time.perf_counter(), time.process_time()
try:
    command.main(sys.argv[1:], standalone_mode=False)
finally:
    done, cpu = time.perf_counter(), time.process_time() - cpu
    sys.stderr.write(f"WORK {done - imported:.6f} {imported - started:.6f} {cpu:.6f}\\n")
"""


def _telegram(path: Path, chat: dict[str, Any], members: list[tuple[int, str]], n: int, seed: int) -> None:
    """A full-account Telegram export holding one chat of ``n`` messages, written as it streams."""
    rng = random.Random(seed)
    head = {
        "about": "Here is the data you requested.",
        "personal_information": {"user_id": OWNER[0], "first_name": "Owner", "last_name": "Person"},
    }
    with path.open("w", encoding="utf-8") as out:
        out.write(json.dumps(head)[:-1] + ', "chats": {"about": "chats", "list": [')
        out.write(json.dumps(chat)[:-1] + ', "messages": [\n')
        when = START
        weights = [1.0 / (i + 1) ** 0.7 for i in range(len(members))]
        for msg_id in range(1, n + 1):
            when += rng.randint(1, 2 * 86400 * 5000 // max(n, 1) + 1)
            sender = rng.choices(members, weights)[0]
            text = " ".join(rng.choice(WORDS) for _ in range(rng.randint(2, 12)))
            stamp = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(when))
            msg = {
                "id": msg_id,
                "type": "message",
                "date": stamp,
                "date_unixtime": str(when),
                "from": sender[1],
                "from_id": f"user{sender[0]}",
                "text": text,
                "text_entities": [{"type": "plain", "text": text}],
            }
            out.write(("," if msg_id > 1 else "") + json.dumps(msg, ensure_ascii=False) + "\n")
        out.write("]}]}}\n")


def generate(work: Path, scale: float) -> dict[str, Path]:
    work.mkdir(parents=True, exist_ok=True)
    files = {
        "contacts": work / "Connections.csv",
        "mail": work / "mail.mbox",
        "group": work / "group" / "result.json",
        "one_to_one": work / "one_to_one" / "result.json",
    }
    n = {
        "contacts": max(300, int(30_000 * scale)),
        "mail": max(1_000, int(1_000_000 * scale)),
        "group": max(2_000, int(2_000_000 * scale)),
        "one_to_one": max(1_000, int(100_000 * scale)),
    }
    for key, path in files.items():
        if path.exists():
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        started = time.perf_counter()
        if key == "contacts":
            gen_contacts.write_connections(path, gen_contacts.people(n[key]))
        elif key == "mail":
            subprocess.run(
                [sys.executable, str(HERE / "gen_mbox.py"), str(path), str(n[key]), "--people", "3000"],
                check=True,
                capture_output=True,
            )
        elif key == "group":
            members = [OWNER] + [(2_000_000 + i, f"Member{i:02d} Groupson") for i in range(GROUP_MEMBERS - 1)]
            chat = {"name": "The Big Group", "type": "private_supergroup", "id": 5_000_000}
            _telegram(path, chat, members, n[key], seed=3)
        else:
            chat = {"name": PARTNER[1], "type": "personal_chat", "id": PARTNER[0]}
            _telegram(path, chat, [OWNER, PARTNER], n[key], seed=5)
        print(
            f"generated {key}: {n[key]:,} in {time.perf_counter() - started:.0f} s, {_mb(path)}", flush=True
        )
    return files


def _mb(path: Path) -> str:
    return f"{path.stat().st_size / 1e6:,.1f} MB"


def _tieline(db: str, *args: str, timeout: int = 7200) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, COLUMNS="200")
    return subprocess.run(
        [sys.executable, "-m", "tieline", "--db", db, *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=timeout,
        check=False,
    )


def _work(db: str, *args: str) -> tuple[float, float, float]:
    """(the command's own seconds, the start-up's seconds, the command's CPU seconds), fresh process."""
    proc = subprocess.run(
        [sys.executable, "-c", RUNNER, "--db", db, *args],
        capture_output=True,
        text=True,
        env=dict(os.environ, COLUMNS="200"),
        timeout=3600,
        check=False,
    )
    lines = [x for x in proc.stderr.splitlines() if x.startswith("WORK ")]
    if proc.returncode != 0 or not lines:
        raise SystemExit(f"{' '.join(args)} failed: {proc.stderr.strip()[-500:]}")
    _, work, startup, cpu = lines[-1].split()
    return float(work), float(startup), float(cpu)


def _size(db: str) -> int:
    from sqlalchemy import create_engine, text

    if db.startswith("sqlite"):
        engine = create_engine(db)
        with engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        engine.dispose()
        return Path(db.split("///", 1)[1]).stat().st_size
    engine = create_engine(db)
    with engine.connect() as conn:
        total = conn.execute(
            text(
                "SELECT COALESCE(SUM(pg_total_relation_size(c.oid)), 0) FROM pg_class c "
                "JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'm')"
            )
        ).scalar_one()
    engine.dispose()
    return int(total)


def _database(backend: str, work: Path, pg: str) -> tuple[str, Any]:
    if backend == "sqlite":
        path = work / "lifetime.db"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return f"sqlite:///{path}", None
    from sqlalchemy import create_engine, text

    schema = f"lifetime_{uuid.uuid4().hex[:8]}"
    admin = create_engine(pg)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in pg else "?"
    return f"{pg}{sep}options=-csearch_path%3D{schema}", (admin, schema)


def _drop(handle: Any) -> None:
    if handle is None:
        return
    from sqlalchemy import text

    admin, schema = handle
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


def reads(commands: set[str]) -> list[tuple[str, list[str]]]:
    out = [
        ("people list --limit 20", ["people", "list", "--limit", "20"]),
        ("people list --sort strength --limit 20", ["people", "list", "--sort", "strength", "--limit", "20"]),
        ("people list --sort last --limit 20", ["people", "list", "--sort", "last", "--limit", "20"]),
        (
            "people list --query lovelace --limit 20",
            ["people", "list", "--query", "lovelace", "--limit", "20"],
        ),
        ("people list --layer support", ["people", "list", "--layer", "support"]),
        ("people show (group member)", ["people", "show", "Member01 Groupson"]),
        ("people show (one-to-one)", ["people", "show", PARTNER[1]]),
        ("model explain (group member)", ["model", "explain", "Member01 Groupson"]),
        ("model explain (one-to-one)", ["model", "explain", PARTNER[1]]),
    ]
    if "health" in commands:
        out.append(("health", ["health"]))
    if "due" in commands:
        out.append(("due", ["due"]))
    if "who" in commands:
        out.append(("who compiler", ["who", "compiler"]))
    return out


def run_backend(
    backend: str, files: dict[str, Path], work: Path, pg: str, runs: int, keep_db: bool = False
) -> dict[str, Any]:
    db, handle = _database(backend, work, pg)
    result: dict[str, Any] = {"backend": backend, "imports": {}, "reads": {}}
    try:
        _imports(db, files, result, backend)
        if keep_db:
            print(f"[{backend}] kept for --reads-only: {db}", flush=True)
        time_reads(db, result, backend, runs)
    finally:
        if not keep_db:
            _drop(handle)
    return result


def _imports(db: str, files: dict[str, Path], result: dict[str, Any], backend: str) -> None:
    _tieline(db, "me", "add", "owner@example.com")
    _tieline(db, "me", "add", f"telegram:user{OWNER[0]}")
    sizes = [_size(db)]
    for key in ("contacts", "mail", "group", "one_to_one"):
        started = time.perf_counter()
        proc = _tieline(db, "import", str(files[key]), "--json")
        took = time.perf_counter() - started
        if proc.returncode != 0:
            raise SystemExit(f"import {key} failed: {proc.stderr.strip()[-500:]}")
        sizes.append(_size(db))
        result["imports"][key] = {
            "seconds": round(took, 1),
            "export_bytes": files[key].stat().st_size,
            "db_growth_bytes": sizes[-1] - sizes[-2],
        }
        print(
            f"[{backend}] import {key}: {took:.1f} s, database +{(sizes[-1] - sizes[-2]) / 1e6:,.1f} MB",
            flush=True,
        )
    started = time.perf_counter()
    _tieline(db, "model", "rescore")
    result["rescore_seconds"] = round(time.perf_counter() - started, 1)
    result["db_bytes"] = sizes[-1]


def time_reads(db: str, result: dict[str, Any], backend: str, runs: int) -> None:
    """Each read command: cold (the first run) and warm (the median of the next ``runs``)."""
    helptext = _tieline(db, "--help").stdout
    commands = {c for c in ("health", "due", "who") if f" {c} " in helptext}
    for label, args in reads(commands):
        cold, _, _ = _work(db, *args)
        timed = [_work(db, *args) for _ in range(runs)]
        warm = statistics.median(w for w, _, _ in timed)
        startup = statistics.median(s for _, s, _ in timed)
        cpu = statistics.median(c for _, _, c in timed)
        result["reads"][label] = {
            "cold_ms": round(cold * 1000, 1),
            "warm_ms": round(warm * 1000, 1),
            "warm_cpu_ms": round(cpu * 1000, 1),
            "startup_ms": round(startup * 1000, 1),
        }
        print(
            f"[{backend}] {label}: cold {cold * 1000:.0f} ms, warm {warm * 1000:.0f} ms "
            f"(CPU {cpu * 1000:.0f} ms; start-up with every import {startup * 1000:.0f} ms)",
            flush=True,
        )


def version_seconds(runs: int = 10) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "tieline", "--version"], capture_output=True, check=True)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument(
        "--pg", default=os.environ.get("TIELINE_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
    )
    parser.add_argument("--work", type=Path, default=None)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--keep", action="store_true", help="Keep the generated exports.")
    parser.add_argument(
        "--keep-db",
        action="store_true",
        help="Keep the PostgreSQL schema too (its URL is printed) for later --reads-only runs.",
    )
    parser.add_argument(
        "--reads-only",
        metavar="DB",
        help="Time only the read commands on a database a previous run built (e.g. WORK/lifetime.db).",
    )
    args = parser.parse_args()
    if args.reads_only:
        db = args.reads_only if "://" in args.reads_only else f"sqlite:///{Path(args.reads_only).resolve()}"
        result: dict[str, Any] = {"backend": db.split(":", 1)[0], "reads": {}}
        time_reads(db, result, result["backend"], args.runs)
        print(json.dumps(result, indent=2))
        return
    work = args.work or Path(f"/tmp/tieline-lifetime-{args.scale:g}")
    files = generate(work, args.scale)
    report: dict[str, Any] = {
        "scale": args.scale,
        "version_seconds": round(version_seconds(), 3),
        "backends": [],
    }
    print(f"tieline --version: {report['version_seconds'] * 1000:.0f} ms (median of 10)", flush=True)
    for backend in ("sqlite", "postgresql") if args.backend == "both" else (args.backend,):
        report["backends"].append(run_backend(backend, files, work, args.pg, args.runs, args.keep_db))
    exports = sum(p.stat().st_size for p in files.values())
    for b in report["backends"]:
        group = b["imports"]["group"]
        print(
            f"[{b['backend']}] database {b['db_bytes'] / 1e6:,.1f} MB for {exports / 1e6:,.1f} MB of exports "
            f"({b['db_bytes'] / exports:.2f}x); the group chat {group['db_growth_bytes'] / 1e6:,.1f} MB for its "
            f"{group['export_bytes'] / 1e6:,.1f} MB export ({group['db_growth_bytes'] / group['export_bytes']:.2f}x); "
            f"model rescore {b['rescore_seconds']} s"
        )
    (work / "report.json").write_text(json.dumps(report, indent=2))
    print(f"report: {work / 'report.json'}")
    if not args.keep and args.scale >= 1:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
