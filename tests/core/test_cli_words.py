"""What the terminal says: help that helps, input refused with a reason, a timeline that says what it hides."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import typer

from tests.cli import tieline, tieline_process
from tieline.cli import people as people_cli
from tieline.cli.app import app
from tieline.cli.common import short_path
from tieline.errors import TielineError
from tieline.services import people as people_service
from tieline.sources import registry

FIXTURES = Path(__file__).parent.parent / "fixtures"


def _flat(text: str) -> str:
    """Help text without the panel borders and line breaks Rich adds at 80 columns."""
    return " ".join(text.replace("│", " ").split())


def _paths(cmd: Any, path: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    return [path] + [
        p for name, sub in getattr(cmd, "commands", {}).items() for p in _paths(sub, (*path, name))
    ]


def test_no_help_page_shows_a_type_beside_a_flag(tmp_path: Path) -> None:
    pages = {
        p: tieline(str(tmp_path / "x.db"), *p, "--help").out for p in _paths(typer.main.get_command(app))
    }
    assert [p for p, out in pages.items() if "<bool>" in out] == []
    assert "--verbose -v Log what happens." in _flat(pages[()])


def test_a_flag_given_true_says_flags_take_no_value(tmp_path: Path) -> None:
    run = tieline_process(str(tmp_path / "x.db"), "--verbose", "true", "people", "list")
    assert (run.code, run.err) == (
        2,
        "error: --verbose is a flag and takes no value: write --verbose alone\n",
    )


def test_import_help_lists_every_format_it_reads(tmp_path: Path) -> None:
    shown = _flat(tieline(str(tmp_path / "x.db"), "import", "--help").out)
    assert "What it reads (found by looking at each file; --source forces one):" in shown
    names = {r.NAME for r in registry.readers()}
    assert len(names) >= 18 and [n for n in sorted(names) if n not in shown] == []


def test_relationship_help_lists_the_closed_list(tmp_path: Path) -> None:
    assert people_cli.RELATIONSHIPS == people_service.RELATIONSHIPS
    for command in ("add", "edit"):
        shown = _flat(tieline(str(tmp_path / "x.db"), "people", command, "--help").out)
        assert "--relationship TEXT One of: family, partner, friend, colleague, mentor, acquaintance." in (
            shown.replace("<str>", "TEXT")
        )


def test_future_dates_empty_logs_and_empty_edits_are_refused(tmp_path: Path) -> None:
    db = str(tmp_path / "x.db")
    tieline(db, "people", "add", "Ada Lovelace")
    run = tieline_process(db, "log", "ada", "lunch", "--when", "2030-01-01")
    assert (run.code, run.err) == (
        1,
        "error: 2030-01-01 is in the future: log what has happened (to plan a contact, "
        "`tieline people edit P --every 30d`)\n",
    )
    with pytest.raises(TielineError, match="^say what happened, e.g. tieline log ada"):
        tieline(db, "log", "ada", "  ")
    with pytest.raises(TielineError, match="^nothing to change: give what to change, e.g. --closeness 4"):
        tieline(db, "people", "edit", "ada")
    with pytest.raises(TielineError, match="^a person needs a name: --name cannot be empty$"):
        tieline(db, "people", "edit", "ada", "--name", " ")
    with pytest.raises(TielineError, match="^the note is empty"):
        tieline(db, "people", "edit", "ada", "--note", "")
    shown = tieline(db, "people", "show", "ada", "--json").json()
    assert (shown["name"], shown["interactions"], shown["notes"]) == ("Ada Lovelace", [], [])


def test_people_show_says_how_many_it_hides_and_shows_call_lengths(tmp_path: Path) -> None:
    db = str(tmp_path / "x.db")
    rows = ["ego,alter,timestamp,channel,initiator,duration_s"] + [
        f"ada,+44 7700 900123,2024-03-{1 + i % 28:02d}T{10 + i // 28:02d}:00:00,call,{'ego' if i % 2 else 'alter'},754"
        for i in range(60)
    ]
    (tmp_path / "calls.csv").write_text("\n".join(rows) + "\n")
    assert tieline(db, "import", str(tmp_path / "calls.csv")).code == 0
    out = tieline(db, "people", "show", "+447700900123").out
    assert "showing 50 of 60 interactions (--all)" in out
    assert (
        any("when" in line and "duration" in line for line in out.splitlines()) and "│ 12 min 34 s │" in out
    )
    every = tieline(db, "people", "show", "+447700900123", "--all").out
    assert "60 interactions" in every and "showing" not in every


def test_connected_on_is_a_date(tmp_path: Path) -> None:
    db = str(tmp_path / "x.db")
    tieline(db, "import", str(FIXTURES / "linkedin" / "Connections_2018.csv"))
    assert "\n  connected on: 2018-01-08\n" in tieline(db, "people", "show", "Barbara").out


def test_imports_list_keeps_the_file_name_at_80_columns(tmp_path: Path) -> None:
    folder = tmp_path / "home" / "ana" / "Downloads" / "some exports folder"
    folder.mkdir(parents=True)
    card = folder / "Basic_LinkedIn_contacts_2026.vcf"
    card.write_text("BEGIN:VCARD\nVERSION:3.0\nFN:Ann Bee\nEMAIL:ann@example.com\nEND:VCARD\n")
    db = str(tmp_path / "x.db")
    tieline(db, "import", str(card))
    out = tieline(db, "imports", "list").out
    assert max(len(line) for line in out.splitlines()) <= 80
    paths_column = "".join(
        line[line.index("…/") if "…/" in line else 65 :].strip() for line in out.splitlines()[3:]
    )
    assert "Basic_LinkedIn_contacts_2026.vcf" in paths_column
    assert short_path("/home/ana/Downloads/exports/contacts.vcf", 24) == "…/exports/contacts.vcf"
    assert short_path("/a/" + "x" * 50 + ".vcf", 20) == "…/" + "x" * 50 + ".vcf"
