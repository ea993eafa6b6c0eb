"""Reading a JSON document of any size piece by piece, in bounded memory.

A :class:`Cursor` walks the document's containers in order and hands each chosen value (a message,
a contact, a small header object) to the standard library's decoder whole, so every value is the
one ``json.load`` would give and every error carries the decoder's words and the line it found.
Only the text around the value being decoded is held (read ``CHUNK`` bytes at a time; one value
may span at most ``MAX_VALUE`` characters), however large the file.

``open_json`` turns every failure into one SourceError naming the file, as ``load`` does; ``load`` reads a
small document (a jCard, a friends list) whole, with a size cap and a nesting limit checked before decoding.
"""

from __future__ import annotations

import codecs
import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, BinaryIO

from tieline.errors import SourceError
from tieline.sources.base import open_binary

CHUNK = 1 << 20  # bytes read at a time
MAX_BYTES = 200 * 1024 * 1024  # what ``load`` reads whole
MAX_DEPTH = 64  # nesting ``load`` accepts: an export is a few levels deep
MAX_VALUE = 64 << 20  # characters one decoded value may span: a message is a few KB
# A decoder error this far before the end of the text read so far is not for want of more text:
# only a cut literal, number or escape ends that close to it, and a cut string says "Unterminated".
_MARGIN = 64

_DECODER = json.JSONDecoder()
_SPACE = re.compile(r"[ \t\n\r]*")


class JSONError(Exception):
    """Invalid JSON at a line of the file, in the words of the standard library's decoder."""

    def __init__(self, msg: str, line: int) -> None:
        super().__init__(f"{msg}: line {line}")
        self.msg = msg
        self.line = line


class Cursor:
    """A place in a JSON text; each value at the cursor must be read with one of the methods below."""

    def __init__(self, fh: BinaryIO, chunk: int = CHUNK, max_value: int = MAX_VALUE) -> None:
        self._fh = fh
        self._text = codecs.getincrementaldecoder("utf-8-sig")()  # strict: bad bytes raise
        self._chunk = chunk
        self._max = max_value
        self._buf = ""
        self._pos = 0
        self._lines = 0  # line breaks in the text already dropped from the buffer
        self._eof = False
        self._taken = 0  # values started so far: tells whether a caller read the value it was given

    def peek(self) -> str:
        """The first character of the next value or token ("" at the end of the text)."""
        while True:
            match = _SPACE.match(self._buf, self._pos)
            if match:
                self._pos = match.end()
            if self._pos < len(self._buf):
                return self._buf[self._pos]
            if not self._more():
                return ""

    def value(self) -> Any:
        """The next value, decoded whole."""
        self.peek()
        self._taken += 1
        while True:
            try:
                obj, end = _DECODER.raw_decode(self._buf, self._pos)
            except json.JSONDecodeError as exc:
                final = exc.pos + _MARGIN < len(self._buf) and not exc.msg.startswith("Unterminated")
                if final or self._eof:
                    raise self._error(exc.msg, exc.pos) from None
                if len(self._buf) - self._pos > self._max:
                    limit = f"{self._max >> 20} MB" if self._max >= 1 << 20 else f"{self._max} characters"
                    raise self._error(f"one value longer than {limit}", self._pos) from None
                self._more()
                continue
            if len(self._buf) - end < 3 and not self._eof:
                self._more()  # a number may go on: "0." and "1e-" are the start of one
                continue
            self._pos = end
            return obj

    def members(self) -> Iterator[str]:
        """The keys of the object at the cursor; a value the caller does not read is skipped."""
        self._open("{")
        if self.peek() == "}":
            self._pos += 1
            return
        while True:
            if self.peek() != '"':
                raise self._error("Expecting property name enclosed in double quotes", self._pos)
            key = self.value()
            if self.peek() != ":":
                raise self._error("Expecting ':' delimiter", self._pos)
            self._pos += 1
            before = self._taken
            yield key
            if self._taken == before:
                self.skip()
            if not self._next("}"):
                return

    def items(self) -> Iterator[int]:
        """The index of each element of the array at the cursor; an element not read is skipped."""
        self._open("[")
        if self.peek() == "]":
            self._pos += 1
            return
        index = 0
        while True:
            before = self._taken
            yield index
            if self._taken == before:
                self.skip()
            index += 1
            if not self._next("]"):
                return

    def skip(self) -> None:
        """Step over the next value without holding more than one of its scalars."""
        first = self.peek()
        if first == "{":
            for _ in self.members():
                self.skip()
        elif first == "[":
            for _ in self.items():
                self.skip()
        else:
            self.value()

    def finish(self) -> None:
        """Check that nothing but white space follows the document."""
        if self.peek():
            raise self._error("Extra data", self._pos)

    def _open(self, bracket: str) -> None:
        if self.peek() != bracket:
            raise self._error("Expecting value", self._pos)
        self._taken += 1
        self._pos += 1

    def _next(self, close: str) -> bool:
        """After a member or element: True for a comma (more follow), False for the closing bracket."""
        char = self.peek()
        self._pos += 1
        if char == ",":
            return True
        if char == close:
            return False
        self._pos -= 1
        raise self._error("Expecting ',' delimiter", self._pos)

    def _more(self) -> bool:
        """Drop the text already read and append the next piece; False at the end of the file."""
        if self._eof:
            return False
        if self._pos:
            self._lines += self._buf.count("\n", 0, self._pos)
            self._buf = self._buf[self._pos :]
            self._pos = 0
        # Doubling the read keeps the cost of a value that spans many pieces linear.
        data = self._fh.read(max(self._chunk, len(self._buf)))
        text = self._text.decode(data, final=not data)
        if not data:
            self._eof = True
            return False
        self._buf += text
        return True

    def _error(self, msg: str, pos: int) -> JSONError:
        return JSONError(msg, self._lines + self._buf.count("\n", 0, pos) + 1)


