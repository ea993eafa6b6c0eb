"""`tieline export ics`: the due list as reminders with stable UIDs."""

from __future__ import annotations

from pathlib import Path

from icalendar import Calendar

from tests.cli import tieline
from tests.insight.network import build
from tieline.store.db import Store


def _events(path: Path) -> dict[str, str]:
    cal = Calendar.from_ical(path.read_bytes())
    return {str(e["uid"]): str(e["summary"]) for e in cal.walk("VEVENT")}


def test_export_ics_writes_the_due_list_with_stable_uids(db_url: str, tmp_path: Path) -> None:
    store = Store(db_url)
    build(store)
    store.dispose()
    for who in ("ada", "grace", "alan"):  # silent for over a year by now: due only with a cadence set
        assert tieline(db_url, "people", "edit", who, "--every", "30d").code == 0
    due = {r["person_id"]: r for r in tieline(db_url, "due", "--json", "--limit", "50").json()}
    assert len(due) == 3
    out = tmp_path / "due.ics"
    assert tieline(db_url, "export", "ics", str(out)).code == 0
    first = _events(out)
    assert len(first) == len(due)
    assert sorted(first.values()) == sorted(f"Get in touch with {r['name']}" for r in due.values())
    assert tieline(db_url, "export", "ics", str(out)).code == 0
    assert _events(out) == first  # a re-export carries the same UIDs: calendars update, not duplicate
    someone = next(iter(due))
    assert tieline(db_url, "due", "done", f"#{someone}").code == 0
    assert tieline(db_url, "export", "ics", str(out)).code == 0
    assert len(_events(out)) == len(first) - 1


def test_export_ics_into_a_missing_folder_is_one_clear_error(db_url: str, tmp_path: Path) -> None:
    import pytest

    from tieline.errors import TielineError

    Store(db_url).dispose()
    with pytest.raises(TielineError, match="does not exist"):
        tieline(db_url, "export", "ics", str(tmp_path / "nowhere" / "due.ics"))
