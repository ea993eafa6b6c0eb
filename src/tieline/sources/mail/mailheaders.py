"""Fast parsing of the few mail headers tieline needs, shared by the mbox, Maildir and eml readers.

``email.message_from_bytes`` parses every header and the whole MIME tree; a mailbox of a
million messages would spend minutes on bodies nobody reads. Here one compiled regex pulls
the wanted headers out of the raw header block (unfolding as it goes), and only those are
decoded: addresses by a small tokenizer (groups, quoted names, comments, RFC 2047 words),
dates by a fast path for the RFC 5322 shape with ``email.utils`` as the fallback.
"""

from __future__ import annotations

import base64
import binascii
import codecs
import quopri
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_tz
from functools import lru_cache

from tieline.records import Handle, InteractionRecord, Participant, ReadOptions, Skipped
from tieline.sources import keys
from tieline.sources.times import MONTHS

_WANTED = re.compile(
    rb"\n(from|to|cc|bcc|reply-to|date|message-id|in-reply-to|references|subject|list-id|precedence"
    rb"|x-gmail-labels|x-gm-labels|x-gm-thrid|auto-submitted|list-unsubscribe|x-autoreply|x-autorespond"
    rb"|feedback-id|x-mozilla-status)[ \t]*:[ \t]*(.*(?:\n[ \t].*)*)",
    re.I,
)
_ADDRESS_FIELDS = frozenset({"from", "to", "cc", "bcc", "reply-to"})
_RECEIVED = re.compile(rb"\nreceived[ \t]*:(.*(?:\r?\n[ \t].*)*)", re.I)
_MSGID = re.compile(r"<([^<>\s]+)>")
_ADDR_OK = re.compile(r"[^\s@<>()\[\],;:\"\\]+@[^\s@<>()\[\],;:\"\\.][^\s@<>()\[\],;:\"\\]*")
_ENCODED_WORD = re.compile(r"=\?([^?\s]+)\?([bBqQ])\?([^?\s]*)\?=")
_BETWEEN_WORDS = re.compile(r"(\?=)\s+(=\?)")
_DATE = re.compile(
    r"(?:[A-Za-z]+,?\s*)?(\d{1,2})[\s-]+([A-Za-z]{3})[A-Za-z]*\.?[\s-]+(\d{2,4}),?\s+"
    r"(\d{1,2}):(\d{1,2})(?::(\d{1,2}))?(?:\.\d+)?\s*([+-]\d{4}|[A-Za-z]{1,5})?"
)
_MONTH_NAMES = {name.capitalize(): number for name, number in MONTHS.items()}
_ZONES = {  # minutes east of UTC
    "ut": 0, "utc": 0, "gmt": 0, "z": 0, "est": -300, "edt": -240, "cst": -360, "cdt": -300,
    "mst": -420, "mdt": -360, "pst": -480, "pdt": -420, "cet": 60, "cest": 120, "bst": 60,
}  # fmt: skip
_SHIFTS: dict[int, timedelta] = {}
_NOREPLY = re.compile(
    r"^(?:no[-_.]?reply|do[-_.]?not[-_.]?reply|mailer-daemon|postmaster|notifications?|notify|bounces?"
    r"|newsletters?|news|info|alerts?|updates?|marketing|automated|daemon|owner-.*)(?:[-+._].*)?$"
    r"|^.*[-+._](?:no[-_.]?reply|bounces?|owner|request|admin)(?:[-+._].*)?$"
)
# Labels (Gmail, also localized) and folders whose messages are not evidence of contact.
SKIP_LABELS = frozenset(
    {
        "spam", "trash", "draft", "drafts", "bin", "junk", "papierkorb", "entwürfe", "brouillons",
        "corbeille",
        "papelera", "borradores", "cestino", "bozze", "prullenbak", "concepten", "lixeira", "rascunhos",
    }
)  # fmt: skip
# Mail folders (Maildir, Thunderbird and Apple Mail mbox files) whose messages are not evidence of contact:
# drafts, trash, spam, templates and unsent mail, in the names clients give them in several languages.
SKIP_FOLDERS = frozenset(
    {
        "drafts", "draft", "trash", "deleted", "deleted items", "deleted messages", "spam", "junk",
        "junk e-mail", "junk email", "junk mail", "bin", "templates", "unsent messages", "outbox",
        "papierkorb", "entwürfe", "gelöschte elemente", "junk-e-mail", "vorlagen", "postausgang",
        "corbeille", "brouillons", "éléments supprimés", "courrier indésirable", "indésirables",
        "papelera", "borradores", "elementos eliminados", "correo no deseado",
        "cestino", "bozze", "posta eliminata", "posta indesiderata",
        "prullenbak", "concepten", "verwijderde items", "ongewenste e-mail",
        "lixeira", "rascunhos", "itens excluídos", "lixo eletrônico",
        "[gmail]/trash", "[gmail]/spam", "[gmail]/drafts",
    }
)  # fmt: skip
SENT_LABELS = frozenset(
    {
        "sent", "sent mail", "sent items", "sent messages", "gesendet", "gesendete elemente",
        "envoyés", "messages envoyés", "enviados", "elementos enviados", "inviati", "posta inviata",
        "verzonden", "verzonden items",
    }
)  # fmt: skip
# Gmail's own sorting (Takeout writes these labels in English whatever the UI language).
BULK_LABELS = frozenset({"category promotions", "category social", "category updates", "category forums"})
# Out-of-office replies that carry no Auto-Submitted header (older Exchange/Outlook and webmailers).
_AUTO_REPLY_SUBJECT = re.compile(
    r"^\s*(?:automatic reply|auto[- ]?reply|auto[- ]?response|out of (?:the )?office(?: autoreply)?"
    r"|automatische antwort|abwesenheitsnotiz|r[ée]ponse automatique|absence du bureau"
    r"|respuesta autom[aá]tica|fuera de la oficina|risposta automatica|automatisch antwoord"
    r"|resposta autom[aá]tica|autosvar)\s*:",
    re.I,
)
# Thunderbird keeps a message moved or deleted out of a folder until the folder is compacted,
# flagged "expunged" (0x0008) in X-Mozilla-Status.
_MOZILLA_EXPUNGED = 0x0008
BULK_RECIPIENTS = 20
_SUBJECT_MAX = 200


