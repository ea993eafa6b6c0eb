"""iCalendar ``.ics`` (Google, Outlook/Exchange, Thunderbird, Apple) and vCal 1.0 ``.vcs``: meetings.

A small streaming parser reads the file event by event (lines unfolded first, so a fold inside
a ``mailto:`` or a parameter does no harm); each occurrence of an event with people in it is
one ``meeting`` interaction. Attendees that are not people (rooms, resources, groups, Google's
``*.calendar.google.com`` calendars) are left out; declined attendees are kept with
``declined=True`` and not counted in the group size. Recurring events are expanded up to
``as_of`` (``ReadOptions.extra["as_of"]``, default now) with at most 500 occurrences each (vCal 1.0
rules such as ``W1 MO TH #10`` are first translated by :mod:`tieline.sources.calendar.vcalrule`); an
overridden occurrence (``RECURRENCE-ID``) replaces the generated one under the same source key,
which is why the file is read twice (the first pass only notes the overrides and time zones).
All-day events, free-time (``TRANSP:TRANSPARENT``) blocks and events with 30 or more people are
marked ``bulk``. Times with a ``TZID`` honour it (IANA names, Windows names, or the file's
``VTIMEZONE``); floating times are taken as UTC.
"""

from __future__ import annotations

import io
import quopri
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, tzinfo
from pathlib import Path
from zoneinfo import ZoneInfo

from dateutil import tz as dateutil_tz

try:
    from icalendar.timezone.windows_to_olson import WINDOWS_TO_OLSON
except ImportError:  # icalendar 5
    from icalendar.windows_to_olson import WINDOWS_TO_OLSON  # type: ignore[no-redef]
from dateutil.rrule import rrule, rruleset, rrulestr

from tieline.errors import SourceError
from tieline.records import Handle, InteractionRecord, Participant, ReadOptions, Record, Skipped
from tieline.sources import keys
from tieline.sources.base import head_text, is_regular, log, open_text
from tieline.sources.calendar import vcalrule
from tieline.sources.mail import mailheaders

NAME = "ics"

MAX_OCCURRENCES = 500
BULK_ATTENDEES = 30
_NOT_PEOPLE = frozenset({"ROOM", "RESOURCE", "GROUP"})
_DATE = re.compile(r"(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2})?(Z)?)?")
_DURATION = re.compile(r"([+-])?P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?")
_UNTIL_UTC = re.compile(r"UNTIL=(\d{8}T\d{6})Z", re.I)
_ADDRESS = re.compile(r"[^\s@<>()\[\],;:\"]+@[^\s@<>()\[\],;:\"]+")

# Windows zone names as Outlook/Exchange write them in TZID: CLDR's complete windowsZones table, as
# icalendar carries it, and the display name Exchange sometimes writes for UTC.
WINDOWS_ZONES: dict[str, str] = {**WINDOWS_TO_OLSON, "Coordinated Universal Time": "UTC"}

Params = dict[str, str]
Prop = tuple[str, Params, str]


@dataclass
class _Event:
    line: int
    props: list[Prop] = field(default_factory=list)

    def first(self, name: str) -> Prop | None:
        for prop in self.props:
            if prop[0] == name:
                return prop
        return None

    def all(self, name: str) -> list[Prop]:
        return [prop for prop in self.props if prop[0] == name]


@dataclass
class _Context:
    file: str
    options: ReadOptions
    as_of: datetime
    vtimezones: dict[str, str] = field(default_factory=dict)
    zones: dict[str, tzinfo] = field(default_factory=dict)
    overrides: dict[str, set[str]] = field(default_factory=dict)


def sniff(path: Path) -> float:
    """A calendar starts with ``BEGIN:VCALENDAR`` (or, in fragments, ``BEGIN:VEVENT``)."""
    if not is_regular(path):
        return 0.0
    text = head_text(path, 4096).lstrip("\ufeff \t\r\n").upper()
    if text.startswith("BEGIN:VCALENDAR"):
        return 0.95
    if text.startswith("BEGIN:VEVENT"):
        return 0.6
    return 0.0


