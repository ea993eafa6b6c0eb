"""Imports: upload an export (read by the same importer as ``tieline import``), list the batches, undo one."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from tieline.errors import TielineError
from tieline.store.db import Store
from tieline.web import upload
from tieline.web.auth import principal_of
from tieline.web.jobs import Job, Jobs
from tieline.web.pages import render, store_of

router = APIRouter(include_in_schema=False)


@router.get("/imports")
def imports_page(request: Request) -> Response:
    from tieline.services import imports as service

    return render(request, "imports.html", title="Imports", batches=service.listing(store_of(request)))


def run_import(store: Store, files: list[Path], fields: dict[str, str], job: Job) -> dict[str, Any]:
    """What ``tieline import`` does without a terminal: the owner taken when certain, dates read day-first
    when ambiguous unless the form says otherwise; the result as ``import --json`` prints it. Tells ``job``
    which file it reads and how far."""
    from tieline.ingest.batch import ImportOptions
    from tieline.services import imports as service
    from tieline.services import me as me_service
    from tieline.sources import archive

    notes: list[str] = []
    day_first = {"day": True, "month": False}.get(fields.get("dates", ""))

    def on_file(shown: str, size: int) -> None:
        job.file, job.size, job.read, job.records = Path(shown).name, size, 0, 0

    def on_records(n: int, done: int) -> None:
        job.records, job.read = n, done

    with archive.unpacking():
        asked = service.questions(store, files, None, day_first)
        if asked["me"] and asked["me_certain"]:
            me_service.add(store, asked["me"])
            notes.append(f"{asked['me']} taken as you: {asked['me_why']} (Settings to change it).")
        elif asked["me"]:
            notes.append(
                f"Who you are is not set; {asked['me']} may be you ({asked['me_why']}): add it in Settings."
            )
        for shown in asked["ambiguous_dates"]:
            notes.append(f"{Path(shown).name}: dates could be day-first or month-first; read as day-first.")
        options = ImportOptions(
            content=fields.get("content", "yes") != "no", day_first=day_first, progress=on_records
        )
        try:
            result, _ = service.import_paths(store, files, options, on_file=on_file)
        except TielineError as exc:
            return {"error": str(exc), "notes": notes}
    return {**result.as_json(), "notes": notes, "error": None}


WAIT_SECONDS = 2.0  # a small import is answered at once; a longer one shows its progress


async def start_upload(request: Request, no_file: str) -> tuple[str, Job]:
    """Receive an upload into the import's own temporary folder and import it as a job (the page and the
    API both): waits up to WAIT_SECONDS, so a small import is done when this returns."""
    store = store_of(request)
    account = principal_of(request).account
    folder = upload.new_folder()
    try:
        fields, files = await upload.receive(request, folder, request.app.state.config.upload_limit)
        if not files:
            raise TielineError(no_file)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    jobs: Jobs = request.app.state.jobs

    def work(job: Job) -> dict[str, Any]:
        return dict(upload.without_folder(run_import(store, files, fields, job), folder))

    job_id = jobs.start(account, folder, work)
    job = jobs.of(account, job_id)
    await run_in_threadpool(job.done.wait, WAIT_SECONDS)
    return job_id, job


@router.post("/imports")
async def upload_import(request: Request) -> Response:
    """Upload one or more export files; they are imported in the background (``/imports/jobs/ID`` shows
    how far), then removed with their temporary folder."""
    job_id, _ = await start_upload(request, "choose a file to import")
    return RedirectResponse(f"/imports/jobs/{job_id}", status_code=303)


@router.get("/imports/jobs/{job}")
def import_job(request: Request, job: str) -> Response:
    """How far an import is (the page reloads itself every second until it is done), then what it did."""
    jobs: Jobs = request.app.state.jobs
    found = jobs.of(principal_of(request).account, job)
    if not found.done.is_set():
        return render(request, "import_running.html", title="Importing", job=found.progress())
    return render(request, "import_done.html", title="Import", r=found.result)


@router.post("/imports/{batch}/undo")
def undo(request: Request, batch: int, with_later: Annotated[str, Form()] = "") -> Response:
    from tieline.services import imports as service

    service.undo(store_of(request), batch, with_later=with_later == "yes")
    return RedirectResponse("/imports", status_code=303)