@dataclass(slots=True)
class MailHeaders:
    """The headers of one message that tieline uses, decoded."""

    from_: tuple[Participant, ...]
    to: tuple[Participant, ...]
    cc: tuple[Participant, ...]
    bcc: tuple[Participant, ...]
    reply_to: tuple[Participant, ...]
    date: datetime | None
    message_id: str | None
    in_reply_to: str | None
    references: tuple[str, ...]
    subject: str | None
    list_id: str | None
    precedence: str | None
    gmail_labels: tuple[str, ...]
    gm_thrid: str | None
    auto_submitted: str | None
    list_unsubscribe: str | None
    auto_reply: bool = False  # X-Autoreply / X-Autorespond, or an out-of-office subject
    feedback_id: str | None = None  # set by bulk senders (newsletters, notifications)
    expunged: bool = False  # Thunderbird's "deleted, not yet compacted" flag


def parse_headers(block: bytes) -> MailHeaders:
    """Decode the wanted headers of one message from its raw header block (bytes up to the blank line)."""
    found: dict[str, str] = {}
    dates: list[str] = []
    if not block.startswith(b"\n"):
        block = b"\n" + block
    names = _NAMES
    for raw_name, raw_value in _WANTED.findall(block):
        name = names.get(raw_name) or raw_name.lower().decode("ascii")
        try:
            value = raw_value.decode()
        except UnicodeDecodeError:
            value = raw_value.decode("cp1252", errors="replace")
        if "\n" in value:
            value = value.replace("\r\n", "").replace("\n", "")
        value = value.rstrip()
        if name in found:
            if name in _ADDRESS_FIELDS:
                found[name] += ", " + value
            elif name == "date":
                dates.append(value)
        else:
            found[name] = value
            if name == "date":
                dates.append(value)
    date = None
    for value in dates:
        date = parse_date(value)
        if date is not None:
            break
    if date is None:
        date = received_date(block)
    subject = found.get("subject")
    if subject is not None and "=?" in subject:
        subject = decode_words(subject)
    refs = found.get("references")
    labels = found.get("x-gmail-labels") or found.get("x-gm-labels")
    get = found.get
    precedence = get("precedence") or None
    auto_reply = bool(
        get("x-autoreply")
        or get("x-autorespond")
        or (precedence is not None and precedence.strip().lower() == "auto_reply")
        or (subject is not None and _AUTO_REPLY_SUBJECT.match(subject))
    )
    return MailHeaders(
        from_=participants(get("from")),
        to=participants(get("to")),
        cc=participants(get("cc")),
        bcc=participants(get("bcc")),
        reply_to=participants(get("reply-to")),
        date=date,
        message_id=_first_id(found.get("message-id")),
        in_reply_to=_first_id(found.get("in-reply-to")),
        references=tuple(_MSGID.findall(refs)) if refs else (),
        subject=subject,
        list_id=found.get("list-id") or None,
        precedence=precedence,
        gmail_labels=parse_labels(labels) if labels else (),
        gm_thrid=found.get("x-gm-thrid") or None,
        auto_submitted=found.get("auto-submitted") or None,
        list_unsubscribe=found.get("list-unsubscribe") or None,
        auto_reply=auto_reply,
        feedback_id=get("feedback-id") or None,
        expunged=_expunged(get("x-mozilla-status")),
    )


