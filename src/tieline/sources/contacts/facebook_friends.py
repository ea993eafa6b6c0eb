"""Facebook "Download your information": the friends list, in the 2019–2024 layouts.

`friends/friends.json` (`{"friends": [...]}`), `friends_and_followers/friends.json` and
`connections/friends/your_friends.json` (`{"friends_v2": [...]}`), or a bare list. Each friend is
`{"name": ..., "timestamp": <seconds>}` (newer files may give `label_values` instead); the timestamp is
when the friendship began. Facebook writes every non-ASCII character as UTF-8 bytes escaped one by one
(`Buz\\u00c3\\u00a1s`), which we repair. Friends get a `chat` handle `facebook:<name>`, the same form the
Messenger reader gives participants. The file is loaded whole (friend lists are small) after a depth check,
so a hostile file nested 100,000 deep is refused instead of exhausting the stack.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

from tieline.errors import SourceError
from tieline.records import ContactRecord, Handle, ReadOptions, Record, Skipped
from tieline.sources import jsonstream, keys
from tieline.sources.base import head_text
from tieline.sources.text import fix_mojibake
from tieline.sources.times import from_unix

NAME = "facebook_friends"

MAX_BYTES = 256 << 20
LIST_KEYS = ("friends_v2", "friends")
# Files beside the friends list with the same shape that are not friends: removed or rejected friends,
# friend requests sent and received, suggestions, people followed.
_NOT_FRIENDS = re.compile(r"removed|deleted|reject|request|sent|received|suggest|follow|block")


def sniff(path: Path) -> float:
    try:
        if not path.is_file():
            return 0.0
        text = head_text(path, 4096).lstrip()
    except OSError:
        return 0.0
    if text.startswith("{") and re.search(r'"(friends_v2|friends)"\s*:\s*\[', text):
        return 0.9
    name = path.name.casefold()
    if (
        text.startswith("[")
        and '"timestamp"' in text
        and '"name"' in text
        and "friend" in name
        and not _NOT_FRIENDS.search(name)
    ):
        return 0.7
    return 0.0


def read(path: Path, options: ReadOptions) -> Iterator[Record]:
    shown = str(path)
    doc = jsonstream.load(path, "file is larger than 256 MB: not a friends list", MAX_BYTES)
    friends = _friends(doc)
    if friends is None:
        raise SourceError(shown, None, "no friends list (`friends` or `friends_v2`) in this JSON file")
    for i, entry in enumerate(friends):
        yield _friend(entry, i, shown)


def _friends(doc: Any) -> list[Any] | None:
    if isinstance(doc, list):
        return doc
    if isinstance(doc, dict):
        for key in LIST_KEYS:
            if isinstance(doc.get(key), list):
                return list(doc[key])
    return None


def _friend(entry: Any, i: int, shown: str) -> Record:
    record = f"friend {i + 1}"
    if not isinstance(entry, dict):
        return Skipped(shown, record, "entry is not an object")
    name = entry.get("name")
    email = entry.get("contact_info")
    if name is None and isinstance(entry.get("label_values"), list):
        for item in entry["label_values"]:
            if isinstance(item, dict) and str(item.get("label", "")).casefold() == "name":
                name = item.get("value")
    if not isinstance(name, str) or not name.strip():
        return Skipped(shown, record, "friend without a name")
    name = fix_mojibake(name.strip())
    stamp = entry.get("timestamp")
    when: datetime | None = None
    if isinstance(stamp, int | float) and not isinstance(stamp, bool):
        when = from_unix(stamp)
    handles = [Handle("chat", f"facebook:{name}")]
    if isinstance(email, str) and "@" in email:
        handles.append(Handle("email", fix_mojibake(email.strip())))
    key = keys.digest(name, str(stamp))
    return ContactRecord(
        source_key=f"facebook:friend:{key}",
        name=name,
        handles=tuple(handles),
        connected_on=when,
    )
