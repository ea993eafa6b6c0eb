"""The due list as calendar reminders (iCalendar), for `tieline export ics` and the web app's feed.

Each person gets one all-day event with a stable UID (account and person), so importing or subscribing
again updates the reminder instead of adding a second one; its date is the day of the export.
"""

from __future__ import annotations

import os
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

from tieline.errors import TielineError
from tieline.insight.due import due
from tieline.store.db import Store

PRODID = "-//tieline//due reminders//EN"


def uid(account_id: int, person_id: int) -> str:
    return f"due-{account_id}-{person_id}@tieline"


def calendar(store: Store, as_of: datetime | None = None, limit: int | None = 50) -> bytes:
    """The due list as one VCALENDAR of all-day VEVENTs, each with a reminder at 9:00 that day."""
    from icalendar import Alarm, Calendar, Event

    now = datetime.now(UTC)
    when = (as_of or now).astimezone(UTC)
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("x-wr-calname", "tieline: who to contact")
    for row in due(store, as_of, limit):
        event = Event()
        event.add("uid", uid(store.account_id, row["person_id"]))
        event.add("dtstamp", now)
        event.add("dtstart", when.date())
        event.add("dtend", when.date() + timedelta(days=1))
        event.add("summary", f"Get in touch with {row['name']}")
        lines = [row["reason"], *row["also"]]
        if row["channel"]:
            lines.append(f"Usually by {row['channel']}.")
        if row["last_subject"]:
            lines.append(f"Last subject: {row['last_subject']}")
        lines.append(f"Due since {row['due_since'][:10]}. Done? tieline due done #{row['person_id']}")
        event.add("description", "\n".join(lines))
        event.add("categories", ["tieline", row["kind"]])
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", f"Get in touch with {row['name']}")
        alarm.add("trigger", timedelta(hours=9))
        event.add_component(alarm)
        cal.add_component(event)
    return bytes(cal.to_ical())


def write(path: Path, data: bytes) -> None:
    """Write atomically: a reader (a calendar app watching the file) never sees half of it."""
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise TielineError(f"cannot write {path}: the folder {folder} does not exist")
    try:
        fd, tmp = tempfile.mkstemp(prefix=".tieline-", suffix=".ics", dir=folder)
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.replace(tmp, path)
    except OSError as exc:
        raise TielineError(f"cannot write {path}: {exc.strerror or exc}") from None