def received_date(block: bytes) -> datetime | None:
    """The delivery time in the topmost ``Received`` header (after its last ``;``), for undated mail."""
    match = _RECEIVED.search(block if block.startswith(b"\n") else b"\n" + block)
    if match is None:
        return None
    value = match.group(1).decode("ascii", errors="replace").replace("\r", "").replace("\n", " ")
    _, sep, when = value.rpartition(";")
    return parse_date(" ".join(when.split())) if sep else None


def _expunged(value: str | None) -> bool:
    try:
        return value is not None and bool(int(value.strip()[:4], 16) & _MOZILLA_EXPUNGED)
    except ValueError:
        return False


# The usual spellings, so that most names need no lower().decode().
_NAMES = {
    spelling.encode(): spelling.lower()
    for spelling in (
        "From", "To", "Cc", "CC", "Bcc", "Date", "Subject", "Message-ID", "Message-Id", "In-Reply-To",
        "References", "List-Id", "List-ID", "Precedence", "X-Gmail-Labels", "X-GM-THRID", "List-Unsubscribe",
        "X-GM-LABELS", "X-Mozilla-Status", "Feedback-ID",
        "from", "to", "cc", "date", "subject",
    )
}  # fmt: skip
_PEOPLE_CACHE: dict[str, tuple[Participant, ...]] = {}
_PEOPLE_CACHE_MAX = 50_000


def participants(value: str | None) -> tuple[Participant, ...]:
    """The people of one address header value.

    Correspondents repeat, so parsed values are cached (bounded): building frozen records costs
    more than finding them again.
    """
    if not value:
        return ()
    cached = _PEOPLE_CACHE.get(value)
    if cached is not None:
        return cached
    people = tuple(Participant((Handle("email", addr),), name) for name, addr in parse_addresses(value))
    if len(_PEOPLE_CACHE) >= _PEOPLE_CACHE_MAX:
        _PEOPLE_CACHE.clear()
    _PEOPLE_CACHE[value] = people
    return people


def _first_id(value: str | None) -> str | None:
    if not value:
        return None
    match = _MSGID.search(value)
    if match:
        return match.group(1)
    token = value.strip().split()
    return token[0].strip("<>") or None if token else None


