"""The JSON API (``/api/v1``): what the pages do, for scripts. The same services, the same answers as
the CLI's ``--json``. Cookie logins need the ``X-CSRF-Token`` header to change anything; API tokens not."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field

from tieline.web.derived import derived
from tieline.web.pages import as_json, as_of, person_ref, store_of
from tieline.web.routes.people import SORTS

router = APIRouter(tags=["tieline"])


class LogEntry(BaseModel):
    what: str = Field(min_length=1, max_length=2000, description="What happened, in a few words.")
    channel: str = Field("in-person", max_length=20)
    kind: str = Field("conversation", max_length=20)
    when: str | None = Field(None, max_length=40, description="2024-05-31 or 2024-05-31T14:00; default now.")


class Done(BaseModel):
    what: str | None = Field(None, max_length=2000)


class Snooze(BaseModel):
    span: str = Field("1w", max_length=20, description="3d, 2w, 1m...")


@router.get("/people")
def people(
    request: Request,
    q: Annotated[str | None, Query(max_length=200)] = None,
    layer: Annotated[str | None, Query(max_length=20)] = None,
    state: Annotated[str | None, Query(max_length=20)] = None,
    tag: Annotated[str | None, Query(max_length=200)] = None,
    organisation: Annotated[str | None, Query(max_length=200)] = None,
    sort: Annotated[str, Query(pattern="^(" + "|".join(SORTS) + ")$")] = "name",
    limit: Annotated[int, Query(ge=1, le=1000)] = 50,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> Response:
    """People with their tie (strength, layer, state), a page at a time, with how many match in all."""
    from tieline.services import people as service

    store = store_of(request)
    filters: dict[str, Any] = {
        "query": q,
        "layer": layer,
        "state": state,
        "tag": tag,
        "organisation": organisation,
    }
    rows = service.listing(store, sort=sort, limit=limit, offset=offset, catch_up=False, **filters)
    return as_json({"total": service.count(store, **filters), "offset": offset, "people": rows})


@router.get("/people/{person_id}")
def person(
    request: Request,
    person_id: int,
    limit: Annotated[int, Query(ge=1, le=1000)] = 50,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> Response:
    """Everything about one person (as ``people show --json``), the timeline a page at a time."""
    from tieline.services import people as service

    return as_json(service.detail(store_of(request), person_ref(request, person_id), limit, offset))


@router.get("/people/{person_id}/explain")
def explain(request: Request, person_id: int) -> Response:
    """The strength of the tie and why, term by term (as ``model explain --json``)."""
    from tieline.services.strength import explain as service

    return as_json(service(store_of(request), person_ref(request, person_id)))


@router.post("/people/{person_id}/log", status_code=201)
def log(request: Request, person_id: int, entry: LogEntry) -> Response:
    """Record a conversation, a favour given or received, a tidbit or an introduction."""
    from tieline.services import logbook

    iid = logbook.log(
        store_of(request),
        person_ref(request, person_id),
        entry.what,
        channel=entry.channel,
        kind=entry.kind,
        when=entry.when,
    )
    return as_json({"interaction": iid}, status_code=201)


@router.get("/health")
def health(request: Request) -> Response:
    """The network's health (as ``tieline health --json``)."""
    from tieline.insight.health import health as service

    store = store_of(request)
    return as_json(derived(request, "health", lambda: service(store, as_of(request))))


@router.get("/chart")
def chart(request: Request) -> Response:
    """What the dashboard's chart draws, as data."""
    from tieline.insight.plot import chart_data

    return as_json(chart_data(store_of(request), as_of(request)))


@router.get("/due")
def due(request: Request, limit: Annotated[int, Query(ge=1, le=500)] = 10) -> Response:
    """Who to contact this week, best first, with the reason (as ``tieline due --json``)."""
    from tieline.insight.due import due as service

    store = store_of(request)
    return as_json(derived(request, f"due{limit}", lambda: service(store, as_of(request), limit)))


@router.post("/due/{person_id}/done")
def due_done(request: Request, person_id: int, body: Done | None = None) -> Response:
    """You were in touch: logs a contact by the channel you use most with them."""
    from tieline.insight.due import done

    pid, channel = done(store_of(request), person_ref(request, person_id), body.what if body else None, None)
    return as_json({"person": pid, "channel": channel})


@router.post("/due/{person_id}/snooze")
def due_snooze(request: Request, person_id: int, body: Snooze | None = None) -> Response:
    """Not due for a while."""
    from tieline.insight.durations import parse_days
    from tieline.services.decisions import snooze

    pid, until = snooze(
        store_of(request), person_ref(request, person_id), parse_days(body.span if body else "1w")
    )
    return as_json({"person": pid, "until": until.isoformat()})


@router.get("/who")
def who(
    request: Request,
    need: Annotated[str, Query(min_length=1, max_length=500)],
    limit: Annotated[int, Query(ge=1, le=100)] = 10,
) -> Response:
    """Who is best placed to help with a need, and how to reach them (as ``tieline who --json``)."""
    from tieline.insight.who import who as service

    return as_json(service(store_of(request), need, limit))


@router.get("/imports")
def imports(request: Request) -> Response:
    """Every import batch with what it wrote (as ``imports list --json``)."""
    from tieline.services import imports as service

    return as_json(service.listing(store_of(request)))


@router.post("/imports/{batch}/undo")
def undo_import(request: Request, batch: int, with_later: Annotated[bool, Query()] = False) -> Response:
    """Undo an import batch (with ``with_later``: and the later work built on it)."""
    from tieline.services import imports as service

    return as_json({"undone": service.undo(store_of(request), batch, with_later=with_later)})
