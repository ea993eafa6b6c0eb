"""Text repair shared by the readers: bytes that are not UTF-8, and UTF-8 that was read as Latin-1.

``decode_line`` reads a line as UTF-8 when it is, else as Windows-1252 (an Excel re-save), with Latin-1
for the five bytes Windows-1252 leaves undefined, so one stray byte never makes a file unreadable.
``fix_mojibake`` undoes the escaping of Meta's exports, which write UTF-8 bytes as Latin-1 code points.
``guess_encoding`` tells the encoding of a file that is neither (Shift-JIS, GB18030...) with charset-normalizer.
"""

from __future__ import annotations

import codecs
import logging
from collections.abc import Callable

log = logging.getLogger("tieline.sources")


def decode_line(raw: bytes, fallback: str = "cp1252") -> str:
    """UTF-8 when it is, else ``fallback`` (Windows-1252), else Latin-1 (which decodes anything)."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        try:
            return raw.decode(fallback)
        except (UnicodeDecodeError, LookupError):
            return raw.decode("latin-1")


def fix_mojibake(text: str) -> str:
    """Undo UTF-8-read-as-Latin-1; strings that are not mangled come back unchanged."""
    if not any("\x80" <= ch <= "\xff" for ch in text):
        return text
    try:
        return text.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return text


SAMPLE = 1 << 16  # what the encoding is guessed from
UNSURE_BELOW = 32  # bytes outside ASCII a guess needs before it is trusted without a word
# The guesses acted on: multi-byte encodings (Japanese, Chinese, Korean) from any evidence, and the
# non-Latin single-byte ones from enough of it. A Latin single-byte guess (cp775, cp1250...) from a few
# accented letters is a lottery: those files are read line by line as Windows-1252, as an Excel re-save.
MULTI_BYTE = frozenset(
    {"shift_jis", "cp932", "euc_jp", "iso2022_jp", "shift_jis_2004", "shift_jisx0213", "euc_jis_2004"}
    | {
        "gb2312",
        "gbk",
        "gb18030",
        "hz",
        "big5",
        "big5hkscs",
        "cp950",
        "euc_kr",
        "cp949",
        "johab",
        "iso2022_kr",
    }
)
NON_LATIN = frozenset(
    {"cp1251", "koi8_r", "koi8_u", "iso8859_5", "cp866", "mac_cyrillic", "cp1253", "iso8859_7", "cp1255"}
    | {"iso8859_8", "cp1256", "iso8859_6", "cp874", "tis_620"}
)


def guess_encoding(sample: bytes, shown: str) -> str | None:
    """The encoding of a file that does not say, when it is not UTF-8 nor Windows-1252; None otherwise.

    UTF-8 (or UTF-8 cut mid-character at the sample's end) and the Western single-byte encodings are
    left to :func:`decode_line`, which reads each line as UTF-8 first. Anything else (Shift-JIS, GB18030,
    Big5, EUC-KR, Windows-1251...) is asked of charset-normalizer; when its guess is unsure, a warning
    says so and how to set it (``--encoding``).
    """
    try:
        sample.decode("utf-8")
        return None
    except UnicodeDecodeError as exc:
        if exc.start >= len(sample) - 3:
            return None
    try:
        from charset_normalizer import from_bytes
    except ImportError:  # pragma: no cover - a dependency; without it, Windows-1252 as before
        log.warning("%s: not UTF-8, and charset-normalizer is missing: read as Windows-1252", shown)
        return None
    best = from_bytes(sample).best()
    if best is None:
        log.warning(
            "%s: the text encoding could not be told; read as Windows-1252 (set it with --encoding)", shown
        )
        return None
    name = best.encoding
    evidence = sum(byte > 0x7F for byte in sample)
    if name in NON_LATIN and evidence >= UNSURE_BELOW and best.chaos <= 0.2:
        log.info("text read as %s (guessed from the file)", name)
        return name
    if name not in MULTI_BYTE:
        return None
    if evidence < UNSURE_BELOW or best.chaos > 0.2:
        log.warning("%s: text read as %s, a guess from little text (set it with --encoding)", shown, name)
    else:
        log.info("text read as %s (guessed from the file)", name)
    return name


def line_decoder(encoding: str | None) -> Callable[[bytes], str]:
    """How to decode each line: in ``encoding`` (bad bytes replaced), or by :func:`decode_line`."""
    if encoding is None:
        return decode_line
    codecs.lookup(encoding)  # LookupError for a name Python does not know
    return lambda raw: raw.decode(encoding, errors="replace")
