"""A newcomer's first hour: the README's first screen, the demo and its hint, `make bench`, `model explain`."""

from __future__ import annotations

import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
import typer

from tests.cli import tieline
from tieline.cli.app import app
from tieline.demo import network
from tieline.errors import TielineError

ROOT = Path(__file__).resolve().parents[2]


def test_the_readme_first_screen_goes_from_clone_to_your_own_linkedin_export() -> None:
    readme = (ROOT / "README.md").read_text()
    start = readme[readme.index("## Start here") : readme.index("## Everyday use")]
    first = start[: start.index("```", start.index("```") + 3)]
    for step in (
        "make demo",
        ". .venv/bin/activate",
        "pipx install .",
        "tieline me add you@example.com",
        "tieline import ~/Downloads/Basic_LinkedInDataExport_*.zip",
    ):
        assert step in first, step
    assert "Get a copy of your data" in start and ".venv/bin/tieline" in start
    commands = set(typer.main.get_command(app).commands)  # type: ignore[attr-defined]
    used = re.findall(r"^tieline (\w+)", first, re.M)
    assert used and set(used) <= commands
    assert "make bench" in start and (ROOT / "bench" / "run_all.py").exists()
    assert "PostgreSQL database" in readme and "CREATE SCHEMA tieline" in readme


def test_the_demo_uses_the_database_given_and_its_hint_reproduces_what_it_showed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setenv("COLUMNS", "200")
    db = str(tmp_path / "mine.db")
    run = tieline(db, "demo")
    assert run.code == 0
    hint = f"Explore it: tieline --db {db} people list --sort strength --as-of 2026-10-01"
    assert hint in run.out.splitlines()
    listed = tieline(db, "people", "list", "--sort", "strength", "--as-of", "2026-10-01", "--json").json()
    states = Counter(p["state"] for p in listed)
    shown = next(line for line in run.out.splitlines() if line.startswith("States: "))
    assert shown == "States: " + ", ".join(f"{s} {n}" for s, n in states.most_common())
    # The ties a real network has, and answers to learn from.
    assert {"strong", "stable", "fading", "dormant", "new", "unknown"} <= set(states)
    answered = [tieline(db, "people", "show", email, "--json").json() for email, _ in network.answers()]
    assert [p["would_take_call"] for p in answered] == [yes for _, yes in network.answers()]
    assert len(answered) >= 20 and any(p["would_take_call"] is False for p in answered)
    with pytest.raises(TielineError, match="the demo needs an empty database, and .* holds 3.. people"):
        tieline(db, "demo")


def test_make_bench_runs_every_bench_at_a_small_size(tmp_path: Path) -> None:
    assert "bench/run_all.py" in (ROOT / "Makefile").read_text()
    proc = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "run_all.py"), "--only", "gen_"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert "== gen_contacts: ok in" in proc.stdout and "== gen_mbox: ok in" in proc.stdout
    assert proc.stdout.rstrip().endswith("all benches ran")


def _ada(tmp_path: Path, logs: int) -> str:
    db = str(tmp_path / "x.db")
    tieline(db, "people", "add", "Ada Lovelace")
    for week in range(logs):
        tieline(
            db, "log", "ada", "coffee", "--when", f"2024-{1 + week // 4:02d}-{1 + 7 * (week % 4):02d}T12:00"
        )
    return db


def test_model_explain_gives_one_verdict_and_reasons_in_words(tmp_path: Path) -> None:
    db = _ada(tmp_path, 20)
    out = tieline(db, "model", "explain", "ada", "--as-of", "2024-06-01").out
    lines = out.splitlines()
    assert re.match(
        r"Ada Lovelace (would very likely|would likely|might|would probably not|would very likely not) "
        r"take your call \(\d+%\), as of 2024-06-01: \w+ layer, \w+\.",
        " ".join(" ".join(lines[:2]).split()),
    )
    assert out.count("take your call") == 1 and out.count("%") == 1
    assert "Why:" in out and "raises it" in out
    assert not re.search(r"[+-]\d\.\d\d|terms add up|logit|strength \d", out)  # numbers only with --details
    assert out.rstrip().endswith("The numbers behind it: --details.")
    details = tieline(db, "model", "explain", "ada", "--as-of", "2024-06-01", "--details").out
    assert "the numbers" in details and re.search(r"│ attention +│ \+\d\.\d\d", details)
    assert "Each term adds to or takes from one total" in " ".join(details.split())


def test_model_explain_words_one_interaction_on_the_same_day(tmp_path: Path) -> None:
    db = _ada(tmp_path, 1)
    out = " ".join(tieline(db, "model", "explain", "ada", "--as-of", "2024-01-01T18:00").out.split())
    assert "1 interaction," in out and "1 interactions" not in out
    assert "last contact today)" in out and "today ago" not in out
    assert "+0.00" not in out and "-0.00" not in out