def parse_labels(value: str) -> tuple[str, ...]:
    """Gmail's comma-separated ``X-Gmail-Labels`` (labels holding a comma are quoted, non-ASCII ones may
    be RFC 2047 encoded-words)."""
    if "=?" in value:
        value = decode_words(value)
    if '"' not in value:
        return tuple(label.strip() for label in value.split(",") if label.strip())
    labels: list[str] = []
    current: list[str] = []
    quoted = False
    for char in value:
        if char == '"':
            quoted = not quoted
        elif char == "," and not quoted:
            labels.append("".join(current).strip())
            current = []
        else:
            current.append(char)
    labels.append("".join(current).strip())
    return tuple(label for label in labels if label)


def parse_addresses(value: str) -> list[tuple[str | None, str]]:
    """(display name, address) pairs from an address header; groups flattened, invalid addresses dropped."""
    if '"' in value or "(" in value or ":" in value or ";" in value or "\\" in value:
        items = _split_complex(value)
    else:
        items = value.split(",")
    out: list[tuple[str | None, str]] = []
    for item in items:
        item = item.strip()
        if not item:
            continue
        lt = item.rfind("<")
        if lt >= 0:
            gt = item.find(">", lt)
            addr = item[lt + 1 : gt if gt >= 0 else len(item)].strip()
            name = item[:lt].strip()
        else:
            addr, name = item, ""
            if "(" in addr:
                open_ = addr.find("(")
                close = addr.rfind(")")
                end = close if close > open_ else len(addr)
                name = addr[open_ + 1 : end].strip()
                addr = (addr[:open_] + addr[end + 1 :]).strip()
        if addr.startswith(("mailto:", "MAILTO:")):
            addr = addr[7:]
        if " " in addr:
            addr = addr.replace(" ", "")
        if not _ADDR_OK.fullmatch(addr):
            continue
        if name:
            if name[0] == '"' and name[-1] == '"' and len(name) > 1:
                name = name[1:-1].replace('\\"', '"').replace("\\\\", "\\")
            if "=?" in name:
                name = decode_words(name)
            name = name.strip().strip("'").strip()
        out.append((name or None, addr))
    return out


def _split_complex(value: str) -> list[str]:
    """Split on commas outside quotes, angle brackets and comments; drop group names and ``;``."""
    items: list[str] = []
    current: list[str] = []
    quoted = False
    angle = 0
    paren = 0
    escape = False
    for char in value:
        if escape:
            current.append(char)
            escape = False
            continue
        if char == "\\":
            escape = True
            current.append(char)
        elif quoted:
            current.append(char)
            if char == '"':
                quoted = False
        elif char == '"':
            quoted = True
            current.append(char)
        elif char == "(":
            paren += 1
            current.append(char)
        elif char == ")" and paren:
            paren -= 1
            current.append(char)
        elif paren:
            current.append(char)
        elif char == "<":
            angle += 1
            current.append(char)
        elif char == ">" and angle:
            angle -= 1
            current.append(char)
        elif angle:
            current.append(char)
        elif char == ":":
            current = []  # the display name of a group: "Friends: a@b, c@d;"
        elif char in ",;":
            items.append("".join(current))
            current = []
        else:
            current.append(char)
    items.append("".join(current))
    return items


def decode_words(text: str) -> str:
    """Decode RFC 2047 encoded-words (``=?UTF-8?B?...?=``); unknown charsets and bad data are replaced."""
    text = _BETWEEN_WORDS.sub(r"\1\2", text)

    def one(match: re.Match[str]) -> str:
        charset, kind, data = match.group(1), match.group(2).lower(), match.group(3)
        charset = charset.split("*", 1)[0]  # RFC 2231 language suffix
        try:
            if kind == "b":
                raw = base64.b64decode(data + "=" * (-len(data) % 4))
            else:
                raw = quopri.decodestring(data.replace("_", " ").encode("ascii", "replace"), header=True)
        except (binascii.Error, ValueError):
            return match.group(0)
        return decode_bytes(raw, charset)

    return _ENCODED_WORD.sub(one, text)


