"""What every response and every request gets, whatever the route: the Host check against DNS
rebinding, the Origin check on anything that changes data, and the security headers."""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urlsplit

from starlette.types import ASGIApp, Message, Receive, Scope, Send

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
HEADERS = {
    b"content-security-policy": CSP.encode(),
    b"x-content-type-options": b"nosniff",
    b"referrer-policy": b"same-origin",
    b"x-frame-options": b"DENY",
    b"cross-origin-opener-policy": b"same-origin",
}
UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# Forms and API calls are small; only the upload (which streams to disk and keeps its own limit) is large.
MAX_BODY = 1024 * 1024
LARGE_BODIES = frozenset({"/imports", "/api/v1/imports"})


def host_name(value: str) -> str:
    """``127.0.0.1:8765`` -> ``127.0.0.1``; ``[::1]:8765`` -> ``::1``; lower case."""
    value = value.strip().lower()
    if value.startswith("["):
        return value[1 : value.find("]")] if "]" in value else value
    return value.rsplit(":", 1)[0] if value.count(":") == 1 else value


class Guard:
    """ASGI middleware: refuses a Host the server was not bound to (a page of another site whose name
    was pointed at 127.0.0.1 must not reach us), refuses a change sent from another origin, and adds the
    headers to every response."""

    def __init__(self, app: ASGIApp, allowed_hosts: Iterable[str]) -> None:
        self.app = app
        self.allowed = {host_name(h) for h in allowed_hosts}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        if host_name(headers.get("host", "")) not in self.allowed:
            await _refuse(send, 400, b"unknown host: open the address tieline serve printed")
            return
        length = headers.get("content-length", "")
        if scope["path"] not in LARGE_BODIES and length.isdigit() and int(length) > MAX_BODY:
            await _refuse(send, 413, b"the request is too large")
            return
        origin = headers.get("origin")
        # "null" (a sandboxed frame, a page opened from a file) is no origin of ours either.
        foreign = origin is not None and (
            origin == "null" or host_name(urlsplit(origin).netloc) not in self.allowed
        )
        if scope["method"] in UNSAFE and foreign:
            await _refuse(send, 403, b"a change sent from another site is refused")
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {k.lower() for k, _ in message.get("headers", [])}
                extra = [(k, v) for k, v in HEADERS.items() if k not in present]
                if not scope["path"].startswith("/static/"):
                    extra.append((b"cache-control", b"no-store"))
                message["headers"] = [*message.get("headers", []), *extra]
            await send(message)

        await self.app(scope, receive, send_with_headers)


async def _refuse(send: Send, status: int, text: bytes) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", b"text/plain; charset=utf-8"), *HEADERS.items()],
        }
    )
    await send({"type": "http.response.body", "body": text})
