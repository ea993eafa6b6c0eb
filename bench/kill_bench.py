"""SIGKILL at random moments of imports, undos, merges and migrations, on SQLite (and PostgreSQL if up).

    python bench/kill_bench.py [ROUNDS]

Each round picks an operation and a moment, kills the process, then checks the database is intact,
that running the import again finishes it, and that nothing is lost or stored twice. Prints kills
tried / survived / lost / duplicated.
"""

from __future__ import annotations

import random
import sys
import tempfile
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import create_engine, text  # noqa: E402
from tests.integrity import killing  # noqa: E402

PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def backends() -> list[str]:
    found = ["sqlite"]
    try:
        engine = create_engine(PG, connect_args={"connect_timeout": 3})
        with engine.connect():
            pass
        engine.dispose()
        found.append("postgresql")
    except Exception:  # noqa: BLE001 - PostgreSQL is optional here
        pass
    return found


def fresh(backend: str, folder: Path) -> tuple[str, str | None]:
    if backend == "sqlite":
        return f"sqlite:///{folder / f'{uuid.uuid4().hex}.db'}", None
    schema = f"k_{uuid.uuid4().hex[:12]}"
    with create_engine(PG).begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    return f"{PG}?options=-csearch_path%3D{schema}", schema


def main() -> None:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 40
    rng = random.Random()
    tried = survived = lost = duplicated = 0
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        box = killing.mailbox(folder / "k.mbox")
        for n in range(rounds):
            backend = backends()[n % len(backends())]
            what = rng.choice(["import", "import", "undo", "merge", "migration"])
            url, schema = fresh(backend, folder)
            if what == "import":
                outcome = killing.kill_import(url, box, rng)
            elif what == "undo":
                outcome = killing.kill_undo(url, box, rng)
            elif what == "merge":
                outcome = killing.kill_merge(url, box, rng)
            else:
                outcome = killing.kill_migration(url, rng)
            tried += 1
            survived += outcome.survived and not outcome.lost and not outcome.duplicated
            lost += outcome.lost
            duplicated += outcome.duplicated
            print(f"{n + 1:3} {backend:10} {what:9} {outcome}", flush=True)
            if schema is not None:
                with create_engine(PG).begin() as conn:
                    conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    print(f"kills tried {tried}, survived {survived}, interactions lost {lost}, duplicated {duplicated}")


if __name__ == "__main__":
    main()
