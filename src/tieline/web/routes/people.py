"""The people list: search, filters (layer, state, tag, organisation), sorts, pages read from the
database a page at a time (fast at 30,000 people)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from tieline.web.pages import as_of, is_htmx, render, store_of

router = APIRouter(include_in_schema=False)
PAGE = 50
# A search is counted no further than this: counting every match would read every row of a large network.
COUNT_MOST = 10_000
LAYERS = ("support", "sympathy", "affinity", "active", "beyond")
STATES = ("strong", "stable", "fading", "dormant", "new", "unknown")
SORTS = ("name", "strength", "last")


@dataclass(frozen=True)
class Shown:
    """What the list is asked to show (the query string, checked)."""

    q: str = ""
    layer: str = ""
    state: str = ""
    tag: str = ""
    org: str = ""
    sort: str = "name"

    def link(self, **changes: object) -> str:
        values = {**asdict(self), **changes}
        return "/people?" + urlencode({k: v for k, v in values.items() if v not in ("", None, 1)})


@router.get("/people")
def people_page(
    request: Request,
    q: Annotated[str, Query(max_length=200)] = "",
    layer: Annotated[str, Query(max_length=20)] = "",
    state: Annotated[str, Query(max_length=20)] = "",
    tag: Annotated[str, Query(max_length=200)] = "",
    org: Annotated[str, Query(max_length=200)] = "",
    sort: Annotated[str, Query(max_length=20)] = "name",
    page: Annotated[int, Query(ge=1, le=1_000_000)] = 1,
) -> Response:
    from tieline.services import people as service

    shown = Shown(
        q.strip(), layer if layer in LAYERS else "", state if state in STATES else "", tag, org, sort
    )
    if sort not in SORTS:
        shown = Shown(shown.q, shown.layer, shown.state, tag, org, "name")
    store = store_of(request)
    filters: dict[str, Any] = {
        "query": shown.q or None,
        "layer": shown.layer or None,
        "state": shown.state or None,
        "tag": shown.tag or None,
        "organisation": shown.org or None,
    }
    rows = service.listing(
        store,
        sort=shown.sort,
        as_of=as_of(request),
        limit=PAGE,
        offset=(page - 1) * PAGE,
        catch_up=False,
        **filters,
    )
    searched = bool(shown.q or shown.tag or shown.org)
    total = service.count(store, most=COUNT_MOST if searched else None, **filters)
    more = searched and total >= COUNT_MOST
    pages = max(1, -(-total // PAGE), page + 1 if more and len(rows) == PAGE else page)
    context: dict[str, Any] = {
        "title": "People",
        "rows": rows,
        "total": total,
        "more": more,
        "page": page,
        "pages": pages,
        "shown": shown,
        "layers": LAYERS,
        "states": STATES,
        "sorts": SORTS,
    }
    if is_htmx(request) and request.headers.get("hx-target") == "people-results":
        return render(request, "people_results.html", **context)
    return render(request, "people.html", **context)
