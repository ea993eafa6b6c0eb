"""Issue 12, cases 4 and 9: archives are unpacked once per import, within one budget and depth, into a
folder removed on every exit path; a truncated zip is refused rather than half-imported."""

from __future__ import annotations

import io
import tempfile
import zipfile
from pathlib import Path

import pytest

from tests.cli import tieline
from tests.corpora import FIXTURES
from tieline.errors import SourceError, TielineError
from tieline.sources import archive, registry

CARD = "BEGIN:VCARD\nVERSION:3.0\nFN:Person {n}\nEMAIL:p{n}@example.org\nEND:VCARD\n"
MBOX = FIXTURES / "mbox"


def _zip(members: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buf.getvalue()


def _cards_zip(path: Path, count: int = 20) -> Path:
    path.write_bytes(_zip({f"cards/{n}.vcf": CARD.format(n=n).encode() for n in range(count)}))
    return path


def _run_in(tmpdir: Path, db: str, *args: str, monkeypatch: pytest.MonkeyPatch) -> tuple[int, str]:
    """A real import (in-process) whose temporary folder is ``tmpdir``: what it leaves there, it leaves behind."""
    monkeypatch.setattr(tempfile, "tempdir", str(tmpdir))
    try:
        run = tieline(db, "import", *args)
    except TielineError as exc:
        return 1, str(exc)
    return run.code, run.err


def test_a_zip_import_leaves_nothing_in_tmpdir_on_success_and_on_failure(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tmpdir = tmp_path / "tmp"
    tmpdir.mkdir()
    before = sorted(tmpdir.iterdir())
    db = f"sqlite:///{tmp_path / 'x.db'}"
    code, err = _run_in(tmpdir, db, str(_cards_zip(tmp_path / "cards.zip")), monkeypatch=monkeypatch)
    assert code == 0, err
    assert sorted(tmpdir.iterdir()) == before
    # A failure after unpacking: the second zip in a zip is unsafe, the first was already unpacked.
    bad = tmp_path / "bad.zip"
    bad.write_bytes(
        _zip({"a.zip": _cards_zip(tmp_path / "a.zip").read_bytes(), "b.zip": _zip({"../evil.vcf": b"x"})})
    )
    code, err = _run_in(tmpdir, db, str(bad), monkeypatch=monkeypatch)
    assert code != 0 and "escapes the archive" in err and "Traceback" not in err
    assert sorted(tmpdir.iterdir()) == before
    assert len(tieline(db, "people", "list", "--json").json()) == 20


def test_one_unpacking_per_import_even_with_the_questions_before_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    export = tmp_path / "mail.zip"
    export.write_bytes(_zip({f"Mail/{p.name}": p.read_bytes() for p in sorted(MBOX.glob("*.mbox"))[:2]}))
    calls: list[Path] = []
    real = archive.extract

    def counting(path: Path, dest: Path, shown: str | None = None, **kw: object) -> Path:
        calls.append(path)
        return real(path, dest, shown, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(archive, "extract", counting)
    tieline(f"sqlite:///{tmp_path / 'x.db'}", "import", str(export), "--json")
    assert calls == [export]


def test_zips_nested_deeper_than_the_limit_are_refused_in_one_line(tmp_path: Path) -> None:
    data = _zip({"card.vcf": CARD.format(n=1).encode()})
    for depth in range(archive.MAX_DEPTH + 2):
        data = _zip({f"level{depth}.zip": data})
    nested = tmp_path / "nested.zip"
    nested.write_bytes(data)
    with archive.unpacking(), pytest.raises(SourceError, match="nested more than"):
        list(registry.plan([nested]))


def test_a_zip_nested_1500_deep_ends_without_recursion_error(tmp_path: Path) -> None:
    data = b"BEGIN:VCARD\nEND:VCARD\n"
    for depth in range(1500):
        data = _zip({"z.zip" if depth else "c.vcf": data}, zipfile.ZIP_STORED)
    nested = tmp_path / "deep.zip"
    nested.write_bytes(data)
    with pytest.raises(TielineError, match="nested more than"):  # one line, not a RecursionError
        tieline(f"sqlite:///{tmp_path / 'x.db'}", "import", str(nested))


def test_the_budget_is_shared_across_nesting_levels(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(archive, "MAX_TOTAL_BYTES", 300_000)
    inner = _zip({f"{n}.txt": b"x" * 100_000 for n in range(2)})  # 200 KB unpacked, under the limit alone
    outer = tmp_path / "outer.zip"
    outer.write_bytes(_zip({"a.zip": inner, "b.zip": inner}))  # 400 KB in all, over it
    with archive.unpacking(), pytest.raises(SourceError, match="unpacks to more than"):
        list(registry.plan([outer]))


def test_a_truncated_stored_zip_is_refused_not_half_imported(tmp_path: Path) -> None:
    data = _zip({f"{n}.vcf": CARD.format(n=n).encode() for n in range(50)}, zipfile.ZIP_STORED)
    cut = tmp_path / "cards.zip"
    cut.write_bytes(data[: len(data) // 2])
    db = f"sqlite:///{tmp_path / 'x.db'}"
    with pytest.raises(TielineError, match="truncated or corrupt zip"):
        tieline(db, "import", str(cut))
    assert tieline(db, "people", "list", "--json").json() == []
