"""The web app: ``create_app`` builds it; ``tieline serve`` runs it (web/serve.py).

Every route goes through ``auth.require_login`` (one dependency on the whole app, so a route cannot
forget it); the middleware in web/security.py checks the Host and adds the security headers.
"""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from datetime import datetime
from typing import Any

from fastapi import Depends, FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException

from tieline import __version__
from tieline.errors import NotFound, TielineError
from tieline.web import auth
from tieline.web.derived import Derived
from tieline.web.jobs import Jobs
from tieline.web.pages import HERE, Config, Stores, render
from tieline.web.routes import (
    api,
    api_manage,
    api_upload,
    dashboard,
    due,
    duplicates,
    imports,
    people,
    person,
    review,
    settings,
)
from tieline.web.routes import auth as login_routes
from tieline.web.security import Guard

LOCAL_NAMES = ("127.0.0.1", "localhost", "::1")
UPLOAD_LIMIT = 200 * 1024 * 1024


def create_app(
    db_url: str | None,
    *,
    multi_user: bool = False,
    allowed_hosts: Iterable[str] = LOCAL_NAMES,
    login_token: str | None = None,
    secure_cookies: bool | None = None,
    upload_limit: int = UPLOAD_LIMIT,
    as_of: datetime | None = None,
) -> FastAPI:
    """The app over the database at ``db_url``. Single-user (the default) logs in with ``login_token``
    (a random one when not given, read back from ``app.state.config.login_token``); multi-user logs in
    with an account's name and password. Requests naming another host than ``allowed_hosts`` are refused.
    ``as_of``: the pages score as of that moment instead of now (the demo's network ends on its own date)."""
    config = Config(
        db_url=db_url,
        multi_user=multi_user,
        allowed_hosts=tuple(allowed_hosts),
        login_token=None if multi_user else (login_token or secrets.token_urlsafe(32)),
        secure_cookies=secure_cookies,
        upload_limit=upload_limit,
        as_of=as_of,
    )
    stores = Stores(db_url)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        stores.close()

    app = FastAPI(
        title="tieline",
        version=__version__,
        docs_url=None,
        redoc_url=None,
        openapi_url=None,  # served below, behind the login
        dependencies=[Depends(auth.require_login)],
        lifespan=lifespan,
    )
    app.state.config = config
    app.state.stores = stores
    app.state.sessions = auth.Sessions()
    app.state.attempts = auth.Attempts()
    app.state.jobs = Jobs()  # imports running in the background
    app.state.derived = Derived()  # the dashboard's figures, until the data change
    for module in (login_routes, dashboard, people, person, due, review, imports, duplicates, settings):
        app.include_router(module.router)
    for module in (api, api_manage, api_upload):
        app.include_router(module.router, prefix="/api/v1")

    @app.get("/openapi.json", include_in_schema=False)
    def openapi() -> dict[str, Any]:
        """The JSON API's schema, for those logged in."""
        return app.openapi()

    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    _errors(app)
    app.add_middleware(Guard, allowed_hosts=config.allowed_hosts)
    return app


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/") or request.url.path == "/openapi.json"


def _errors(app: FastAPI) -> None:
    @app.exception_handler(auth.NotLoggedIn)
    async def not_logged_in(request: Request, _: Exception) -> Response:
        if _wants_json(request) or request.method not in auth.SAFE_METHODS:
            return JSONResponse({"detail": "log in first"}, status_code=401)
        return RedirectResponse("/login", status_code=303)

    @app.exception_handler(NotFound)
    async def not_found(request: Request, exc: Exception) -> Response:
        return _problem(request, 404, str(exc))

    @app.exception_handler(TielineError)
    async def refused(request: Request, exc: Exception) -> Response:
        return _problem(request, 400, str(exc))

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        return _problem(request, exc.status_code, str(exc.detail))

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        if _wants_json(request):
            return JSONResponse({"detail": jsonable_encoder(exc.errors())}, status_code=422)
        return _problem(request, 422, "some of the form's values are not valid")


def _problem(request: Request, status: int, message: str) -> Response:
    if _wants_json(request):
        return JSONResponse({"detail": message}, status_code=status)
    return render(request, "problem.html", status_code=status, status=status, message=message, title="Sorry")
