"""The JSON API's upload (``POST /api/v1/imports``): what the imports page does, for scripts. The same
streamed upload (web/upload.py: size limit, CSRF before any file, the import's own temporary folder),
the same importer run as a job (web/jobs.py, which removes the folder however the import ends)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from tieline.web.auth import principal_of
from tieline.web.jobs import Job, Jobs
from tieline.web.pages import as_json
from tieline.web.routes.imports import start_upload

router = APIRouter(tags=["tieline"])
# The body is read as a stream (web/upload.py), not by FastAPI: the schema says what it takes.
UPLOAD_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "properties": {
                        "file": {
                            "type": "string",
                            "format": "binary",
                            "description": "An export (repeatable).",
                        },
                        "dates": {"type": "string", "enum": ["day", "month"]},
                        "content": {"type": "string", "enum": ["yes", "no"]},
                    },
                    "required": ["file"],
                }
            }
        },
    }
}


@router.post("/imports", status_code=202, openapi_extra=UPLOAD_BODY)
async def upload_import(request: Request) -> Response:
    """Upload export files (multipart/form-data, any field name; fields ``dates`` = day|month and
    ``content`` = yes|no as on the page). A small import answers at once (200, with ``result`` as
    ``tieline import --json`` prints it); a longer one answers 202 with the job's ``status`` address."""
    job_id, job = await start_upload(request, "send a file to import")
    return _job(job_id, job)


@router.get("/imports/jobs/{job}")
def import_job(request: Request, job: str) -> Response:
    """How far an uploaded import is; once ``done``, its ``result``."""
    jobs: Jobs = request.app.state.jobs
    return _job(job, jobs.of(principal_of(request).account, job))


def _job(job_id: str, job: Job) -> Response:
    done = job.done.is_set()
    body = {
        "job": job_id,
        "status": f"/api/v1/imports/jobs/{job_id}",
        "progress": job.progress(),
        "done": done,
        "result": job.result if done else None,
    }
    return as_json(body, status_code=200 if done else 202)
