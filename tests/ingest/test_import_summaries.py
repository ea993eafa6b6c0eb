"""Import summaries that tell the truth: errors apart from skips, no empty batches, exit codes that mean it."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

from tests.cli import tieline, tieline_process
from tieline.store import tables as t
from tieline.store.db import Store

FIXTURES = Path(__file__).parent.parent / "fixtures"
CONNECTIONS = FIXTURES / "linkedin" / "Connections_2018.csv"


def _batches(db: str) -> int:
    store = Store(db)
    with store.read() as conn:
        n = int(conn.execute(select(func.count()).select_from(t.batches)).scalar_one())
    store.dispose()
    return n


def test_a_forced_reader_on_the_wrong_file_says_error_and_writes_no_batch(
    db_url: str, tmp_path: Path
) -> None:
    readme = tmp_path / "readme.md"
    readme.write_text("# notes\n")
    for source in ("vcard", "mbox", "linkedin"):
        run = tieline(db_url, "import", "--source", source, str(readme))
        assert run.code == 1 and run.out == ""
        assert run.err.startswith(f"error: {readme}")
        assert run.err.endswith("Nothing was imported and nothing was written (no batch recorded).\n")
        data = tieline(db_url, "import", "--source", source, str(readme), "--json")
        assert data.code == 1
        summary = data.json()
        assert (summary["batch"], summary["failed_files"], summary["errors"][0]["file"]) == (
            None,
            1,
            str(readme),
        )
    assert _batches(db_url) == 0
    assert "done" not in tieline(db_url, "imports", "list").out


def test_nothing_readable_at_all_still_prints_the_json_summary(tmp_path: Path) -> None:
    db = str(tmp_path / "x.db")
    run = tieline(db, "import", str(tmp_path / "missing.vcf"), "--json")
    assert run.code == 1
    assert run.json()["errors"] == [
        {"file": str(tmp_path / "missing.vcf"), "record": None, "reason": "no such file or folder"}
    ]
    assert run.json()["batch"] is None


def test_an_unchanged_reimport_says_nothing_new_and_records_no_batch(tmp_path: Path) -> None:
    db = str(tmp_path / "x.db")
    assert tieline(db, "import", str(CONNECTIONS)).code == 0
    again = tieline(db, "import", str(CONNECTIONS))
    assert (again.code, again.out) == (
        0,
        "Nothing new: every record is already stored (3 unchanged); no batch recorded.\n",
    )
    assert _batches(db) == 1
    assert tieline(db, "import", str(CONNECTIONS), "--json").json()["batch"] is None


def test_skips_are_listed_apart_from_errors_with_reasons_counts_and_the_rest(tmp_path: Path) -> None:
    db = str(tmp_path / "x.db")
    events = "".join(
        f"BEGIN:VEVENT\r\nUID:h{i}@x\r\nDTSTAMP:20240101T000000Z\r\nDTSTART;VALUE=DATE:202401{i + 1:02d}\r\n"
        f"SUMMARY:Holiday {i}\r\nEND:VEVENT\r\n"
        for i in range(14)
    )
    meeting = (
        "BEGIN:VEVENT\r\nUID:m@x\r\nDTSTAMP:20240101T000000Z\r\nDTSTART:20240301T100000Z\r\n"
        "SUMMARY:Lunch\r\nORGANIZER:mailto:me@example.com\r\n"
        "ATTENDEE;PARTSTAT=ACCEPTED:mailto:ada@example.com\r\nEND:VEVENT\r\n"
    )
    cal = tmp_path / "holidays.ics"
    cal.write_text(
        f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//x//y//EN\r\n{events}{meeting}END:VCALENDAR\r\n"
    )
    tieline(db, "me", "add", "me@example.com")
    data = tieline(db, "import", str(cal), "--json").json()
    assert data["errors"] == [] and data["skipped"] == 14 and data["skip_reasons"] == {"no attendees": 14}
    assert len(data["skipped_records"]) == 14 and data["skipped_records"][0]["reason"] == "no attendees"
    tieline(db, "imports", "undo", str(data["batch"]))
    out = tieline(db, "import", str(cal)).out
    assert "  skipped 14: no attendees\n" in out
    assert (
        out.count(", record line ") == 10 and "    … and 4 more skipped (--show-skipped lists them)\n" in out
    )
    tieline(db, "imports", "undo", str(data["batch"] + 1))
    every = tieline(db, "import", str(cal), "--show-skipped").out
    assert every.count(", record line ") == 14 and "more skipped" not in every


def test_a_calendar_of_to_dos_says_what_it_found_and_exits_non_zero(tmp_path: Path) -> None:
    todo = tmp_path / "todo.ics"
    todo.write_text(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//x//y//EN\r\nBEGIN:VTODO\r\nUID:t1@x\r\n"
        "DTSTAMP:20240101T000000Z\r\nSUMMARY:Buy milk\r\nEND:VTODO\r\nEND:VCALENDAR\r\n"
    )
    run = tieline_process(str(tmp_path / "x.db"), "import", str(todo))
    assert run.code == 1
    assert "  skipped 1: a to-do, not an event: only meetings count\n" in run.out
    assert run.err == "Nothing was imported: every record was skipped, for the reasons above.\n"
    assert _batches(str(tmp_path / "x.db")) == 0


def test_a_folder_import_lists_the_files_it_passed_over(tmp_path: Path) -> None:
    folder = tmp_path / "export"
    folder.mkdir()
    (folder / "ada.vcf").write_text(
        "BEGIN:VCARD\nVERSION:3.0\nFN:Ada Lovelace\nEMAIL:ada@example.com\nEND:VCARD\n"
    )
    for i in range(7):
        (folder / f"notes{i}.txt").write_text("hello\n")
    db = str(tmp_path / "x.db")
    run = tieline(db, "import", str(folder))
    assert run.code == 0
    line = " ".join(run.out[run.out.index("passed over") :].split())
    assert line.startswith("passed over 7 file(s) tieline cannot read: ")
    assert "export/notes0.txt (no reader claims it)" in line
    assert line.endswith("and 2 more")
    passed = tieline(db, "import", str(folder), "--json").json()["passed_over"]
    assert len(passed) == 7 and passed[0] == {"file": f"{folder}/notes0.txt", "reason": "no reader claims it"}
