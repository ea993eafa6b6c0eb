"""An export uploaded through the imports page goes through the same importer as `tieline import`,
inside a temporary folder that is gone afterwards."""

from __future__ import annotations

import tempfile
from pathlib import Path

from fastapi.testclient import TestClient

from tieline.services import imports, people

from .conftest import PAYLOADS_VCF, logged_in, make_app

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def _upload_folders() -> set[str]:
    return {p.name for p in Path(tempfile.gettempdir()).glob("tieline-upload-*")}


def test_an_uploaded_export_is_imported_and_its_folder_removed(db_url: str) -> None:
    app = make_app(db_url)
    client = logged_in(app)
    csrf = client.headers.pop("x-csrf-token")
    before = _upload_folders()
    data = (FIXTURES / "vcard" / "iphone.vcf").read_bytes()
    # A misleading name and content type: the reader is picked by what the file holds.
    response = client.post(
        "/imports",
        data={"csrf": csrf},
        files={"file": ("contacts.txt", data, "image/png")},
    )
    assert response.status_code == 200, response.text
    assert "Batch " in response.text and "people created" in response.text
    assert _upload_folders() == before
    store = app.state.stores.of("me")
    listed = imports.listing(store)
    assert len(listed) == 1 and listed[0]["source"] == "vcard"
    page = client.get("/imports").text
    assert "<td>contacts.txt</td>" in page and "tieline-upload-" not in page
    assert people.count(store) > 0
    again = client.post("/imports", data={"csrf": csrf}, files={"file": ("contacts.txt", data, "text/plain")})
    assert "Nothing new" in again.text  # re-importing the same file changes nothing
    app.state.stores.close()


def test_an_upload_without_the_csrf_token_writes_nothing(db_url: str) -> None:
    app = make_app(db_url)
    client = logged_in(app)
    client.headers.pop("x-csrf-token")
    before = _upload_folders()
    refused = client.post("/imports", files={"file": ("a.vcf", PAYLOADS_VCF.encode(), "text/vcard")})
    assert refused.status_code == 403
    assert _upload_folders() == before
    assert people.count(app.state.stores.of("me")) == 0
    app.state.stores.close()


def test_an_upload_over_the_limit_is_refused_and_leaves_nothing(tmp_path: Path) -> None:
    app = make_app(f"sqlite:///{tmp_path / 'x.db'}", upload_limit=1024)
    client = logged_in(app)
    before = _upload_folders()
    big = b"BEGIN:VCARD\r\n" + b"NOTE:" + b"x" * 5000 + b"\r\nEND:VCARD\r\n"
    response = client.post("/imports", files={"file": ("big.vcf", big, "text/vcard")})
    assert response.status_code == 413, response.text
    assert "larger than" in response.text
    assert _upload_folders() == before
    app.state.stores.close()


def test_a_file_no_reader_takes_is_said_in_words(tmp_path: Path) -> None:
    app = make_app(f"sqlite:///{tmp_path / 'x.db'}")
    client = logged_in(app)
    response = client.post(
        "/imports", files={"file": ("photo.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 64, "image/png")}
    )
    assert response.status_code == 200
    assert 'class="error"' in response.text
    assert "tieline-upload-" not in response.text  # the temporary folder is never shown
    assert imports.listing(app.state.stores.of("me")) == []
    app.state.stores.close()


def test_only_the_import_route_takes_a_file(tmp_path: Path) -> None:
    app = make_app(f"sqlite:///{tmp_path / 'x.db'}")
    client: TestClient = logged_in(app)
    response = client.post("/settings/me/add", files={"handle": ("h.txt", b"x@example.org", "text/plain")})
    assert response.status_code == 415


def test_a_long_import_shows_its_progress_until_it_is_done(tmp_path: Path) -> None:
    import threading

    app = make_app(f"sqlite:///{tmp_path / 'x.db'}")
    client = logged_in(app)
    folder = tmp_path / "upload"
    folder.mkdir()
    go_on = threading.Event()

    def work(job: object) -> dict[str, object]:
        job.file, job.records, job.read, job.size = "big.mbox", 12000, 30, 100  # type: ignore[attr-defined]
        go_on.wait(10)
        return {"error": None, "batch": None, "unchanged": 0, "skipped": 0, "notes": ["all read"]}

    job_id = app.state.jobs.start("me", folder, work)
    running = client.get(f"/imports/jobs/{job_id}")
    assert '<meta http-equiv="refresh" content="1">' in running.text
    assert "big.mbox: 12,000 records (30 % of the file)" in running.text
    go_on.set()
    app.state.jobs.of("me", job_id).done.wait(10)
    finished = client.get(f"/imports/jobs/{job_id}")
    assert "all read" in finished.text and "refresh" not in finished.text
    assert not folder.exists()  # the job removed its folder
    assert client.get("/imports/jobs/not-a-job").status_code == 404
    app.state.stores.close()


def test_a_zipped_linkedin_export_is_unpacked_imported_and_removed(tmp_path: Path) -> None:
    import io
    import zipfile

    export = FIXTURES / "linkedin" / "export_2025"
    packed = io.BytesIO()
    with zipfile.ZipFile(packed, "w") as z:
        for path in sorted(export.rglob("*")):
            if path.is_file():
                z.write(path, path.relative_to(export).as_posix())
    app = make_app(f"sqlite:///{tmp_path / 'x.db'}")
    client = logged_in(app)
    zips_before = {p.name for p in Path(tempfile.gettempdir()).glob("tieline-zip-*")}
    before = _upload_folders()
    done = client.post(
        "/imports", files={"file": ("Basic_LinkedInDataExport.zip", packed.getvalue(), "application/zip")}
    )
    assert "people created" in done.text, done.text
    assert imports.listing(app.state.stores.of("me"))[0]["source"].startswith("linkedin")
    assert _upload_folders() == before
    assert {p.name for p in Path(tempfile.gettempdir()).glob("tieline-zip-*")} == zips_before
    app.state.stores.close()