# Charsets that mail clients name but Python does not know, or whose labels understate what is sent
# (a "gb2312" word often holds GBK characters, an "iso-8859-1" one Windows quotes).
_CHARSET_ALIASES = {
    "gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "euc-cn": "gb18030", "big5": "big5hkscs",
    "ks_c_5601-1987": "cp949", "euc-kr": "cp949", "ks_c_5601": "cp949", "shift_jis": "cp932",
    "shift-jis": "cp932", "x-sjis": "cp932", "sjis": "cp932", "windows-31j": "cp932",
    "iso-8859-8-i": "iso-8859-8", "iso-8859-6-i": "iso-8859-6", "windows-874": "cp874",
    "x-mac-roman": "mac-roman", "latin-9": "iso-8859-15", "iso-8859-1": "cp1252", "us-ascii": "cp1252",
    "ascii": "cp1252", "cp-850": "cp850",
}  # fmt: skip


@lru_cache(maxsize=256)
def _codec(charset: str) -> str | None:
    name = _CHARSET_ALIASES.get(charset.strip().strip('"').lower(), charset.strip().strip('"'))
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def decode_bytes(raw: bytes, charset: str) -> str:
    """Bytes in a named charset; an unknown or wrong label (``unknown-8bit``, ``x-user-defined``) falls back
    to UTF-8, then Windows-1252, so a name is never left as an undecoded encoded-word."""
    codec = _codec(charset)
    if codec is not None and codec not in ("utf-8", "cp1252"):
        try:
            return raw.decode(codec)
        except UnicodeDecodeError:
            pass
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode(codec or "cp1252", errors="replace")


