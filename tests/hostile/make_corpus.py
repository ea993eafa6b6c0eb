"""The hostile corpus (issue 12): broken and malicious export files, generated so large ones cost no space.

``python -m tests.hostile.make_corpus DIR`` writes them; ``corpus(dir)`` returns ``{name: (path, kind)}``
where ``kind`` is ``--source`` to force (or None to let tieline pick). Every file must end an import in one
clean line or a partial import with reasons: no traceback, no hang, no half-written file.
"""

from __future__ import annotations

import io
import json
import os
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

CARD = "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Person {n}\r\nEMAIL:p{n}@example.org\r\nEND:VCARD\r\n"
GOOGLE = "Name,Given Name,Family Name,E-mail 1 - Type,E-mail 1 - Value\r\n"
LINKEDIN = "First Name,Last Name,URL,Email Address,Company,Position,Connected On\r\n"
MAIL = "From: a@example.org\nTo: b@example.net\nDate: {date}\nMessage-ID: <m{n}@x>\nSubject: s\n\nbody\n"
EVENT = (
    "BEGIN:VEVENT\r\nUID:e{n}@x\r\nDTSTART{tz}:20240101T090000\r\nDTEND{tz}:20240101T100000\r\n"
    "RRULE:{rule}\r\nORGANIZER:mailto:boss@example.org\r\nATTENDEE:mailto:a{n}@example.org\r\nEND:VEVENT\r\n"
)


