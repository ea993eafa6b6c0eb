"""Logging in and out: the link ``tieline serve`` prints (single-user), or a name and password (multi-user)."""

from __future__ import annotations

import secrets
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from tieline.web.auth import COOKIE, IDLE_SECONDS
from tieline.web.pages import Config, render

router = APIRouter(include_in_schema=False)


def _client(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def _logged_in(request: Request, account: str) -> Response:
    config: Config = request.app.state.config
    sid = request.app.state.sessions.start(account)
    response = RedirectResponse("/", status_code=303)
    secure = request.url.scheme == "https" if config.secure_cookies is None else config.secure_cookies
    response.set_cookie(
        COOKIE, sid, max_age=int(IDLE_SECONDS), httponly=True, samesite="lax", secure=secure, path="/"
    )
    return response


@router.get("/login")
def login_page(request: Request, token: str | None = None) -> Response:
    """Single-user: the printed link (``/login?token=…``) logs in; multi-user: the password form."""
    config: Config = request.app.state.config
    attempts = request.app.state.attempts
    if token is not None and not config.multi_user:
        if not attempts.allowed(_client(request)):
            return render(request, "login.html", status_code=429, error="Too many tries: wait a minute.")
        if config.login_token and secrets.compare_digest(token, config.login_token):
            attempts.cleared(_client(request))
            return _logged_in(request, "me")
        attempts.failed(_client(request))
        return render(
            request,
            "login.html",
            status_code=403,
            error="That link is not valid (the server was restarted?).",
        )
    return render(request, "login.html", error=None, title="Log in")


@router.post("/login")
def login(
    request: Request,
    name: Annotated[str, Form(max_length=200)],
    password: Annotated[str, Form(max_length=1000)],
) -> Response:
    """Multi-user: a name and a password (at most five wrong tries a minute per address and per name)."""
    from tieline.services.accounts import check_password

    config: Config = request.app.state.config
    if not config.multi_user:
        return render(request, "login.html", status_code=400, error="Use the link tieline serve printed.")
    attempts = request.app.state.attempts
    keys = (_client(request), f"name:{name.strip().lower()}")
    if not attempts.allowed(*keys):
        return render(request, "login.html", status_code=429, error="Too many tries: wait a minute.")
    store = request.app.state.stores.shared()
    if not check_password(store, name, password):
        attempts.failed(*keys)
        return render(request, "login.html", status_code=403, error="Wrong name or password.")
    attempts.cleared(*keys)
    return _logged_in(request, name.strip())


@router.post("/logout")
def logout(request: Request) -> Response:
    sid = request.cookies.get(COOKIE)
    if sid:
        request.app.state.sessions.end(sid)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(COOKIE, path="/")
    return response
