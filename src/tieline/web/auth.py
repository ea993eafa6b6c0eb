"""Who is asking: sessions (a cookie), the login link's token, passwords, and the one hook for API tokens.

Every request except the login and the static files goes through :func:`require_login` (installed on
the whole app in web/app.py), which calls :func:`authenticate` and, for a request that changes
something, checks its CSRF token.
"""

from __future__ import annotations

import secrets
import threading
import time
from dataclasses import dataclass, field

from fastapi import HTTPException, Request
from starlette.concurrency import run_in_threadpool

COOKIE = "tieline_session"
CSRF_HEADER = "x-csrf-token"
CSRF_FIELD = "csrf"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# Paths anyone may ask for: the login itself (the static files are a separate mount, outside the routes).
PUBLIC = frozenset({"/login", "/logout"})
IDLE_SECONDS = 12 * 3600


@dataclass(frozen=True)
class Principal:
    """The account a request acts for, and how it proved it (``session`` or ``token``)."""

    account: str
    via: str
    csrf: str | None = None


@dataclass
class Session:
    account: str
    csrf: str
    last_seen: float = field(default_factory=time.monotonic)


class Sessions:
    """Logged-in browsers, kept in memory: restarting the server logs everyone out."""

    def __init__(self, idle_seconds: float = IDLE_SECONDS) -> None:
        self._by_id: dict[str, Session] = {}
        self._lock = threading.Lock()
        self.idle_seconds = idle_seconds

    def start(self, account: str) -> str:
        sid = secrets.token_urlsafe(32)
        with self._lock:
            self._by_id[sid] = Session(account, secrets.token_urlsafe(32))
        return sid

    def get(self, sid: str) -> Session | None:
        now = time.monotonic()
        with self._lock:
            found = self._by_id.get(sid)
            if found is None:
                return None
            if now - found.last_seen > self.idle_seconds:
                del self._by_id[sid]
                return None
            found.last_seen = now
            return found

    def end(self, sid: str) -> None:
        with self._lock:
            self._by_id.pop(sid, None)


class Attempts:
    """Failed logins per key (the client's address, the user name): at most ``most`` per ``window`` seconds."""

    def __init__(self, most: int = 5, window: float = 60.0) -> None:
        self.most = most
        self.window = window
        self._failures: dict[str, list[float]] = {}
        self._lock = threading.Lock()

    def allowed(self, *keys: str) -> bool:
        now = time.monotonic()
        with self._lock:
            for key in keys:
                recent = [at for at in self._failures.get(key, []) if now - at < self.window]
                self._failures[key] = recent
                if len(recent) >= self.most:
                    return False
        return True

    def failed(self, *keys: str) -> None:
        now = time.monotonic()
        with self._lock:
            for key in keys:
                self._failures.setdefault(key, []).append(now)
            if len(self._failures) > 10_000:  # many names tried: forget those whose minute is over
                self._failures = {k: v for k, v in self._failures.items() if v and now - v[-1] < self.window}

    def cleared(self, *keys: str) -> None:
        with self._lock:
            for key in keys:
                self._failures.pop(key, None)


class NotLoggedIn(Exception):
    """No session and no token: the page sends to the login, the API answers 401."""


def authenticate(request: Request) -> Principal | None:
    """The one place a request is tied to an account: a Bearer API token, else the session cookie."""
    header = request.headers.get("authorization", "")
    if header[:7].lower() == "bearer ":
        account = bearer_account(request, header[7:].strip())
        return None if account is None else Principal(account, "token")
    sid = request.cookies.get(COOKIE)
    if not sid:
        return None
    session = request.app.state.sessions.get(sid)
    if session is None:
        return None
    return Principal(session.account, "session", session.csrf)


def bearer_account(request: Request, token: str) -> str | None:
    """The account an API token (``tieline token create``, services/tokens.py) speaks for, or None."""
    from tieline.services import tokens

    if not token:
        return None
    found = tokens.verify(request.app.state.stores.shared(), token)
    return None if found is None else found.name


async def require_login(request: Request) -> None:
    """Installed on every route: a login is needed, and a CSRF token for anything that changes data
    when the login is a browser's cookie (an API token cannot be sent by another site, so it needs none)."""
    if request.url.path in PUBLIC:
        return
    if request.headers.get("authorization", "")[:7].lower() == "bearer ":
        # A token is checked in the database (and its last use written once a minute, which may wait
        # for another writer): in the thread pool, as the routes' own work, never on the event loop.
        principal = await run_in_threadpool(authenticate, request)
    else:
        principal = authenticate(request)  # a session: in memory
    if principal is None:
        raise NotLoggedIn()
    request.state.principal = principal
    if request.method in SAFE_METHODS or principal.via != "session":
        return
    sent = request.headers.get(CSRF_HEADER)
    content_type = request.headers.get("content-type", "")
    if sent is None and content_type.startswith("application/x-www-form-urlencoded"):
        sent = str((await request.form()).get(CSRF_FIELD) or "")
    if content_type.startswith("multipart/form-data"):
        if request.url.path not in STREAMED_UPLOADS:
            raise HTTPException(415, "this address takes no file")
        if sent is None:
            return  # the upload reads its CSRF field from the stream, before any file (web/upload.py)
    check_csrf(principal, sent)
    request.state.csrf_checked = True


STREAMED_UPLOADS = frozenset({"/imports", "/api/v1/imports"})


def check_csrf(principal: Principal, sent: str | None) -> None:
    if principal.via != "session":
        return
    if not sent or principal.csrf is None or not secrets.compare_digest(sent, principal.csrf):
        raise HTTPException(403, "missing or wrong CSRF token: reload the page and try again")


def principal_of(request: Request) -> Principal:
    """The account the request acts for (set by :func:`require_login`)."""
    found = getattr(request.state, "principal", None)
    if not isinstance(found, Principal):
        raise NotLoggedIn()
    return found
