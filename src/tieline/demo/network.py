"""A made-up network, written as the export files a real user would have.

Sam Taylor (sam@example.org) has a LinkedIn export, a mailbox and a calendar. Among ~300 people:
a few close ties, a working circle, ties that faded, new ones, newsletters, and a long tail of
LinkedIn connections never heard from. Everything is seeded, so the demo is the same every time,
and dated up to ``AS_OF`` so its figures do not drift with the calendar.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

AS_OF = datetime(2026, 10, 1, tzinfo=UTC)
START = datetime(2023, 1, 9, tzinfo=UTC)
OWNER = ("Sam Taylor", "sam@example.org")

FIRST = [
    "Ada",
    "Grace",
    "Alan",
    "Barbara",
    "Claude",
    "Dorothy",
    "Edsger",
    "Frances",
    "Grete",
    "Hedy",
    "Ivan",
    "Joan",
    "John",
    "Katherine",
    "Linus",
    "Margaret",
    "Niklaus",
    "Radia",
    "Sophie",
    "Tim",
    "Ursula",
    "Vint",
    "Whitfield",
    "Yukihiro",
    "Anita",
    "Bjarne",
    "Carol",
    "Donald",
    "Elena",
    "Fernando",
    "Guido",
    "Hal",
    "Ines",
    "Jean",
    "Karen",
    "Leslie",
    "Mary",
    "Noor",
    "Olga",
    "Priya",
    "Quentin",
    "Rosa",
    "Sanjay",
    "Tomas",
    "Uma",
    "Victor",
    "Wanda",
    "Xiao",
    "Yara",
    "Zoe",
]
LAST = [
    "Lovelace",
    "Hopper",
    "Turing",
    "Liskov",
    "Shannon",
    "Vaughan",
    "Dijkstra",
    "Allen",
    "Hermann",
    "Lamarr",
    "Sutherland",
    "Clarke",
    "McCarthy",
    "Johnson",
    "Torvalds",
    "Hamilton",
    "Wirth",
    "Perlman",
    "Wilson",
    "Berners-Lee",
    "Franklin",
    "Cerf",
    "Diffie",
    "Matsumoto",
    "Borg",
    "Stroustrup",
    "Shaw",
    "Knuth",
    "Garcia",
    "Corbato",
    "Rossum",
    "Abelson",
    "Duarte",
    "Sammet",
    "Jones",
    "Lamport",
    "Keller",
    "Haddad",
    "Petrova",
    "Raman",
    "Fontaine",
    "Costa",
    "Gupta",
    "Novak",
    "Iyer",
    "Kowalski",
    "Mensah",
    "Chen",
    "Okafor",
    "Santos",
]
ORGS = [
    "Analytical Engines Ltd",
    "Harbour Bank",
    "Northwind Labs",
    "Bluebell Health",
    "Quarry Robotics",
    "Lantern Media",
    "Fieldstone University",
    "Copperleaf Energy",
    "Stillwater Design",
    "Meridian Logistics",
]
TITLES = (
    "Engineer",
    "Product Manager",
    "Designer",
    "Director",
    "Researcher",
    "Founder",
    "Consultant",
    "Analyst",
)


@dataclass
class Contact:
    name: str
    email: str
    org: str
    title: str
    kind: str  # close, working, fading, new, dormant, family, occasional, lapsed
    connected: datetime
    slug: str


# Ties every real network has, drawn from their own random stream so the others stay as they were:
# people seen every month or two all along (stable), and old friends silent for over a year (dormant).
LATER_PLAN = [("occasional", 12), ("lapsed", 10)]


def people(
    rng: random.Random, plan: list[tuple[str, int]] | None = None, used: set[str] | None = None
) -> list[Contact]:
    plan = plan or [
        ("close", 6),
        ("family", 3),
        ("working", 35),
        ("fading", 30),
        ("new", 15),
        ("dormant", 210),
    ]
    out: list[Contact] = []
    used = set() if used is None else used
    for kind, n in plan:
        for _ in range(n):
            while True:
                first, last = rng.choice(FIRST), rng.choice(LAST)
                if f"{first} {last}" not in used:
                    break
            used.add(f"{first} {last}")
            org = rng.choice(ORGS)
            domain = org.split()[0].lower() + ".example"
            slug = f"{first}-{last}".lower()
            if kind == "new":
                connected = AS_OF - timedelta(days=rng.randint(10, 60))
            elif kind in ("occasional", "lapsed"):
                connected = START + timedelta(days=rng.randint(0, 200))
            else:
                connected = START + timedelta(days=rng.randint(0, 900))
            email = (
                f"{first}.{last}@{domain}".lower()
                if kind != "family"
                else f"{first}.{last}@mail.example".lower()
            )
            out.append(Contact(f"{first} {last}", email, org, rng.choice(TITLES), kind, connected, slug))
    return out


def _gaps(kind: str) -> tuple[float, datetime, datetime] | None:
    """Mean days between contacts, and the span in which they happen."""
    return {
        "close": (6.0, START, AS_OF - timedelta(days=2)),
        "family": (20.0, START, AS_OF - timedelta(days=10)),
        "working": (21.0, START, AS_OF - timedelta(days=4)),
        "fading": (9.0, START, AS_OF - timedelta(days=300)),
        "new": (7.0, AS_OF - timedelta(days=60), AS_OF - timedelta(days=1)),
        "occasional": (45.0, START, AS_OF - timedelta(days=12)),
        "lapsed": (12.0, START, AS_OF - timedelta(days=560)),
    }.get(kind)


def answers(seed: int = 7) -> list[tuple[str, bool]]:
    """What Sam said about a few ties (``people edit --would-take-call``), by e-mail: enough
    answers for `model fit` and the review to have something to learn from."""
    everyone = people(random.Random(seed))
    later = people(random.Random(seed + 1), LATER_PLAN, {c.name for c in everyone})
    said: list[tuple[str, bool]] = []
    for kind, yes, no in (("close", 4, 0), ("family", 2, 0), ("working", 4, 4), ("fading", 1, 3)):
        of_kind = [c for c in everyone if c.kind == kind]
        said += [(c.email, True) for c in of_kind[:yes]] + [(c.email, False) for c in of_kind[yes : yes + no]]
    said += [(c.email, True) for c in later if c.kind == "lapsed"][:2]
    said += [(c.email, False) for c in later if c.kind == "occasional"][:2]
    return said


def ledger(seed: int = 7) -> list[tuple[str, str, str, str, int]]:
    """What Sam logged by hand over the last year (``tieline log --kind``): favours given and received,
    tidbits passed on, an introduction. (e-mail, kind, channel, what, days before AS_OF)"""
    everyone = people(random.Random(seed))
    close = [c for c in everyone if c.kind == "close"]
    working = [c for c in everyone if c.kind == "working"]
    new = [c for c in everyone if c.kind == "new"]
    return [
        (close[0].email, "favor-received", "call", "talked me through the job offer", 40),
        (close[0].email, "favor-given", "in-person", "helped with the move", 150),
        (close[1].email, "intro", "email", "introduced to a recruiter at Northwind", 75),
        (working[0].email, "tidbit", "email", "sent the conference call for papers", 20),
        (working[1].email, "favor-received", "meeting", "reviewed my conference talk", 120),
        (working[2].email, "favor-received", "email", "a reference for the grant", 200),
        (working[3].email, "tidbit", "chat", "passed on the team's opening", 30),
        (new[0].email, "favor-received", "email", "shared the slides from the meetup", 9),
    ]


def _mail(
    out: list[str],
    when: datetime,
    frm: tuple[str, str],
    to: list[tuple[str, str]],
    subject: str,
    mid: str,
    labels: str,
    reply_to: str | None = None,
    extra: str = "",
) -> None:
    to_line = ", ".join(f"{n} <{e}>" for n, e in to)
    head = [
        f"From {frm[1]} {when.strftime('%a %b %d %H:%M:%S %Y')}",
        f"X-GM-THRID: {abs(hash(subject)) % 10**12}",
        f"X-Gmail-Labels: {labels}",
        f"Message-ID: <{mid}@demo.tieline>",
        f"Date: {format_datetime(when)}",
        f"From: {frm[0]} <{frm[1]}>",
        f"To: {to_line}",
        f"Subject: {subject}",
    ]
    if reply_to:
        head.append(f"In-Reply-To: <{reply_to}@demo.tieline>")
    if extra:
        head.append(extra)
    out.append("\n".join(head) + "\n\nHello,\n\nA short note about " + subject.lower() + ".\n\nBest\n\n")


def write(folder: Path, seed: int = 7) -> list[Path]:
    """Write Connections.csv, mail.mbox and calendar.ics into ``folder``; return their paths."""
    rng = random.Random(seed)
    contacts = people(rng)
    later_rng = random.Random(seed + 1)
    later = people(later_rng, LATER_PLAN, {c.name for c in contacts})
    folder.mkdir(parents=True, exist_ok=True)
    linkedin = folder / "Connections.csv"
    rows = [
        "Notes:",
        '"When exporting your connection data, you may notice that some of the email addresses are missing."',
        "",
        "First Name,Last Name,URL,Email Address,Company,Position,Connected On",
    ]
    for c in contacts:
        if c.kind == "family":
            continue
        first, last = c.name.split(" ", 1)
        mail = c.email if rng.random() < 0.3 or c.kind in ("close", "working") else ""
        rows.append(
            f"{first},{last},https://www.linkedin.com/in/{c.slug},{mail},{c.org},{c.title},"
            f"{c.connected.strftime('%d %b %Y')}"
        )
    for c in later:
        first, last = c.name.split(" ", 1)
        rows.append(
            f"{first},{last},https://www.linkedin.com/in/{c.slug},{c.email},{c.org},{c.title},"
            f"{c.connected.strftime('%d %b %Y')}"
        )
    linkedin.write_text("\n".join(rows) + "\n", encoding="utf-8")

    mails: list[str] = []
    events: list[str] = []
    n = _history(contacts, rng, mails, events, 0)
    n = _history(later, later_rng, mails, events, n)
    for i, (name, addr) in enumerate(
        (("Weekly Digest", "digest@news.example"), ("Deals", "noreply@shop.example"))
    ):
        when = START
        while when < AS_OF:
            n += 1
            _mail(
                mails,
                when,
                (name, addr),
                [OWNER],
                f"Issue {n}",
                f"nl{i}-{n}",
                "Inbox,Category Promotions",
                extra="List-Id: <news.example>\nPrecedence: bulk",
            )
            when += timedelta(days=7)
    mbox = folder / "mail.mbox"
    mbox.write_text("".join(mails), encoding="utf-8")
    ics = folder / "calendar.ics"
    ics.write_text(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//tieline//demo//EN\r\n"
        + "".join(events)
        + "END:VCALENDAR\r\n",
        encoding="utf-8",
    )
    return [linkedin, mbox, ics]


def _history(contacts: list[Contact], rng: random.Random, mails: list[str], events: list[str], n: int) -> int:
    """Mail and meetings with each contact at the pace of its kind; returns the last message number."""
    for c in contacts:
        gap = _gaps(c.kind)
        if gap is None:
            continue
        mean, begin, end = gap
        when = max(begin, c.connected) + timedelta(days=rng.uniform(0, mean))
        while when < end:
            n += 1
            topic = rng.choice(
                (
                    "Lunch next week?",
                    "The quarterly plan",
                    "That article",
                    "Intro request",
                    "Catching up",
                    "Draft for review",
                    "Weekend plans",
                    "Conference talk",
                )
            )
            if rng.random() < 0.25:
                events.append(_event(n, when.replace(hour=12, minute=30), c, topic))
            elif rng.random() < 0.5:
                _mail(mails, when, (c.name, c.email), [OWNER], topic, f"m{n}", "Inbox,Opened")
                if rng.random() < 0.8:
                    _mail(
                        mails,
                        when + timedelta(hours=rng.uniform(1, 30)),
                        OWNER,
                        [(c.name, c.email)],
                        "Re: " + topic,
                        f"r{n}",
                        "Sent",
                        reply_to=f"m{n}",
                    )
            else:
                _mail(mails, when, OWNER, [(c.name, c.email)], topic, f"m{n}", "Sent")
                if rng.random() < 0.7:
                    _mail(
                        mails,
                        when + timedelta(hours=rng.uniform(1, 48)),
                        (c.name, c.email),
                        [OWNER],
                        "Re: " + topic,
                        f"r{n}",
                        "Inbox",
                        reply_to=f"m{n}",
                    )
            when += timedelta(days=rng.expovariate(1 / mean))
    return n


def _event(n: int, when: datetime, c: Contact, topic: str) -> str:
    stamp = when.strftime("%Y%m%dT%H%M%SZ")
    end = (when + timedelta(hours=1)).strftime("%Y%m%dT%H%M%SZ")
    return (
        "BEGIN:VEVENT\r\n"
        f"UID:demo-{n}@tieline\r\nDTSTAMP:{stamp}\r\nDTSTART:{stamp}\r\nDTEND:{end}\r\n"
        f"SUMMARY:{topic}\r\n"
        f"ORGANIZER;CN={OWNER[0]}:mailto:{OWNER[1]}\r\n"
        f"ATTENDEE;CN={c.name};PARTSTAT=ACCEPTED:mailto:{c.email}\r\n"
        f"ATTENDEE;CN={OWNER[0]};PARTSTAT=ACCEPTED:mailto:{OWNER[1]}\r\n"
        "END:VEVENT\r\n"
    )
