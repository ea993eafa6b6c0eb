"""What the route modules share: the store of the account asking, rendering a page or its fragment,
and redirecting after a form."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import jinja2
from fastapi import Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from tieline.jsonsafe import finite
from tieline.store.db import Store
from tieline.web.auth import principal_of

HERE = Path(__file__).resolve().parent
_env = jinja2.Environment(
    loader=jinja2.FileSystemLoader(HERE / "templates"),
    autoescape=True,  # every template, whatever its name: data is always text
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)
# A file's own name, without its folders (an upload's temporary folder means nothing to the user).
_env.filters["file_name"] = lambda path: str(path).replace("\\", "/").rsplit("/", 1)[-1]


@dataclass
class Config:
    """How the app was started (``create_app``'s arguments)."""

    db_url: str | None
    multi_user: bool
    allowed_hosts: tuple[str, ...]
    login_token: str | None
    secure_cookies: bool | None  # None: Secure when the request came over https
    upload_limit: int
    as_of: datetime | None = None  # every score as of this moment (`tieline serve --as-of`); None: now


class Stores:
    """One :class:`Store` per account, opened on first use: every query is scoped to the account
    asking, so user B never reads a row of user A (the store's own isolation, not each page's)."""

    def __init__(self, url: str | None) -> None:
        self.url = url
        self._open: dict[str, Store] = {}
        self._lock = threading.Lock()
        self._opening: dict[str, threading.Lock] = {}

    def of(self, account: str) -> Store:
        with self._lock:
            found = self._open.get(account)
            if found is not None:
                return found
            opening = self._opening.setdefault(account, threading.Lock())
        with opening:  # one account opening its store does not hold up the others
            with self._lock:
                found = self._open.get(account)
            if found is not None:
                return found
            from tieline.services.people import bring_up_to_date

            found = Store(self.url, account=account)
            # Ties never scored yet (from before scores were kept) are scored once, here; every write
            # since rescores what it touched, so the lists need not check again on each page.
            bring_up_to_date(found)
            with self._lock:
                self._open[account] = found
            return found

    def shared(self) -> Store:
        """A store for what belongs to no one user (checking a password at the login)."""
        from tieline.store.db import DEFAULT_ACCOUNT

        return self.of(DEFAULT_ACCOUNT)

    def close(self) -> None:
        with self._lock:
            for store in self._open.values():
                store.dispose()
            self._open.clear()


def store_of(request: Request) -> Store:
    """The store of the account the request acts for."""
    stores: Stores = request.app.state.stores
    return stores.of(principal_of(request).account)


def is_htmx(request: Request) -> bool:
    return request.headers.get("hx-request") == "true"


def render(request: Request, template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    """A page (or an htmx fragment) with what every template may use: the CSRF token and who is in."""
    principal = getattr(request.state, "principal", None)
    context.setdefault("title", "")
    html = _env.get_template(template).render(
        request=request,
        csrf=getattr(principal, "csrf", None) or "",
        account=getattr(principal, "account", None),
        multi_user=request.app.state.config.multi_user,
        path=request.url.path,
        **context,
    )
    return HTMLResponse(html, status_code=status_code)


def back(request: Request, fallback: str = "/") -> RedirectResponse:
    """After a form without htmx: back to the page it came from (only ever a path of this site)."""
    referer = urlsplit(request.headers.get("referer", ""))
    target = fallback
    if referer.path.startswith("/") and not referer.path.startswith(("//", "/\\")):
        target = referer.path + (f"?{referer.query}" if referer.query else "")
    return RedirectResponse(target, status_code=303)


def as_json(data: Any, status_code: int = 200) -> Response:
    return JSONResponse(finite(data), status_code=status_code)


def person_ref(request: Request, person_id: int) -> str:
    """``#id`` for a person of the account asking; 404 (NotFound) for any other id."""
    from tieline.services.lookup import by_id

    store = store_of(request)
    with store.read() as conn:
        return by_id(conn, store.account_id, person_id)


def as_of(request: Request) -> datetime | None:
    """The moment the app scores as of (`tieline serve --as-of`), or None for now."""
    found: datetime | None = request.app.state.config.as_of
    return found
