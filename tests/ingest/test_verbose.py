"""Issue 12, case 10: ``--verbose`` logs what is read and decided, with no personal data at INFO."""

from __future__ import annotations

import io
import subprocess
import sys
import zipfile
from pathlib import Path

CARDS = "".join(
    f"BEGIN:VCARD\nVERSION:3.0\nFN:Secretname{n} Person\nEMAIL:secret{n}@example.org\nEND:VCARD\n"
    for n in range(3)
)


def test_verbose_says_what_is_read_and_decided_without_names(tmp_path: Path) -> None:
    folder = tmp_path / "Privatefolder"
    folder.mkdir()
    (folder / "Secretname contacts.vcf").write_text(CARDS, encoding="utf-8")
    (folder / "README.txt").write_text("hello\n", encoding="utf-8")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("more/Secretname2.vcf", CARDS.replace("Secretname", "Othername"))
    (folder / "archive.zip").write_bytes(buf.getvalue())
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "tieline",
            "--db",
            f"sqlite:///{tmp_path / 'x.db'}",
            "--verbose",
            "import",
            str(folder),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    info = [line for line in run.stderr.splitlines() if line.startswith("INFO ")]
    said = "\n".join(info)
    assert "for the vcard reader" in said  # what reader took which kind of file
    assert "passed over a .txt file no reader claims" in said
    assert "unpacked an archive" in said
    assert "file 1 of 2 (vcard): imported" in said
    for private in ("Secretname", "Othername", "secret0@", "Privatefolder", str(tmp_path)):
        assert private not in said, private


def test_without_verbose_nothing_is_logged(tmp_path: Path) -> None:
    path = tmp_path / "c.vcf"
    path.write_text(CARDS, encoding="utf-8")
    run = subprocess.run(
        [sys.executable, "-m", "tieline", "--db", f"sqlite:///{tmp_path / 'x.db'}", "import", str(path)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0 and "INFO" not in run.stderr