def read(path: Path, options: ReadOptions) -> Iterator[Record]:
    """One meeting InteractionRecord per occurrence of each event with people; Skipped for the others."""
    file = str(path)
    ctx = _Context(file, options, _as_of(file, options))
    line_no = 0
    try:
        if sniff(path) == 0.0:
            raise SourceError(file, 1, "not an iCalendar file (no BEGIN:VCALENDAR)")
        for kind, event_or_line in _components(path, ctx):
            if kind != "event" or not isinstance(event_or_line, _Event):
                continue
            rid = event_or_line.first("RECURRENCE-ID")
            uid = event_or_line.first("UID")
            if rid is not None and uid is not None:
                key = _occurrence_key(rid, ctx)
                if key:
                    ctx.overrides.setdefault(uid[2].strip(), set()).add(key)
        for kind, item in _components(path, ctx):
            if isinstance(item, _Event):
                line_no = item.line
                if kind == "broken":
                    yield Skipped(file, f"line {item.line}", "event without END:VEVENT")
                    continue
                if kind in ("vtodo", "vjournal"):
                    what = "a to-do" if kind == "vtodo" else "a journal entry"
                    yield Skipped(file, f"line {item.line}", f"{what}, not an event: only meetings count")
                    continue
                try:
                    yield from _records(item, ctx)
                except (ValueError, OverflowError, TypeError, LookupError) as exc:
                    yield Skipped(file, f"line {item.line}", f"unreadable event ({exc})")
    except SourceError:
        raise
    except OSError as exc:
        raise SourceError(file, None, f"cannot read the file ({exc.strerror})") from exc
    except Exception as exc:  # never let a raw exception escape a reader
        raise SourceError(file, f"line {line_no}", f"unreadable calendar ({exc})") from exc


def _as_of(file: str, options: ReadOptions) -> datetime:
    raw = options.extra.get("as_of")
    if not raw:
        return datetime.now(UTC)
    try:
        when = datetime.fromisoformat(raw)
    except ValueError as exc:
        raise SourceError(file, None, f"as_of is not an ISO date: {raw!r}") from exc
    return when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)


def _lines(path: Path) -> Iterator[tuple[int, str]]:
    """Unfolded content lines with the number of their first physical line."""
    current: str | None = None
    start = 0
    with open_text(path, newline=None) as fh:
        for number, raw in enumerate(fh, 1):
            line = raw.rstrip("\r\n")
            if current is not None and line[:1] in (" ", "\t"):
                current += line[1:]
                continue
            if current is not None and current.endswith("=") and "QUOTED-PRINTABLE" in current.upper():
                current = current[:-1] + line  # vCal 1.0 quoted-printable soft line break
                continue
            if current is not None:
                yield start, current
            current, start = line, number
    if current is not None:
        yield start, current


def _parse(line: str) -> Prop | None:
    """name, params, value of one content line (quotes in parameters respected)."""
    colon = line.find(":")
    if colon < 0:
        return None
    head = line[:colon]
    if '"' in head:
        colon = _unquoted_colon(line)
        if colon < 0:
            return None
        head = line[:colon]
    parts = _split_params(head) if '"' in head else head.split(";")
    name = parts[0].strip().upper()
    if "." in name:
        name = name.rsplit(".", 1)[1]  # Apple's item1.ATTENDEE groups
    params: Params = {}
    for part in parts[1:]:
        if not part:
            continue
        key, _, value = part.partition("=")
        params[key.strip().upper()] = value.strip().strip('"')
    return name, params, line[colon + 1 :]


def _unquoted_colon(line: str) -> int:
    quoted = False
    for index, char in enumerate(line):
        if char == '"':
            quoted = not quoted
        elif char == ":" and not quoted:
            return index
    return -1


def _split_params(head: str) -> list[str]:
    parts: list[str] = []
    current: list[str] = []
    quoted = False
    for char in head:
        if char == '"':
            quoted = not quoted
            current.append(char)
        elif char == ";" and not quoted:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    parts.append("".join(current))
    return parts


def _components(path: Path, ctx: _Context) -> Iterator[tuple[str, _Event | None]]:
    """("event", event) for each complete VEVENT, ("broken", event) for one never closed, ("vtodo" or
    "vjournal", where it starts) for a to-do or journal entry."""
    stack: list[str] = []
    event: _Event | None = None
    tz_lines: list[str] | None = None
    for number, line in _lines(path):
        upper = line[:16].upper()
        if tz_lines is not None:
            tz_lines.append(line)
            if upper.startswith("END:VTIMEZONE"):
                text = "\n".join(tz_lines)
                match = re.search(r"^TZID[^:]*:(.*)$", text, re.M)
                if match:
                    ctx.vtimezones.setdefault(match.group(1).strip().strip('"'), text)
                tz_lines = None
            continue
        if upper.startswith("BEGIN:"):
            kind = line[6:].strip().upper()
            if kind == "VEVENT":
                if event is not None:
                    yield "broken", event
                event = _Event(number)
                stack = [kind]
            elif kind == "VTIMEZONE" and event is None:
                tz_lines = [line]
            elif kind in ("VTODO", "VJOURNAL") and event is None:
                yield kind.lower(), _Event(number)  # said, so a calendar of to-dos is not silently empty
            elif event is not None:
                stack.append(kind)
            continue
        if upper.startswith("END:"):
            kind = line[4:].strip().upper()
            if event is not None and kind == "VEVENT":
                yield "event", event
                event = None
                stack = []
            elif event is not None and stack and stack[-1] == kind:
                stack.pop()
            continue
        if event is not None and stack == ["VEVENT"]:
            prop = _parse(line)
            if prop is not None:
                event.props.append(prop)
    if event is not None:
        yield "broken", event


