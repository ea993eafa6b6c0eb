"""Settings: your own handles ("me"), which decide who sent what, and the cadences you set."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from tieline.web.pages import person_ref, render, store_of

router = APIRouter(include_in_schema=False)


@router.get("/settings")
def settings_page(request: Request) -> Response:
    from tieline.services import decisions, me

    store = store_of(request)
    return render(
        request, "settings.html", title="Settings", handles=me.show(store), cadences=decisions.cadences(store)
    )


@router.post("/settings/me/add")
def add_handle(request: Request, handle: Annotated[str, Form(max_length=500)]) -> Response:
    from tieline.services import me

    me.add(store_of(request), handle)
    return RedirectResponse("/settings", status_code=303)


@router.post("/settings/me/remove")
def remove_handle(request: Request, handle: Annotated[str, Form(max_length=500)]) -> Response:
    from tieline.services import me

    me.remove(store_of(request), handle)
    return RedirectResponse("/settings", status_code=303)


@router.post("/settings/cadence/{person_id}")
def set_cadence(
    request: Request, person_id: int, every: Annotated[str, Form(max_length=20)] = ""
) -> Response:
    """A new cadence for someone ('none' or nothing: back to the tie's own rhythm)."""
    from tieline.insight.durations import parse_days
    from tieline.services import decisions

    clear = every.strip().lower() in ("", "none", "off")
    decisions.set_cadence(
        store_of(request), person_ref(request, person_id), None if clear else parse_days(every)
    )
    return RedirectResponse("/settings", status_code=303)
