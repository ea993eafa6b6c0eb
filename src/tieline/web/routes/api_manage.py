"""The JSON API (``/api/v1``) for what the review, duplicates and settings pages do: the same services as
those pages and as ``tieline review`` / ``people duplicates|merge|unmerge`` / ``me`` / ``token``. As in
routes/api.py, cookie logins need the ``X-CSRF-Token`` header to change anything; API tokens not."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field

from tieline.web.auth import principal_of
from tieline.web.pages import as_json, as_of, person_ref, store_of

router = APIRouter(tags=["tieline"])


class Decision(BaseModel):
    person_id: int
    queue: str = Field(max_length=20, description="prune, nurture, reconnect, solidify or ask.")
    decision: str = Field(max_length=20, description="One of the queue's choices (GET /review lists them).")
    text: str | None = Field(None, max_length=2000, description="For cadence, how-met and log.")
    session: int | None = Field(
        None, ge=1, description="The review session (GET /review gives one); default a new one."
    )


class Handle(BaseModel):
    handle: str = Field(min_length=1, max_length=500, description="An email, phone, profile URL...")


class Cadence(BaseModel):
    every: str | None = Field(max_length=20, description="30d, 2w, 3m; null: back to the tie's own rhythm.")


class NewToken(BaseModel):
    name: str = Field(min_length=1, max_length=200, description="What the script is, e.g. 'backup'.")


# Review


@router.get("/review")
def review_queues(request: Request, limit: Annotated[int, Query(ge=1, le=1000)] = 25) -> Response:
    """The review's queues (as ``tieline review --json``), ``limit`` each with each queue's total, the
    choices each queue takes, and a new session number to send with the decisions."""
    from tieline.insight import decide
    from tieline.insight import review as service
    from tieline.web.routes.review import CHOICES

    store = store_of(request)
    queues = service.queues(store, as_of(request))
    return as_json(
        {
            "session": decide.new_session(store),
            "queues": {q: [i.as_json() for i in items[:limit]] for q, items in queues.items()},
            "totals": {q: len(items) for q, items in queues.items()},
            "choices": CHOICES,
            "needs_text": decide.NEEDS_TEXT,
        }
    )


@router.post("/review/decisions", status_code=201)
def review_decide(request: Request, body: Decision) -> Response:
    """One decision about one person (kept, so the review never asks again; ``/review/undo`` takes back
    the last session)."""
    from tieline.errors import TielineError
    from tieline.insight import decide
    from tieline.web.routes.review import CHOICES

    if body.queue not in CHOICES or body.decision not in CHOICES[body.queue]:
        raise TielineError(f"{body.decision!r} is not a decision of the {body.queue!r} queue")
    store = store_of(request)
    ref = person_ref(request, body.person_id)
    session = body.session or decide.new_session(store)
    text = (body.text or "").strip() or None
    pid = decide.decide(store, session, body.queue, ref, body.decision, text)
    return as_json({"person": pid, "session": session, "decision": body.decision}, status_code=201)


@router.post("/review/undo")
def review_undo(request: Request) -> Response:
    """Take the last review session back (as ``tieline review --undo --json``)."""
    from tieline.insight import decide

    done = decide.undo_last(store_of(request))
    return as_json({"session": done.session, "restored": done.restored})


# Duplicates


@router.get("/duplicates")
def duplicates(request: Request) -> Response:
    """Likely duplicates waiting for a decision (as ``people duplicates --json``) and the merges made."""
    from tieline.services import merge

    store = store_of(request)
    return as_json({"pairs": merge.candidates(store), "merges": merge.listing(store)})


@router.post("/duplicates/{pair}/merge")
def merge_pair(request: Request, pair: int) -> Response:
    """Merge the pair: the second person into the first (``/merges/{merge_id}/undo`` takes it back)."""
    from tieline.services import merge

    return as_json({"merge": merge.merge_pair(store_of(request), pair)})


@router.post("/duplicates/{pair}/reject")
def reject_pair(request: Request, pair: int) -> Response:
    """Not the same person: the pair is never proposed again."""
    from tieline.services import merge

    return as_json(merge.dismiss(store_of(request), pair))


@router.post("/merges/{merge_id}/undo")
def undo_merge(request: Request, merge_id: int) -> Response:
    """Take a merge back: the merged person comes back as they were (as ``people unmerge``)."""
    from tieline.services import merge

    return as_json({"undone": merge.undo_merge(store_of(request), merge_id)})


# Settings: your own handles, cadences, API tokens


@router.get("/me")
def me_handles(request: Request) -> Response:
    """Your own handles (as ``tieline me show --json``): they decide who sent what."""
    from tieline.services import me

    return as_json(me.show(store_of(request)))


@router.post("/me", status_code=201)
def me_add(request: Request, body: Handle) -> Response:
    """A handle of yours: what it sent is outgoing from now on."""
    from tieline.services import me

    return as_json(_change(me.add(store_of(request), body.handle)), status_code=201)


@router.post("/me/remove")
def me_remove(request: Request, body: Handle) -> Response:
    """Not your handle after all: what it sent is incoming again."""
    from tieline.services import me

    return as_json(_change(me.remove(store_of(request), body.handle)))


@router.get("/cadences")
def cadences(request: Request) -> Response:
    """The people you set a cadence for, most frequent first."""
    from tieline.services import decisions

    return as_json(decisions.cadences(store_of(request)))


@router.put("/cadences/{person_id}")
def set_cadence(request: Request, person_id: int, body: Cadence) -> Response:
    """How often you want to be in touch with someone (null: the tie's own rhythm)."""
    from tieline.insight.durations import parse_days
    from tieline.services import decisions

    every = (body.every or "").strip()
    days = None if every.lower() in ("", "none", "off") else parse_days(every)
    pid = decisions.set_cadence(store_of(request), person_ref(request, person_id), days)
    return as_json({"person": pid, "every_days": days})


@router.get("/tokens")
def tokens_list(request: Request) -> Response:
    """Your API tokens, without their secrets (as ``tieline token list --json``)."""
    from tieline.services import tokens

    return as_json([_dated(row) for row in tokens.list_tokens(store_of(request))])


@router.post("/tokens", status_code=201)
def token_create(request: Request, body: NewToken) -> Response:
    """A new API token (as ``tieline token create --json``): its secret, ``token``, is in this answer only.
    Only a logged-in person makes tokens, never another token."""
    from tieline.services import tokens

    if principal_of(request).via != "session":
        # A leaked token must not be able to make itself a successor that outlives its revocation.
        raise HTTPException(403, "an API token cannot make tokens: log in, or run `tieline token create`")
    token_id, secret = tokens.create(store_of(request), body.name)
    return as_json({"id": token_id, "name": body.name.strip(), "token": secret}, status_code=201)


@router.post("/tokens/{token_id}/revoke")
def token_revoke(request: Request, token_id: int) -> Response:
    """Revoke a token: it stops working at once."""
    from tieline.services import tokens

    tokens.revoke(store_of(request), token_id)
    return as_json({"revoked": token_id})


def _change(change: Any) -> dict[str, Any]:
    return {
        "kind": change.kind,
        "value": change.value,
        "batch": change.batch,
        "redirected": change.redirected,
        "promoted": change.promoted,
    }


def _dated(row: dict[str, Any]) -> dict[str, Any]:
    return {k: v.isoformat() if isinstance(v, datetime) else v for k, v in row.items()}
