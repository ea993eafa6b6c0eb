"""``tieline serve``: the web app under uvicorn, with a login link printed once at start-up."""

from __future__ import annotations

import ipaddress
import secrets
import socket
import sys
import threading
import webbrowser
from datetime import datetime

from tieline.errors import TielineError

LOOPBACK_NAMES = ("127.0.0.1", "localhost", "::1")


def allowed_hosts(host: str, extra: list[str]) -> list[str]:
    """The names a browser may use for this server: the bound address, its loopback aliases, and ``extra``.
    Any other Host header is refused (a page of another site pointed at our address by DNS rebinding)."""
    names = [host, *extra]
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        address = None
    if host == "localhost" or (address is not None and address.is_loopback):
        names.extend(LOOPBACK_NAMES)
    elif address is not None and address.is_unspecified:
        names.extend([*LOOPBACK_NAMES, socket.gethostname()])
    return sorted(set(names))


def url_host(host: str) -> str:
    if host in ("0.0.0.0", "::"):
        return "127.0.0.1"
    return f"[{host}]" if ":" in host else host


def run(
    db: str | None,
    host: str,
    port: int,
    open_browser: bool = False,
    multi_user: bool = False,
    extra_hosts: list[str] | None = None,
    as_of: datetime | None = None,
) -> None:
    import uvicorn

    from tieline.store.db import Store
    from tieline.web.app import create_app

    Store(db).dispose()  # made or migrated now, so that a database problem is said before the link
    token = None if multi_user else secrets.token_urlsafe(32)
    app = create_app(
        db,
        multi_user=multi_user,
        allowed_hosts=allowed_hosts(host, extra_hosts or []),
        login_token=token,
        as_of=as_of,
    )
    base = f"http://{url_host(host)}:{port}"
    link = f"{base}/login" + (f"?token={token}" if token else "")
    sys.stdout.write(
        f"tieline is serving on {base}"
        + (f", scoring as of {as_of:%Y-%m-%d}" if as_of else "")
        + "\n"
        + (
            f"Open this link to log in (it works until the server stops):\n    {link}\n"
            if token
            else f"Log in at {link} with an account's name and password (`tieline account add NAME`).\n"
        )
        + "Press Ctrl-C to stop.\n"
    )
    sys.stdout.flush()
    if open_browser:
        threading.Timer(1.0, webbrowser.open, [link]).start()
    try:
        # No access log: addresses carry names and searches, and no personal data goes into logs.
        # Connections kept open 30 s (uvicorn's 5 s closes one a busy client is about to reuse: a read error).
        uvicorn.run(
            app,
            host=host,
            port=port,
            log_level="warning",
            access_log=False,
            proxy_headers=True,
            timeout_keep_alive=30,
        )
    except OSError as exc:
        raise TielineError(f"cannot serve on {host}:{port}: {exc.strerror or exc}") from None
