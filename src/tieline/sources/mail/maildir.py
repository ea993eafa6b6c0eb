"""Maildir and Maildir++ folders (cur/new/tmp, ``.Sent``, ``.Drafts``...): one interaction per message.

Flags come from the ``:2,`` info suffix of the file name; trashed (T) and draft (D) messages are
skipped, as is everything in a drafts, trash or spam folder. Loose message files beside the
cur/new folders (as in notmuch's corpora) are read when their first lines look like mail headers.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

from tieline.errors import SourceError
from tieline.records import ReadOptions, Record, Skipped
from tieline.sources.base import head, inside, is_regular
from tieline.sources.mail import mailheaders
from tieline.sources.mail.eml import header_block
from tieline.sources.times import from_unix

NAME = "maildir"

SKIP_FOLDERS = mailheaders.SKIP_FOLDERS
_META = ("dovecot", "maildirfolder", "subscriptions", "courier", ".")
_INFO = (":2,", "!2,", ";2,")
_DELIVERED = re.compile(r"(\d{9,10})\.")


def sniff(path: Path) -> float:
    """A folder with cur/ (0.9), with Maildir++ subfolders (0.85), or made only of maildirs (0.7)."""
    try:
        if not path.is_dir():
            return 0.0
        if _is_maildir(path):
            return 0.9
        children = [c for c in path.iterdir() if not c.name.startswith(".") or c.is_dir()]
        if any(c.name.startswith(".") and _is_maildir(c) for c in children):
            return 0.85
        # An mbsync-style account folder (INBOX/, Sent/, ...) and nothing else: claim it whole.
        if children and len(children) <= 500 and all(c.is_dir() and _is_maildir(c) for c in children):
            return 0.7
    except OSError:
        return 0.0
    return 0.0


def _is_maildir(path: Path) -> bool:
    """cur/ with new/ or tmp/ beside it, or (as in repositories, where empty folders vanish) message files."""
    cur = path / "cur"
    if not cur.is_dir():
        return False
    if (path / "new").is_dir() or (path / "tmp").is_dir():
        return True
    return any(any(info in child.name for info in _INFO) for child in list(cur.iterdir())[:50])


def folder_of(root: Path, message: Path) -> str:
    """The mail folder a message file is in ("" for the top), Maildir++ dots and cur/new removed."""
    parts = [p for p in message.relative_to(root).parent.parts if p not in ("cur", "new")]
    names = [segment for part in parts for segment in part.lstrip(".").split(".") if segment]
    return "/".join(names)


def flags_of(name: str) -> str:
    """The flags of a message file name (``1529571718.R1.host:2,RS`` -> ``RS``)."""
    for info in _INFO:
        at = name.rfind(info)
        if at >= 0:
            return name[at + len(info) :]
    return ""


def delivered_at(name: str) -> datetime | None:
    """The delivery time a Maildir file name starts with (``1719824400.M1P1.host``), for undated mail."""
    match = _DELIVERED.match(name)
    if match is None:
        return None
    return from_unix(match.group(1), "s")


def messages(root: Path) -> Iterator[Path]:
    """Every message file under root in a stable order (tmp/ and index files left out)."""
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d != "tmp")
        here = Path(dirpath)
        in_box = here.name in ("cur", "new")
        for name in sorted(filenames):
            if name.startswith(_META) or name.lower().startswith("readme"):
                continue
            file = here / name
            if file.is_symlink() and not inside(root, file):
                continue  # a link out of the folder is never followed
            if not is_regular(file):
                continue
            if in_box or _looks_like_mail(file):
                yield file


def _looks_like_mail(file: Path) -> bool:
    data = head(file, 2048).lstrip(b"\r\n")
    return mailheaders.looks_like_headers(data) and mailheaders.mail_header_count(data) >= 1


def read(path: Path, options: ReadOptions) -> Iterator[Record]:
    """One InteractionRecord (or Skipped) per message file."""
    file = str(path)
    if not path.is_dir():
        raise SourceError(file, None, "not a Maildir folder")
    try:
        for message in messages(path):
            record = message.relative_to(path).as_posix()
            skip = _skip_reason(path, message)
            if skip:
                yield Skipped(file, record, skip)
                continue
            try:
                block = header_block(message)
                headers = mailheaders.parse_headers(block)
                fallback = None if headers.date else delivered_at(message.name)
                yield mailheaders.to_interaction(headers, block, options, file, record, fallback)
            except OSError as exc:
                yield Skipped(file, record, f"cannot read the message ({exc.strerror})")
            except (ValueError, LookupError, UnicodeError, RecursionError, OverflowError) as exc:
                yield Skipped(file, record, f"unreadable headers ({exc})")
    except OSError as exc:
        raise SourceError(file, None, f"cannot list the folder ({exc.strerror})") from exc


def _skip_reason(root: Path, message: Path) -> str | None:
    flags = flags_of(message.name)
    if "T" in flags:
        return "trashed (maildir flag T)"
    if "D" in flags:
        return "draft (maildir flag D)"
    folder = folder_of(root, message)
    for part in folder.lower().split("/"):
        if part in SKIP_FOLDERS:
            return f"in folder {part}"
    return None


def sent_senders(path: Path) -> Counter[str]:
    """From addresses of the messages in Sent folders, most frequent first (to propose "me")."""
    counts: Counter[str] = Counter()
    try:
        for message in messages(path):
            folder = folder_of(path, message).lower()
            if not any(part in mailheaders.SENT_LABELS for part in folder.split("/")):
                continue
            headers = mailheaders.parse_headers(header_block(message))
            if headers.from_:
                counts[headers.from_[0].handles[0].value.lower()] += 1
    except (OSError, ValueError):
        return counts
    return counts