def _zone(tzid: str | None, ctx: _Context) -> tzinfo:
    """The zone of a TZID: IANA name, Windows name, the file's VTIMEZONE; UTC when none fits."""
    if not tzid:
        return UTC
    tzid = tzid.strip().strip('"')
    found = ctx.zones.get(tzid)
    if found is not None:
        return found
    zone: tzinfo | None = None
    candidates = [tzid]
    if "/" in tzid:
        pieces = tzid.strip("/").split("/")
        candidates += ["/".join(pieces[-2:]), pieces[-1]]  # "/mozilla.org/20050126_1/Europe/Berlin"
    for name in candidates:
        zone = _zoneinfo(WINDOWS_ZONES.get(name, name))
        if zone is not None:
            break
    if zone is None and tzid in ctx.vtimezones:
        text = ctx.vtimezones[tzid]
        location = re.search(r"^X-LIC-LOCATION:(.*)$", text, re.M)
        if location:
            zone = _zoneinfo(location.group(1).strip())
        if zone is None:
            try:
                zone = dateutil_tz.tzical(io.StringIO(text)).get()
            except (ValueError, KeyError, IndexError, TypeError):
                zone = None
    if zone is None:
        log.warning("%s: unknown time zone %r: its times are read as UTC", ctx.file, tzid)
    ctx.zones[tzid] = zone or UTC
    return ctx.zones[tzid]


def _zoneinfo(name: str) -> tzinfo | None:
    if not name or ".." in name or name.startswith("/"):
        return None
    try:
        return ZoneInfo(name)
    except (ValueError, OSError, KeyError):
        return None


def _when(prop: Prop, ctx: _Context) -> tuple[datetime, bool, tzinfo] | None:
    """(aware UTC start, is a date, zone of the wall time) of a DTSTART-like property."""
    _name, params, value = prop
    match = _DATE.match(value.strip())
    if not match:
        return None
    year, month, day, hour, minute, second, zulu = match.groups()
    if hour is None or params.get("VALUE", "").upper() == "DATE":
        return datetime(int(year), int(month), int(day), tzinfo=UTC), True, UTC
    local = datetime(int(year), int(month), int(day), int(hour), int(minute), int(second or 0))
    zone = UTC if zulu else _zone(params.get("TZID"), ctx)
    return local.replace(tzinfo=zone).astimezone(UTC), False, zone


def _key_of(when: datetime, is_date: bool) -> str:
    return when.strftime("%Y%m%d") if is_date else when.strftime("%Y%m%dT%H%M%SZ")


def _occurrence_key(prop: Prop, ctx: _Context) -> str | None:
    parsed = _when(prop, ctx)
    return _key_of(parsed[0], parsed[1]) if parsed else None


def _duration(value: str) -> timedelta | None:
    match = _DURATION.fullmatch(value.strip().upper())
    if not match or not any(match.groups()[1:]):
        return None
    sign, weeks, days, hours, minutes, seconds = match.groups()
    delta = timedelta(
        weeks=int(weeks or 0), days=int(days or 0), hours=int(hours or 0),
        minutes=int(minutes or 0), seconds=int(seconds or 0),
    )  # fmt: skip
    return -delta if sign == "-" else delta


