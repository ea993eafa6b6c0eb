"""The one safe way to open a zip export: limits on members, sizes and ratio; no traversal, no links.

A file inside an archive is named ``archive.zip:member/path.csv`` in every message (see
:func:`member_name`), so a user can find the bad row without unpacking anything.
"""

from __future__ import annotations

import shutil
import stat
import zipfile
from pathlib import Path, PurePosixPath

from tieline.errors import SourceError

MAX_MEMBERS = 100_000
MAX_TOTAL_BYTES = 4 * 1024**3
MAX_MEMBER_BYTES = 2 * 1024**3
MAX_RATIO = 200  # uncompressed / compressed, per member (zip bombs reach thousands)


def is_zip(path: Path) -> bool:
    return path.is_file() and zipfile.is_zipfile(path)


def member_name(archive: str, member: str) -> str:
    """How messages name a file inside an archive: ``archive.zip:folder/file.csv``."""
    return f"{archive}:{member.replace(chr(92), '/').removeprefix('./')}"


def extract(path: Path, dest: Path, shown: str | None = None) -> Path:
    """Unpack ``path`` into ``dest`` after checking every member; raise SourceError on anything unsafe.

    ``shown`` is what to call the archive in messages (for a zip inside a zip, not its temporary path).
    """
    shown = shown or str(path)
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise SourceError(shown, None, f"not a readable zip archive ({exc})") from None
    with zf:
        infos = zf.infolist()
        if len(infos) > MAX_MEMBERS:
            raise SourceError(shown, None, f"archive has {len(infos)} members (limit {MAX_MEMBERS})")
        total = 0
        for info in infos:
            member = member_name(shown, info.filename)
            name = PurePosixPath(info.filename.replace("\\", "/"))
            if name.is_absolute() or ".." in name.parts:
                raise SourceError(member, None, "member path escapes the archive")
            if stat.S_ISLNK(info.external_attr >> 16):
                raise SourceError(member, None, "archive contains a symbolic link")
            if info.file_size > MAX_MEMBER_BYTES:
                raise SourceError(member, None, "member is too large")
            if (
                info.compress_size
                and info.file_size / info.compress_size > MAX_RATIO
                and info.file_size > 1 << 20
            ):
                raise SourceError(member, None, "compression ratio is suspicious (zip bomb?)")
            total += info.file_size
            if total > MAX_TOTAL_BYTES:
                raise SourceError(shown, None, "archive unpacks to more than 4 GiB")
        dest.mkdir(parents=True, exist_ok=True)
        for info in infos:
            target = dest / PurePosixPath(info.filename.replace("\\", "/"))
            if info.is_dir():
                target.mkdir(parents=True, exist_ok=True)
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            try:
                with zf.open(info) as src, target.open("wb") as out:
                    # Count what is really written: the header's sizes can lie.
                    written = 0
                    while chunk := src.read(1 << 20):
                        written += len(chunk)
                        if written > MAX_MEMBER_BYTES:
                            raise SourceError(
                                member_name(shown, info.filename), None, "member is larger than it claims"
                            )
                        out.write(chunk)
            except (zipfile.BadZipFile, EOFError, OSError, ValueError) as exc:
                shutil.rmtree(dest, ignore_errors=True)
                raise SourceError(
                    member_name(shown, info.filename), None, f"truncated or corrupt archive ({exc})"
                ) from None
    return dest
