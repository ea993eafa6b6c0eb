"""The due list's buttons: done (log a contact) and snooze. The list itself is on the dashboard."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from tieline.web.derived import derived
from tieline.web.pages import as_of, back, is_htmx, person_ref, render, store_of

router = APIRouter(include_in_schema=False)


@router.get("/due")
def due_page(request: Request) -> Response:
    from tieline.insight.due import due

    store = store_of(request)
    return render(
        request,
        "due.html",
        title="Who to contact",
        due=derived(request, "due50", lambda: due(store, as_of(request), 50)),
    )


@router.post("/due/{person_id}/done")
def done(request: Request, person_id: int, what: Annotated[str, Form(max_length=2000)] = "") -> Response:
    from tieline.insight.due import done as service

    pid, channel = service(store_of(request), person_ref(request, person_id), what.strip() or None, None)
    if is_htmx(request):
        return render(request, "due_row_done.html", pid=pid, message=f"Logged a contact ({channel}).")
    return back(request)


@router.post("/due/{person_id}/snooze")
def snooze(request: Request, person_id: int, span: Annotated[str, Form(max_length=20)] = "1w") -> Response:
    from tieline.insight.durations import parse_days
    from tieline.services.decisions import snooze as service

    pid, until = service(store_of(request), person_ref(request, person_id), parse_days(span))
    if is_htmx(request):
        return render(request, "due_row_done.html", pid=pid, message=f"Snoozed until {until:%Y-%m-%d}.")
    return back(request)
