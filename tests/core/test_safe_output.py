"""Whatever comes from data or the user is printed as the text it is: no markup, no terminal control."""

from __future__ import annotations

import time
from pathlib import Path

from tests.cli import tieline, tieline_process
from tieline.cli.common import safe
from tieline.store.db import Store

ESCAPES = "Esc \x1b[2J\x1b]0;pwned\x07"


def test_safe_escapes_markup_and_shows_control_characters() -> None:
    assert safe("[/] Zed") == "\\[/] Zed"
    assert safe("test_[mmddyy]_24hrs.txt") == "test_\\[mmddyy]_24hrs.txt"
    assert safe(ESCAPES) == "Esc \\x1b[2J\\x1b]0;pwned\\x07"
    assert safe("a\u202eb\x9bc") == "a\\u202eb\\x9bc"
    assert safe("\udcff\udcfe bad") == "\\xff\\xfe bad"
    assert safe("one\ntwo", lines=True) == "one\ntwo" and safe("one\ntwo") == "one\\x0atwo"
    assert safe("[b]x", markup=False) == "[b]x"


def test_names_with_rich_markup_are_listed_and_shown_as_typed(db_url: str, tmp_path: Path) -> None:
    card = tmp_path / "zed.vcf"
    card.write_text("BEGIN:VCARD\nVERSION:3.0\nFN:[/] Zed\nEMAIL:zed@example.com\nEND:VCARD\n")
    assert tieline(db_url, "import", str(card)).code == 0
    for pid, name in ((2, "[/bold] Eve"), (3, "[link=https://evil.example]click[/link]")):
        run = tieline(db_url, "people", "add", name)
        assert (run.code, run.out) == (0, f"Added {name} as #{pid}.\n")
    listed = tieline(db_url, "people", "list").out
    assert "│ [/] Zed" in listed and "│ [/bold] Eve" in listed and "3 people" in listed
    shown = tieline(db_url, "people", "show", "#3")
    assert shown.out.startswith("[link=https://evil.example]click[/link]  #3\n")
    assert "[/] Zed  #1" in tieline(db_url, "people", "show", "zed@example.com").out


def test_terminal_control_characters_from_data_are_shown_escaped(tmp_path: Path) -> None:
    db = str(tmp_path / "t.db")
    tieline(db, "people", "add", ESCAPES, "--org", "Acme\x1b[31m")
    tieline(db, "people", "edit", "#1", "--note", "line one\nline\x07two")
    outputs = [
        tieline(db, "people", "list").out,
        tieline(db, "people", "show", "#1").out,
        tieline(db, "people", "list", "--json").out,
    ]
    assert all("\x1b" not in out and "\x07" not in out for out in outputs)
    assert "Esc \\x1b[2J\\x1b]0;pwned\\x07  #1" in outputs[1]
    assert "note: line one\nline\\x07two" in outputs[1]
    assert "Acme\\x1b[31m" in outputs[1].replace("\n", "") or "Acme\\x1b[31m" in outputs[0]
    assert tieline(db, "people", "list", "--json").json()[0]["name"] == ESCAPES


def test_paths_with_brackets_print_intact_in_error_lines(tmp_path: Path) -> None:
    folder = tmp_path / "[/red]"
    folder.mkdir(parents=True)  # the folder "[" holding "red]"
    bad = folder / "test_[mmddyy]_24hrs.txt"
    bad.write_text("not an export\n")
    run = tieline_process(str(tmp_path / "t.db"), "import", str(bad))
    assert run.code == 1
    assert run.err.startswith(f"error: {bad}: ") and "Traceback" not in run.err


def test_a_130000_character_name_is_added_listed_and_shown_in_seconds(tmp_path: Path) -> None:
    db = str(tmp_path / "t.db")
    name = "A" * 65_000 + " 1.5 http://x " + "B" * 64_986
    started = time.perf_counter()
    added = tieline(db, "people", "add", name)
    listed = tieline(db, "people", "list")
    shown = tieline(db, "people", "show", "#1")
    elapsed = time.perf_counter() - started
    assert (added.code, listed.code, shown.code) == (0, 0, 0)
    assert "".join(shown.out.split()).startswith("".join(name.split()) + "#1")
    assert elapsed < 10, elapsed  # Rich's highlighter took 349 s on such a name


def test_arguments_that_are_not_utf8_are_refused_in_one_line(tmp_path: Path) -> None:
    run = tieline_process(str(tmp_path / "t.db"), "people", "add", "\udcff\udcfe bad")
    assert (run.code, run.out) == (2, "")
    assert run.err == (
        "error: \\xff\\xfe bad is not valid UTF-8 text; check the terminal's encoding "
        "(names and notes are stored as UTF-8)\n"
    )


def test_impossible_numbers_and_negative_limits_are_refused(tmp_path: Path) -> None:
    db = str(tmp_path / "t.db")
    Store(db).dispose()  # read commands never create a database: these ask an existing, empty one
    run = tieline_process(db, "imports", "undo", "99999999999999999999999")
    assert (run.code, run.err) == (1, "error: no import batch 99999999999999999999999\n")
    run = tieline_process(db, "people", "show", "#99999999999999999999999")
    assert (run.code, run.err) == (1, "error: no person matches '#99999999999999999999999'\n")
    for args in (("people", "list", "--limit", "-1"), ("people", "show", "x", "--limit", "-1")):
        run = tieline(db, *args)
        assert (
            run.code == 2
            and "Invalid value for '--limit': Input should be greater than or equal to 0" in run.err
        )


def test_the_database_option_must_name_a_supported_database(tmp_path: Path) -> None:
    run = tieline_process("", "--db", "", "people", "list")
    assert (run.code, run.out) == (1, "")
    assert run.err.startswith("error: no database named (--db is empty): give a SQLite file")
    run = tieline_process("", "--db", "mysql://ana@localhost/crm", "people", "list")
    assert run.err == (
        "error: mysql databases are not supported: give a SQLite file (a path or sqlite:///path) or "
        "PostgreSQL (postgresql://user@host/database)\n"
    )
