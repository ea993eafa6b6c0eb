"""An upload, streamed straight into the import's own temporary folder: never kept in memory whole,
never written anywhere else, refused past the size limit as the bytes arrive, and only after the
form's CSRF token (which the form sends before the file) was checked."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path
from typing import Any

from fastapi import HTTPException, Request
from python_multipart.exceptions import MultipartParseError
from python_multipart.multipart import MultipartParser, parse_options_header

from tieline.web.auth import CSRF_FIELD, check_csrf, principal_of

_UNSAFE = re.compile(r"[^A-Za-z0-9._ -]+")
MAX_FILES = 20


def safe_name(raw: str) -> str:
    """The file's own name without any folder and with only plain characters (readers look at suffixes)."""
    base = raw.replace("\\", "/").rsplit("/", 1)[-1]
    cleaned = _UNSAFE.sub("_", base).strip(". ")[:120]
    return cleaned or "upload"


def new_folder() -> Path:
    """The import's temporary folder (private to this user); whoever imports from it removes it."""
    return Path(tempfile.mkdtemp(prefix="tieline-upload-"))


class _Receiver:
    """The parser's callbacks: fields into ``fields``, files into ``folder``."""

    def __init__(self, request: Request, folder: Path, limit: int) -> None:
        self.request = request
        self.folder = folder
        self.limit = limit
        self.fields: dict[str, str] = {}
        self.files: list[Path] = []
        self.received = 0
        self._header_field = b""
        self._headers: dict[bytes, bytes] = {}
        self._name = ""
        self._value = bytearray()
        self._out: object = None
        self.csrf_checked = bool(getattr(request.state, "csrf_checked", False))  # by its header

    def on_part_begin(self) -> None:
        self._headers, self._name, self._value, self._out = {}, "", bytearray(), None

    def on_header_field(self, data: bytes, start: int, end: int) -> None:
        self._header_field += data[start:end]

    def on_header_value(self, data: bytes, start: int, end: int) -> None:
        key = self._header_field.lower()
        self._headers[key] = self._headers.get(key, b"") + data[start:end]

    def on_header_end(self) -> None:
        self._header_field = b""

    def on_headers_finished(self) -> None:
        _, options = parse_options_header(self._headers.get(b"content-disposition", b""))
        self._name = options.get(b"name", b"").decode("utf-8", "replace")
        filename = options.get(b"filename")
        if filename is not None:
            if not self.csrf_checked:
                check_csrf(principal_of(self.request), self.fields.get(CSRF_FIELD))
                self.csrf_checked = True
            if len(self.files) >= MAX_FILES:
                raise HTTPException(413, f"at most {MAX_FILES} files at once")
            own = self.folder / str(len(self.files) + 1)  # a folder each: two files may share a name
            own.mkdir()
            path = own / safe_name(filename.decode("utf-8", "replace"))
            self.files.append(path)
            self._out = path.open("wb")

    def on_part_data(self, data: bytes, start: int, end: int) -> None:
        self.received += end - start
        if self.received > self.limit:
            raise HTTPException(413, f"the upload is larger than {self.limit // (1024 * 1024)} MB")
        if self._out is not None:
            self._out.write(data[start:end])  # type: ignore[attr-defined]
        else:
            if len(self._value) + end - start > 10_000:
                raise HTTPException(413, "a form field is too long")
            self._value += data[start:end]

    def on_part_end(self) -> None:
        if self._out is not None:
            self._out.close()  # type: ignore[attr-defined]
            self._out = None
        elif self._name:
            self.fields[self._name] = self._value.decode("utf-8", "replace")


async def receive(request: Request, folder: Path, limit: int) -> tuple[dict[str, str], list[Path]]:
    """Read a multipart form: its fields, and its files written into ``folder``."""
    content_type, options = parse_options_header(request.headers.get("content-type", ""))
    boundary = options.get(b"boundary")
    if content_type != b"multipart/form-data" or not boundary:
        raise HTTPException(415, "send the file with a form (multipart/form-data)")
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit + 64 * 1024:
        raise HTTPException(413, f"the upload is larger than {limit // (1024 * 1024)} MB")
    got = _Receiver(request, folder, limit)
    callbacks = {
        name: getattr(got, name)
        for name in (
            "on_part_begin",
            "on_part_data",
            "on_part_end",
            "on_header_field",
            "on_header_value",
            "on_header_end",
            "on_headers_finished",
        )
    }
    parser = MultipartParser(boundary, callbacks)  # type: ignore[arg-type]
    try:
        async for chunk in request.stream():
            parser.write(chunk)
        parser.finalize()
    except MultipartParseError as exc:
        raise HTTPException(400, f"the form could not be read: {exc}") from None
    finally:
        if got._out is not None:
            got._out.close()  # type: ignore[attr-defined]
    if not got.csrf_checked:
        check_csrf(principal_of(request), got.fields.get(CSRF_FIELD))
    return got.fields, got.files


def without_folder(data: Any, folder: Path) -> Any:
    """``data`` with the temporary folder taken out of every text: the user sees ``contacts.vcf``."""
    pattern = re.compile(re.escape(str(folder)) + r"/\d+/")
    if isinstance(data, str):
        return pattern.sub("", data)
    if isinstance(data, dict):
        return {k: without_folder(v, folder) for k, v in data.items()}
    if isinstance(data, list):
        return [without_folder(v, folder) for v in data]
    return data