def _person(prop: Prop, organizer: bool) -> Participant | None:
    """A person from an ATTENDEE/ORGANIZER line; None for rooms, resources, groups and calendars."""
    _name, params, value = prop
    if params.get("CUTYPE", "").upper() in _NOT_PEOPLE:
        return None
    value = value.strip()
    cn = params.get("CN") or None
    if value[:7].lower() == "mailto:":
        value = value[7:]
    address: str | None = None
    if "<" in value or "," in value:
        found = mailheaders.parse_addresses(value)
        if found:
            cn = cn or found[0][0]
            address = found[0][1]
    elif _ADDRESS.fullmatch(value):
        address = value
    if address is None and cn and _ADDRESS.fullmatch(cn.removeprefix("mailto:")):
        address = cn.removeprefix("mailto:")
    if address is None or not is_person_address(address):
        return None
    if cn and cn.lower() == address.lower():
        cn = None
    declined = not organizer and (
        params.get("PARTSTAT", "").upper() == "DECLINED" or params.get("STATUS", "").upper() == "DECLINED"
    )
    return Participant(handles=(Handle("email", address),), name=cn, declined=declined)


def is_person_address(address: str) -> bool:
    """False for Google's calendar addresses (holidays, rooms, shared and group calendars)."""
    lower = address.lower()
    domain = lower.rsplit("@", 1)[-1]
    return not (domain == "calendar.google.com" or domain.endswith(".calendar.google.com") or "#" in lower)


def _text(value: str) -> str:
    return (
        value.replace("\\n", " ")
        .replace("\\N", " ")
        .replace("\\,", ",")
        .replace("\\;", ";")
        .replace("\\\\", "\\")
    )


def _summary(prop: Prop) -> str | None:
    _name, params, value = prop
    if params.get("ENCODING", "").upper() == "QUOTED-PRINTABLE":  # vCal 1.0
        raw = quopri.decodestring(value.encode("ascii", errors="replace"))
        value = raw.decode(params.get("CHARSET") or "utf-8", errors="replace")
    return _text(value).strip()[:200] or None


def _records(event: _Event, ctx: _Context) -> Iterator[Record]:
    where = f"line {event.line}"
    status = event.first("STATUS")
    if status and status[2].strip().upper() == "CANCELLED":
        yield Skipped(ctx.file, where, "cancelled event")
        return
    start_prop = event.first("DTSTART")
    if start_prop is None:
        yield Skipped(ctx.file, where, "event without a start time")
        return
    parsed = _when(start_prop, ctx)
    if parsed is None:
        yield Skipped(ctx.file, where, f"unreadable start time {start_prop[2]!r}")
        return
    start, all_day, zone = parsed
    people: dict[str, Participant] = {}
    organizer = event.first("ORGANIZER")
    sender = _person(organizer, organizer=True) if organizer else None
    if sender is not None:
        people[sender.handles[0].value.lower()] = sender
    for prop in event.all("ATTENDEE"):
        person = _person(prop, organizer=False)
        if person is None:
            continue
        people.setdefault(person.handles[0].value.lower(), person)
    if not people:
        yield Skipped(ctx.file, where, "no attendees")
        return
    present = sum(1 for person in people.values() if not person.declined)
    duration = _event_duration(event, ctx, start, all_day)
    transp = event.first("TRANSP")
    free = transp is not None and transp[2].strip().upper() == "TRANSPARENT"
    summary = event.first("SUMMARY")
    uid_prop = event.first("UID")
    uid = uid_prop[2].strip() if uid_prop and uid_prop[2].strip() else _synthetic_uid(event)
    base = {
        "channel": "meeting",
        "participants": tuple(people.values()),
        "sender": sender,
        "direction": "both",
        "group_size": max(2, present),
        "duration_s": None if all_day or duration is None else int(duration.total_seconds()),
        "thread": uid,
        "subject": _summary(summary) if ctx.options.content and summary else None,
        "bulk": all_day or free or present >= BULK_ATTENDEES,
    }
    rid = event.first("RECURRENCE-ID")
    if rid is not None:
        key = _occurrence_key(rid, ctx) or _key_of(start, all_day)
        if start > ctx.as_of:
            yield Skipped(ctx.file, where, "occurrence after the as-of date")
            return
        yield InteractionRecord(source_key=f"ics:{uid}/{key}", when=start, **base)  # type: ignore[arg-type]
        return
    rules = [prop[2] for prop in event.all("RRULE") if prop[2].strip()]
    rdates = event.all("RDATE")
    if not rules and not rdates:
        if start > ctx.as_of:
            yield Skipped(ctx.file, where, "event after the as-of date")
            return
        yield InteractionRecord(source_key=f"ics:{uid}/{_key_of(start, all_day)}", when=start, **base)  # type: ignore[arg-type]
        return
    overridden = ctx.overrides.get(uid, set())
    count = 0
    for when in _expand(event, ctx, start, all_day, zone, rules, rdates):
        if when > ctx.as_of or count >= MAX_OCCURRENCES:
            break
        key = _key_of(when, all_day)
        if key in overridden:
            continue
        count += 1
        yield InteractionRecord(source_key=f"ics:{uid}/{key}", when=when, **base)  # type: ignore[arg-type]
    if count == 0:
        yield Skipped(ctx.file, where, "no occurrence before the as-of date")


