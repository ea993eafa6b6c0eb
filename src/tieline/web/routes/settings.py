"""Settings: your own handles ("me"), which decide who sent what."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from tieline.web.pages import render, store_of

router = APIRouter(include_in_schema=False)


@router.get("/settings")
def settings_page(request: Request) -> Response:
    from tieline.services import me

    return render(request, "settings.html", title="Settings", handles=me.show(store_of(request)))


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
