"""A person: profile, handles and where each came from, jobs, the strength and why, the timeline a
page at a time; log a contact, and change what only you know (how you met, notes, tags, cadence)."""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import RedirectResponse, Response

from tieline.errors import TielineError
from tieline.web.pages import as_of, is_htmx, person_ref, render, store_of

router = APIRouter(include_in_schema=False)
TIMELINE_PAGE = 25
# The same lists as services/logbook.py, named here so that the module loads without the service.
CHANNELS = ("in-person", "meeting", "call", "email", "sms", "chat", "letter", "social", "note")
KINDS = ("conversation", "favor-given", "favor-received", "tidbit", "intro")
FAVOURS = ("favor-given", "favor-received", "tidbit", "intro")


_HOST_AND_PATH = re.compile(r"^[a-z0-9-]+(\.[a-z0-9-]+)+(/[^\s]*)?$", re.I)


def _safe_link(kind: str, value: str) -> str | None:
    """An address worth a link: a profile stored as ``host/path`` (how imports keep URLs) opened over
    https; anything else (a ``javascript:`` value, whatever wrote it) stays text."""
    if kind in ("url", "linkedin") and _HOST_AND_PATH.match(value):
        return "https://" + value
    return None


@router.get("/people/{person_id}")
def person_page(
    request: Request, person_id: int, page: Annotated[int, Query(ge=1, le=1_000_000)] = 1
) -> Response:
    from tieline.services import logbook
    from tieline.services import people as service
    from tieline.services.strength import explain

    store = store_of(request)
    ref = person_ref(request, person_id)
    d = service.detail(store, ref, TIMELINE_PAGE, (page - 1) * TIMELINE_PAGE)
    pages = max(1, -(-d["interactions_total"] // TIMELINE_PAGE))
    context = {
        "title": d["name"],
        "p": d,
        "page": page,
        "pages": pages,
        "channels": CHANNELS,
        "kinds": KINDS,
        "favours": FAVOURS,
        "link": _safe_link,
    }
    if is_htmx(request) and request.headers.get("hx-target") == "timeline":
        return render(request, "person_timeline.html", **context)
    return render(
        request,
        "person.html",
        why=explain(store, ref, as_of(request)),
        favours_done=logbook.favours(store, ref),
        **context,
    )


@router.post("/people/{person_id}/log")
def log_contact(
    request: Request,
    person_id: int,
    what: Annotated[str, Form(max_length=2000)],
    channel: Annotated[str, Form(max_length=20)] = "in-person",
    kind: Annotated[str, Form(max_length=20)] = "conversation",
    when: Annotated[str, Form(max_length=40)] = "",
) -> Response:
    """One step: what happened, by which channel, of which kind (a favour, a tidbit, an introduction)."""
    from tieline.services import logbook

    ref = person_ref(request, person_id)
    logbook.log(store_of(request), ref, what, channel=channel, kind=kind, when=when.strip() or None)
    if is_htmx(request):
        return render(request, "person_logged.html", pid=person_id, message=f"Logged ({kind}, {channel}).")
    return RedirectResponse(f"/people/{person_id}", status_code=303)


@router.post("/people/{person_id}/edit")
def edit(
    request: Request,
    person_id: int,
    how_met: Annotated[str, Form(max_length=2000)] = "",
    note: Annotated[str, Form(max_length=20000)] = "",
    tag: Annotated[str, Form(max_length=200)] = "",
    untag: Annotated[str, Form(max_length=200)] = "",
    every: Annotated[str, Form(max_length=20)] = "",
    closeness: Annotated[str, Form(max_length=2)] = "",
) -> Response:
    """What only you know: how you met, a note, a tag, how often to be in touch, how close you feel."""
    from tieline.insight.durations import parse_days
    from tieline.services import decisions
    from tieline.services import people as service

    store = store_of(request)
    ref = person_ref(request, person_id)
    if closeness.strip() and not closeness.strip().isdigit():
        raise TielineError("closeness is a number from 1 (barely) to 5 (closest)")
    values = {
        "how_met": how_met.strip() or None,
        "note": note.strip() or None,
        "tags_add": [tag.strip()] if tag.strip() else None,
        "tags_remove": [untag.strip()] if untag.strip() else None,
        "closeness": int(closeness) if closeness.strip() else None,
    }
    if any(v is not None for v in values.values()):
        service.edit(store, ref, **values)
    if every.strip():
        clear = every.strip().lower() in ("none", "off")
        decisions.set_cadence(store, ref, None if clear else parse_days(every))
    return RedirectResponse(f"/people/{person_id}", status_code=303)


@router.post("/people/{person_id}/archive")
def archive(request: Request, person_id: int, archived: Annotated[str, Form()] = "yes") -> Response:
    from tieline.services import decisions

    decisions.archive(store_of(request), person_ref(request, person_id), archived == "yes")
    return RedirectResponse(f"/people/{person_id}", status_code=303)