def parse_date(value: str) -> datetime | None:
    """A Date header as an aware UTC datetime; None when it cannot be understood."""
    # Fast path for the shape nearly every client writes: "Mon, 1 Jan 2024 10:00:00 +0100".
    parts = value.split(None, 6)
    if len(parts) >= 6 and parts[0][-1:] == ",":
        month = _MONTH_NAMES.get(parts[2])
        hms, zone, year = parts[4], parts[5], parts[3]
        if month and len(year) == 4 and len(hms) == 8 and len(zone) == 5 and zone[0] in "+-":
            try:
                when = datetime(
                    int(year), month, int(parts[1]), int(hms[:2]), int(hms[3:5]), int(hms[6:]), tzinfo=UTC
                )
                offset = _zone_offset(zone)
            except ValueError:
                return None
            return _to_utc(when, offset)
    match = _DATE.match(value.strip())
    if match:
        day, mon, year, hour, minute, second, zone = match.groups()
        month = MONTHS.get(mon.lower())
        if month is not None:
            y = int(year)
            if y < 100:
                y += 2000 if y < 50 else 1900
            elif y < 1000:
                y += 1900
            offset = _zone_offset(zone)
            try:
                local = datetime(y, month, int(day), int(hour), int(minute), int(second or 0), tzinfo=UTC)
            except ValueError:
                return None
            return _to_utc(local, offset)
    parsed = parsedate_tz(value)
    if parsed is None:
        return None
    try:
        local = datetime(*parsed[:6], tzinfo=UTC)
    except (ValueError, TypeError, OverflowError):
        return None
    return _to_utc(local, (parsed[9] or 0) // 60)


def _to_utc(local: datetime, offset: int) -> datetime | None:
    """A time written ``offset`` minutes east of UTC, in UTC; None when that leaves years 1 to 9999."""
    if not offset:
        return local
    shift = _SHIFTS.get(offset)
    if shift is None:
        shift = _SHIFTS[offset] = timedelta(minutes=offset)
    try:
        return local - shift
    except OverflowError:
        return None


def _zone_offset(zone: str | None) -> int:
    """Minutes east of UTC; unknown or missing zones count as UTC."""
    if not zone:
        return 0
    if zone[0] in "+-":
        hours, minutes = int(zone[1:3]), int(zone[3:5])
        if hours > 14 or minutes > 59:
            return 0
        sign = -1 if zone[0] == "-" else 1
        return sign * (hours * 60 + minutes)
    return _ZONES.get(zone.lower(), 0)


@lru_cache(maxsize=65536)
def is_noreply(address: str) -> bool:
    """An automated sender such as ``no-reply@``, ``notifications@``, ``bounces+...@``."""
    local = address.rsplit("@", 1)[0].lower()
    return _NOREPLY.match(local) is not None


def header_key(block: bytes, headers: MailHeaders) -> str:
    """The source key of a message: its Message-ID, or a hash of its header block."""
    if headers.message_id:
        return "mid:" + headers.message_id
    return keys.key("mail:", block.lstrip(b"\r\n"))


def to_interaction(
    headers: MailHeaders,
    block: bytes,
    options: ReadOptions,
    file: str,
    record: str,
    fallback_date: datetime | None = None,
) -> InteractionRecord | Skipped:
    """The interaction one message stands for, or why it is skipped (draft, spam, trash, no date, no one)."""
    bulk_label = False
    for label in headers.gmail_labels:
        lowered = label.lower()
        if lowered in SKIP_LABELS:
            return Skipped(file, record, f"Gmail label {label}")
        bulk_label = bulk_label or lowered in BULK_LABELS
    if headers.expunged:
        return Skipped(file, record, "deleted (Thunderbird expunged flag)")
    sender = headers.from_[0] if headers.from_ else None
    seen: set[str] = set()
    if sender is not None:
        seen.add(sender.handles[0].value.lower())
    participants: list[Participant] = []
    for person in _chain(headers.to, headers.cc, headers.bcc):
        addr = person.handles[0].value.lower()
        if addr not in seen:
            seen.add(addr)
            participants.append(person)
    if not seen:
        return Skipped(file, record, "no sender or recipient address")
    when = headers.date or fallback_date
    if when is None:
        return Skipped(file, record, "no usable Date header")
    bulk = bool(
        headers.list_id
        or headers.list_unsubscribe
        or (headers.precedence and headers.precedence.strip().lower() in ("bulk", "list", "junk"))
        or (headers.auto_submitted and headers.auto_submitted.strip().lower() != "no")
        or headers.auto_reply
        or headers.feedback_id
        or bulk_label
        or (sender is not None and is_noreply(sender.handles[0].value))
        or len(seen) >= BULK_RECIPIENTS
    )
    if headers.gm_thrid:
        thread: str | None = "gm:" + headers.gm_thrid
    elif headers.references:
        thread = headers.references[0]
    else:
        thread = headers.in_reply_to or headers.message_id
    subject = None
    if options.content and headers.subject:
        subject = headers.subject.strip()[:_SUBJECT_MAX] or None
    return InteractionRecord(
        source_key=header_key(block, headers),
        when=when,
        channel="email",
        participants=tuple(participants),
        sender=sender,
        group_size=max(2, len(seen)),
        thread=thread,
        in_reply_to=headers.in_reply_to,
        subject=subject,
        bulk=bulk,
    )


def _chain(*lists: tuple[Participant, ...]) -> Iterable[Participant]:
    for items in lists:
        yield from items


def looks_like_headers(data: bytes) -> bool:
    """Whether bytes start like an RFC 5322 header block (``Name: value`` lines)."""
    lines = data.lstrip(b"\r\n").split(b"\n", 6)[:5]
    if not lines:
        return False
    good = sum(1 for line in lines if _HEADER_LINE.match(line) or line[:1] in (b" ", b"\t"))
    return good >= min(2, len(lines)) and _HEADER_LINE.match(lines[0]) is not None


_HEADER_LINE = re.compile(rb"[!-9;-~]+[ \t]*:")
_MAIL_HEADER = re.compile(
    rb"^(?:from|to|date|subject|message-id|received|return-path|mime-version|delivered-to|cc)[ \t]*:",
    re.M | re.I,
)


def mail_header_count(data: bytes) -> int:
    """How many well-known mail headers appear at line starts in ``data``."""
    return len(_MAIL_HEADER.findall(data))
