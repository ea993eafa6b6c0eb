"""The review's queues (prune, nurture, reconnect, solidify, ask), one click per decision."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from tieline.web.pages import as_of, is_htmx, person_ref, render, store_of

router = APIRouter(include_in_schema=False)
SHOWN = 25  # a page per queue: the rest come up as these are decided
# The buttons each queue offers (the same decisions as the terminal's keys, insight/decide.py).
CHOICES = {
    "prune": ("keep", "archive", "forget", "how-met", "skip"),
    "nurture": ("keep", "cadence", "log", "how-met", "archive", "skip"),
    "reconnect": ("log", "cadence", "keep", "archive", "skip"),
    "solidify": ("cadence", "log", "keep", "archive", "skip"),
    "ask": ("yes", "no", "skip"),
}


@router.get("/review")
def review_page(request: Request) -> Response:
    from tieline.insight import decide
    from tieline.insight import review as service

    store = store_of(request)
    return render(
        request,
        "review.html",
        title="Review",
        queues={
            queue: (items[:SHOWN], len(items))
            for queue, items in service.queues(store, as_of(request)).items()
        },
        titles=service.TITLES,
        choices=CHOICES,
        needs_text=decide.NEEDS_TEXT,
        session=decide.new_session(store),
    )


@router.post("/review/decide")
def decide_one(
    request: Request,
    person_id: Annotated[int, Form()],
    queue: Annotated[str, Form(max_length=20)],
    decision: Annotated[str, Form(max_length=20)],
    session: Annotated[int, Form(ge=1)],
    text: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    from tieline.errors import TielineError
    from tieline.insight import decide

    if queue not in CHOICES or decision not in CHOICES[queue]:
        raise TielineError(f"{decision!r} is not a decision of the {queue!r} queue")
    store = store_of(request)
    ref = person_ref(request, person_id)
    decide.decide(store, session, queue, ref, decision, text.strip() or None)
    if is_htmx(request):
        return render(request, "review_decided.html", pid=person_id, decision=decision)
    return RedirectResponse("/review", status_code=303)


@router.post("/review/undo")
def undo(request: Request) -> Response:
    from tieline.insight import decide

    done = decide.undo_last(store_of(request))
    message = (
        "No review to take back."
        if done.session is None
        else f"Review session {done.session} taken back: {done.restored} decisions undone."
    )
    return render(request, "message.html", title="Review", message=message, next_page="/review")