def _event_duration(event: _Event, ctx: _Context, start: datetime, all_day: bool) -> timedelta | None:
    end_prop = event.first("DTEND")
    if end_prop is not None:
        end = _when(end_prop, ctx)
        if end is not None and end[0] >= start:
            return end[0] - start
    duration = event.first("DURATION")
    if duration is not None:
        return _duration(duration[2])
    return timedelta(days=1) if all_day else None


def _local_until(value: str, zone: tzinfo) -> str:
    """A UTC ``UNTIL`` as wall time in the event's zone (the rule is expanded in wall time)."""
    utc = datetime.strptime(value, "%Y%m%dT%H%M%S").replace(tzinfo=UTC)
    return "UNTIL=" + utc.astimezone(zone).strftime("%Y%m%dT%H%M%S")


def _wall_time(name: str, params: Params, value: str, ctx: _Context, zone: tzinfo) -> datetime | None:
    """An RDATE/EXDATE value as naive wall time in the event's zone (floating values are taken as such)."""
    match = _DATE.fullmatch(value)
    if not match:
        return None
    if match.group(4) is None:
        return datetime(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    if match.group(7) is None and "TZID" not in params:
        return datetime.strptime(value[:15], "%Y%m%dT%H%M%S") if len(value) >= 15 else None
    parsed = _when((name, params, value), ctx)
    return parsed[0].astimezone(zone).replace(tzinfo=None) if parsed else None


def _synthetic_uid(event: _Event) -> str:
    wanted = ("DTSTART", "SUMMARY", "ORGANIZER", "ATTENDEE")
    text = "\n".join(f"{name}:{value}" for name, _params, value in event.props if name in wanted)
    return "sha1-" + keys.digest(text)[:20]


def _expand(
    event: _Event,
    ctx: _Context,
    start: datetime,
    all_day: bool,
    zone: tzinfo,
    rules: list[str],
    rdates: list[Prop],
) -> Iterator[datetime]:
    """Occurrence starts (aware UTC) in order; the wall-clock rule is applied in the event's zone."""
    local_start = start.astimezone(zone).replace(tzinfo=None)
    recurrence = rruleset()
    for rule in rules:
        try:
            if vcalrule.is_vcal(rule):
                texts = vcalrule.to_icalendar(rule, local_start, zone)
            else:
                texts = [_UNTIL_UTC.sub(lambda m: _local_until(m.group(1), zone), rule)]
            for text in texts:
                parsed = rrulestr(text, dtstart=local_start, ignoretz=True)
                if isinstance(parsed, rrule) and _can_match(parsed, local_start):
                    recurrence.rrule(parsed)
        except (ValueError, TypeError, IndexError, KeyError, AttributeError, OverflowError):
            continue  # an unreadable rule: the first occurrence still counts
    recurrence.rdate(local_start)
    for values in (rdates, event.all("EXDATE")):
        for name, params, value in values:
            for piece in re.split(r"[,;]", value):  # vCal 1.0 separates dates with ";"
                local = _wall_time(name, params, piece.strip(), ctx, zone)
                if local is None:
                    continue
                if values is rdates:
                    recurrence.rdate(local)
                else:
                    recurrence.exdate(local)
    for local in recurrence:
        if all_day:
            yield local.replace(tzinfo=UTC)
        else:
            yield local.replace(tzinfo=zone).astimezone(UTC)


PROBE_YEAR = 9992  # a leap year 8 years before dateutil's last: its search for a match ends there


def _can_match(rule: rrule, local_start: datetime) -> bool:
    """Whether ``rule`` ever gives an occurrence, judged over the 8 years dateutil searches last.

    dateutil looks for the next occurrence up to the year 9999: a rule that never matches (30 February)
    costs seconds per event. Started in 9992, the same rule searches 8 years at most; one that finds
    nothing there (leap days and week 53 come round within 8 years) is passed over.
    """
    try:
        probe = rule.replace(
            dtstart=local_start.replace(year=PROBE_YEAR, month=1, day=1), count=None, until=None
        )
        return next(iter(probe), None) is not None
    except (ValueError, OverflowError):
        return False
