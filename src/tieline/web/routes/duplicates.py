"""Likely duplicates: merge a pair, or say they are not the same person."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from tieline.web.pages import render, store_of

router = APIRouter(include_in_schema=False)


@router.get("/duplicates")
def duplicates_page(request: Request) -> Response:
    from tieline.services import merge

    store = store_of(request)
    return render(
        request,
        "duplicates.html",
        title="Duplicates",
        pairs=merge.candidates(store),
        merges=merge.listing(store)[:20],
    )


@router.post("/duplicates/{pair}/merge")
def merge_pair(request: Request, pair: int) -> Response:
    """Merge the pair: the second person into the first (undone from the list of merges)."""
    from tieline.services import merge

    merge.merge_pair(store_of(request), pair)
    return RedirectResponse("/duplicates", status_code=303)


@router.post("/duplicates/{pair}/reject")
def reject_pair(request: Request, pair: int) -> Response:
    from tieline.services import merge

    merge.dismiss(store_of(request), pair)
    return RedirectResponse("/duplicates", status_code=303)


@router.post("/merges/{merge_id}/undo")
def undo_merge(request: Request, merge_id: int) -> Response:
    from tieline.services import merge

    merge.undo_merge(store_of(request), merge_id)
    return RedirectResponse("/duplicates", status_code=303)
