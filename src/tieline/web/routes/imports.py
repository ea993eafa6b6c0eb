"""Imports: upload an export (read by the same importer as ``tieline import``), list the batches, undo one."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from tieline.errors import TielineError
from tieline.store.db import Store
from tieline.web import upload
from tieline.web.pages import render, store_of

router = APIRouter(include_in_schema=False)


@router.get("/imports")
def imports_page(request: Request) -> Response:
    from tieline.services import imports as service

    return render(request, "imports.html", title="Imports", batches=service.listing(store_of(request)))


def run_import(store: Store, files: list[Path], fields: dict[str, str]) -> dict[str, Any]:
    """What ``tieline import`` does without a terminal: the owner taken when certain, dates read day-first
    when ambiguous unless the form says otherwise; the result as ``import --json`` prints it."""
    from tieline.ingest.batch import ImportOptions
    from tieline.services import imports as service
    from tieline.services import me as me_service
    from tieline.sources import archive

    notes: list[str] = []
    day_first = {"day": True, "month": False}.get(fields.get("dates", ""))
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
        options = ImportOptions(content=fields.get("content", "yes") != "no", day_first=day_first)
        try:
            result, _ = service.import_paths(store, files, options)
        except TielineError as exc:
            return {"error": str(exc), "notes": notes}
    return {**result.as_json(), "notes": notes, "error": None}


@router.post("/imports")
async def upload_import(request: Request) -> Response:
    """Upload one or more export files; they are imported, then removed with their temporary folder."""
    store = store_of(request)
    with upload.upload_folder() as folder:
        fields, files = await upload.receive(request, folder, request.app.state.config.upload_limit)
        if not files:
            raise TielineError("choose a file to import")
        outcome = upload.without_folder(await run_in_threadpool(run_import, store, files, fields), folder)
    return render(request, "import_done.html", title="Import", r=outcome)


@router.post("/imports/{batch}/undo")
def undo(request: Request, batch: int, with_later: Annotated[str, Form()] = "") -> Response:
    from tieline.services import imports as service

    service.undo(store_of(request), batch, with_later=with_later == "yes")
    return RedirectResponse("/imports", status_code=303)