def _zip(members: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buf.getvalue()


def _cards(n: int) -> bytes:
    return "".join(CARD.format(n=i) for i in range(n)).encode()


def _mbox(dates: list[str]) -> bytes:
    return "".join(
        "From a@example.org Mon Jan  1 09:00:00 2024\n" + MAIL.format(date=d, n=i) + "\n"
        for i, d in enumerate(dates)
    ).encode()


def _calendar(events: str) -> bytes:
    return f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\n{events}END:VCALENDAR\r\n".encode()


def _nested_zip(depth: int) -> bytes:
    data = _cards(1)
    for level in range(depth):
        data = _zip({"c.vcf" if level == 0 else "z.zip": data}, zipfile.ZIP_STORED)
    return data


def _telegram(messages: list[object]) -> bytes:
    return json.dumps(
        {"personal_information": {"user_id": 1, "first_name": "Me"},
         "chats": {"list": [{"id": 2, "name": "Ada", "type": "personal_chat", "messages": messages}]}}
    ).encode()  # fmt: skip


def _message(n: int, **extra: object) -> dict[str, object]:
    return {"id": n, "type": "message", "date": "2024-01-01T10:00:00", "date_unixtime": "1704103200",
            "from": "Ada", "from_id": "user2", "text": "hi"} | extra  # fmt: skip


FILES: dict[str, tuple[str, str | None, Callable[[], bytes]]] = {
    # name: (file name, --source or None, content)
    "empty vcf": ("empty.vcf", None, lambda: b""),
    "empty csv forced": ("empty.csv", "google_csv", lambda: b""),
    "empty json forced": ("empty.json", "telegram", lambda: b""),
    "png as vcard": ("photo.vcf", "vcard", lambda: b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 64),
    "png as mbox": ("photo.mbox", "mbox", lambda: b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 64),
    "random bytes as ics": ("noise.ics", "ics", lambda: os.urandom(1 << 16)),
    "random bytes as telegram": ("result.json", "telegram", lambda: os.urandom(1 << 16)),
    "random bytes as sms": ("sms.xml", "sms_backup", lambda: os.urandom(1 << 16)),
    "random bytes as whatsapp": ("chat.txt", "whatsapp", lambda: os.urandom(1 << 16)),
    "NUL bytes csv": ("nul.csv", "google_csv", lambda: GOOGLE.encode() + b"Ada\x00,Ada,L,*,a@x.org\r\n"),
    "NUL bytes vcard": ("nul.vcf", None, lambda: _cards(2).replace(b"Person 1", b"Per\x00son")),
    "invalid utf-8 vcard": ("bad.vcf", None, lambda: _cards(3).replace(b"Person 1", b"Pe\xff\xfe\xc3rson")),
    "utf-16 without bom": ("u16.vcf", "vcard", lambda: _cards(3).decode().encode("utf-16-le")),
    "vcard without end": ("noend.vcf", None, lambda: _cards(3)[:-12]),
    "vcard nested agents": ("agent.vcf", None, lambda: b"BEGIN:VCARD\r\nAGENT:" + b"BEGIN:VCARD\r\n" * 5000),
    "vcard 200k folded lines": (
        "folded.vcf",
        None,
        lambda: b"BEGIN:VCARD\r\nFN:A\r\nNOTE:x\r\n" + b" y\r\n" * 200_000 + b"END:VCARD\r\n",
    ),
    "vcard 5 MB line": (
        "longline.vcf",
        None,
        lambda: b"BEGIN:VCARD\r\nFN:" + b"A" * (5 << 20) + b"\r\nEND:VCARD\r\n",
    ),
    "vcard huge photo": (
        "photo.vcf",
        None,
        lambda: b"BEGIN:VCARD\r\nFN:A\r\nPHOTO;ENCODING=b:" + b"QUJD" * (1 << 20) + b"\r\nEND:VCARD\r\n",
    ),
    "vcard bad base64": (
        "b64.vcf",
        None,
        lambda: b"BEGIN:VCARD\r\nFN:A\r\nPHOTO;ENCODING=b:!!!notbase64\r\nEND:VCARD\r\n",
    ),
    "vcard bad qp": (
        "qp.vcf",
        None,
        lambda: b"BEGIN:VCARD\r\nVERSION:2.1\r\nFN;ENCODING=QUOTED-PRINTABLE:=ZZ=\r\nEND:VCARD\r\n",
    ),
    "vcard bad charset": (
        "cs.vcf",
        None,
        lambda: b"BEGIN:VCARD\r\nVERSION:2.1\r\nFN;CHARSET=nonsense-9:A\r\nEND:VCARD\r\n",
    ),
    "vcard birthday year 0": (
        "bday.vcf",
        None,
        lambda: b"BEGIN:VCARD\r\nFN:A\r\nBDAY:00000230\r\nEND:VCARD\r\n",
    ),
    "stray quote csv": (
        "contacts.csv",
        None,
        lambda: (
            GOOGLE + '"Ada,Ada,L,*,a@x.org\r\n' + "".join(f"P{n},P,{n},*,p{n}@x.org\r\n" for n in range(1000))
        ).encode(),
    ),
    "csv 10 MB field": (
        "Connections.csv",
        None,
        lambda: (LINKEDIN + 'Ada,L,,,"' + "x" * (10 << 20) + '",E,04 Jul 2023\r\n').encode(),
    ),
    "csv only header": ("header.csv", "google_csv", lambda: GOOGLE.encode()),
    "csv ragged rows": (
        "ragged.csv",
        "google_csv",
        lambda: (GOOGLE + "A\r\nB,C,D,E,F,G,H,I,J\r\n,,,,\r\n").encode(),
    ),
    "csv shift-jis": (
        "sjis.csv",
        "outlook_csv",
        lambda: "First Name,Last Name,E-mail Address\n太郎,山田,t@x.jp\n".encode("shift_jis"),
    ),
    "csv gb18030": (
        "gb.csv",
        "outlook_csv",
        lambda: "First Name,Last Name,E-mail Address\n小明,王,w@x.cn\n".encode("gb18030"),
    ),
    "csv bare cr": (
        "mac.csv",
        "google_csv",
        lambda: (GOOGLE + "Ada,Ada,L,*,a@x.org\r\n").replace("\r\n", "\r").encode(),
    ),
    "csv 100k columns": (
        "wide.csv",
        "google_csv",
        lambda: (GOOGLE.strip() + "," * 100_000 + "\r\n").encode(),
    ),
    "linkedin dates out of range": (
        "Connections.csv",
        None,
        lambda: (LINKEDIN + "Ada,L,,a@x.org,C,P,31 Dec 99999\r\nB,L,,b@x.org,C,P,00 Jan 0000\r\n").encode(),
    ),
    "interactions bad rows": (
        "log.csv",
        "interactions_csv",
        lambda: (
            b"ego,alter,timestamp,channel\nme,a,99999999999999999999,call\nme,b,-1e308,sms\nme,c,0001-01-01T00:00:00+14:00,call\n"
        ),
    ),
    "phone log epoch overflow": (
        "calls.csv",
        "phonelog_csv",
        lambda: b"Number,Date,Type,Duration\n+441234567890,99999999999999,1,60\n+441234567890,1e999,2,60\n",
    ),
    "mbox date year 1": (
        "one.mbox",
        None,
        lambda: _mbox(["Mon, 1 Jan 0001 00:00:00 +0100", "Mon, 1 Jan 2024 10:00:00 +0000"]),
    ),
    "mbox date year 9999": ("nine.mbox", None, lambda: _mbox(["Fri, 31 Dec 9999 23:59:59 -1400"] * 3)),
    "mbox huge header": (
        "hdr.mbox",
        None,
        lambda: b"From a@x Mon Jan  1 09:00:00 2024\nSubject: " + b"x" * (8 << 20) + b"\n\nbody\n",
    ),
    "mbox no separators": ("plain.mbox", "mbox", lambda: b"just some text\n" * 1000),
    "mbox encoded words bomb": (
        "words.mbox",
        None,
        lambda: _mbox(["Mon, 1 Jan 2024 10:00:00 +0000"]).replace(
            b"Subject: s", b"Subject: " + b"=?utf-8?b?" + b"QQ==" * 100_000 + b"?="
        ),
    ),
    "eml only headers": ("only.eml", "eml", lambda: b"From: a@example.org\n"),
    "eml date overflow": (
        "over.eml",
        "eml",
        lambda: MAIL.format(date="Fri, 31 Dec 9999 23:59:59 -1400", n=1).encode(),
    ),
    "eml binary": ("bin.eml", "eml", lambda: os.urandom(4096)),
    "ics never matching rules": (
        "never.ics",
        None,
        lambda: _calendar(
            "".join(EVENT.format(n=n, tz="", rule="FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30") for n in range(10))
        ),
    ),
    "ics secondly rule": (
        "secondly.ics",
        None,
        lambda: _calendar(EVENT.format(n=1, tz="", rule="FREQ=SECONDLY")),
    ),
    "ics unknown windows zone": (
        "zone.ics",
        None,
        lambda: _calendar(EVENT.format(n=1, tz=";TZID=Nowhere Standard Time", rule="FREQ=DAILY;COUNT=2")),
    ),
    "ics year 9999": (
        "y9999.ics",
        None,
        lambda: _calendar(EVENT.format(n=1, tz="", rule="FREQ=DAILY").replace("20240101", "99991231")),
    ),
    "ics bad rrule": (
        "badrule.ics",
        None,
        lambda: _calendar(EVENT.format(n=1, tz="", rule="FREQ=NEVER;BYHOUR=99")),
    ),
    "ics no end": (
        "noend.ics",
        "ics",
        lambda: _calendar(EVENT.format(n=1, tz="", rule="FREQ=DAILY;COUNT=1"))[:-30],
    ),
    "json 100k deep": (
        "friends.json",
        "facebook_friends",
        lambda: b'{"friends_v2": ' + b"[" * 100_000 + b"]" * 100_000 + b"}",
    ),
    "json 5000-digit number": (
        "result.json",
        "telegram",
        lambda: _telegram([_message(1, date_unixtime="9" * 5000)]),
    ),
    "json duplicate ids": (
        "result.json",
        "telegram",
        lambda: _telegram([_message(1), _message(1), _message(1)]),
    ),
    "json wrong shapes": (
        "result.json",
        "telegram",
        lambda: _telegram(
            [None, 5, "x", [], _message(2, text={"a": 1}), _message(3, date_unixtime=None, date=7)]
        ),
    ),
    "json truncated": (
        "result.json",
        "telegram",
        lambda: _telegram([_message(n) for n in range(100)])[:-200],
    ),
    "facebook wrong shape": (
        "message_1.json",
        "facebook_messages",
        lambda: b'{"participants": 5, "messages": {"a": 1}}',
    ),
    "jcard not a list": ("c.jcf", "jcard", lambda: b'{"vcard": 5}'),
    "xcard billion laughs": (
        "c.xml",
        "jcard",
        lambda: (
            b'<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]><vcards xmlns="urn:ietf:params:xml:ns:vcard-4.0"><vcard><fn><text>&d;&d;&d;</text></fn></vcard></vcards>'
        ),
    ),
    "sms xxe": (
        "sms.xml",
        "sms_backup",
        lambda: (
            b'<?xml version="1.0"?><!DOCTYPE s [<!ENTITY x SYSTEM "file:///etc/passwd">]><smses count="1"><sms address="123" date="1" type="1" body="&x;"/></smses>'
        ),
    ),
    "sms huge date": (
        "sms2.xml",
        "sms_backup",
        lambda: (
            b'<smses count="1"><sms address="+441234567890" date="99999999999999999999" type="1" body="x"/></smses>'
        ),
    ),
    "whatsapp garbage dates": (
        "WhatsApp Chat.txt",
        "whatsapp",
        lambda: b"99/99/9999, 99:99 - A: hi\n31/02/2024, 25:61 - B: x\n",
    ),
    "signal garbage": ("signal.txt", "signal", lambda: b"[9999-99-99, 99:99] A: hi\n" * 10),
    "zip slip": ("slip.zip", None, lambda: _zip({"../../evil.vcf": _cards(1)})),
    "zip absolute member": ("abs.zip", None, lambda: _zip({"/etc/evil.vcf": _cards(1)})),
    "zip bomb": ("bomb.zip", None, lambda: _zip({"Connections.csv": b"0" * (64 << 20)})),
    "zip nested 1500 deep": ("deep.zip", None, lambda: _nested_zip(1500)),
    "zip truncated stored": (
        "cut.zip",
        None,
        lambda: _zip({f"{n}.vcf": _cards(1) for n in range(20)}, zipfile.ZIP_STORED)[:1500],
    ),
    "zip truncated deflated": (
        "cut2.zip",
        None,
        lambda: _zip({f"{n}.vcf": _cards(5) for n in range(20)})[:-40],
    ),
    "zip empty": ("none.zip", None, lambda: _zip({})),
    "zip of junk": ("junk.zip", None, lambda: _zip({"a.bin": os.urandom(2048), "b.txt": b"hello"})),
    "zip of zips of vcards": (
        "outer.zip",
        None,
        lambda: _zip({f"inner{n}.zip": _zip({"c.vcf": _cards(3)}) for n in range(3)}),
    ),
    "zip crc error": (
        "crc.zip",
        None,
        lambda: _zip({"c.vcf": _cards(50)}, zipfile.ZIP_STORED).replace(b"Person 7", b"Persom 7", 1),
    ),
}


def write(dest: Path) -> dict[str, tuple[Path, str | None]]:
    """Write every file of the corpus under ``dest`` (one folder each); {name: (path, forced kind)}."""
    out: dict[str, tuple[Path, str | None]] = {}
    for n, (name, (file, kind, make)) in enumerate(FILES.items()):
        folder = dest / f"{n:03d}"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / file
        path.write_bytes(make())
        out[name] = (path, kind)
    return out


if __name__ == "__main__":
    written = write(Path(sys.argv[1] if len(sys.argv) > 1 else "hostile-corpus"))
    print(f"{len(written)} files written")