@contextmanager
def open_json(path: Path, counted: bool = False) -> Iterator[Cursor]:
    """A cursor at the start of the file; every failure inside the block becomes one SourceError.

    ``counted``: the importer's progress follows this reading (the pass that yields the records).
    """
    with failures_named(path), open_binary(path, counted) as fh:
        yield Cursor(fh, CHUNK, MAX_VALUE)


@contextmanager
def failures_named(path: Path) -> Iterator[None]:
    """Every failure of reading JSON from ``path`` as one SourceError naming the file (and the line)."""
    try:
        yield
    except SourceError:
        raise
    except (JSONError, json.JSONDecodeError) as exc:
        line = exc.line if isinstance(exc, JSONError) else exc.lineno
        raise SourceError(str(path), f"line {line}", f"invalid JSON ({exc.msg})") from None
    except UnicodeDecodeError:
        raise SourceError(str(path), None, "not UTF-8 text") from None
    except RecursionError:
        raise SourceError(str(path), None, "JSON nested too deeply") from None
    except OSError as exc:
        raise SourceError(str(path), None, f"cannot open the file ({exc.strerror or exc})") from None
    except (MemoryError, ValueError) as exc:
        raise SourceError(str(path), None, f"cannot read the file ({exc})") from None


_STRINGS = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"', re.S)  # unrolled: no stack per character
_BRACKETS = re.compile(rb"[\[\]{}]")


def check_depth(data: bytes, shown: str, limit: int = MAX_DEPTH) -> None:
    """Refuse JSON nested deeper than ``limit`` without recursing (strings are skipped first)."""
    depth = 0
    for m in _BRACKETS.finditer(_STRINGS.sub(b'""', data)):
        if m.group() in (b"[", b"{"):
            depth += 1
            if depth > limit:
                raise SourceError(shown, f"byte {m.start()}", f"JSON is nested more than {limit} levels deep")
        else:
            depth -= 1


def load(path: Path, too_big: str = "file too large to read at once", max_bytes: int | None = None) -> Any:
    """The parsed document of a small JSON file; raises SourceError naming the file (and the line).

    Empty files, files over ``max_bytes`` (default ``MAX_BYTES``) and nesting over ``MAX_DEPTH`` are refused
    before decoding. For small documents only: the chat exports stream theirs with :class:`Cursor`.
    """
    shown = str(path)
    with failures_named(path), open_binary(path) as fh:
        limit = MAX_BYTES if max_bytes is None else max_bytes
        pieces: list[bytes] = []
        read = 0
        while piece := fh.read(CHUNK):  # not read(limit): that allocates the whole limit at once
            pieces.append(piece)
            read += len(piece)
            if read > limit:
                size = max(read, path.stat().st_size)
                raise SourceError(shown, None, f"{too_big} ({size // 2**20} MB)")
        data = b"".join(pieces)
        data = data.removeprefix(b"\xef\xbb\xbf")
        if not data.strip():
            raise SourceError(shown, None, "empty file")
        check_depth(data, shown)
        return json.loads(data.decode("utf-8"))
