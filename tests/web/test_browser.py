"""The web app in a real browser: `tieline serve` as its own process on both backends, driven by headless
Chromium (Debian's `chromium`, through the playwright package, no browser download).

Logs in through the printed link, sees the dashboard's chart drawn, imports a vCard through the upload
form, opens a person, logs a contact, marks a due item done, and proves that script in imported names and
notes never runs (every dialog is recorded; none may open) and is shown as the text it is.

With CI=true a missing browser or playwright fails these tests; elsewhere they skip.
``TIELINE_UPDATE_SCREENSHOT=1`` also writes the README's dashboard picture (docs/img/dashboard.png).
"""

from __future__ import annotations

import os
import queue
import re
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from tests.cli import tieline
from tests.conftest import IN_CI
from tieline.demo.network import AS_OF
from tieline.services import demo

CHROMIUM = os.environ.get("TIELINE_CHROMIUM", "/usr/bin/chromium")
SCREENSHOT = Path(__file__).resolve().parents[2] / "docs" / "img" / "dashboard.png"
LINK = re.compile(r"(http://\S+/login\?token=\S+)")
SCRIPT_NAME = "<script>alert(1)</script> Mallory"
IMG_NOTE = "<img src=x onerror=alert(2)>"
PAYLOADS_VCF = f"""BEGIN:VCARD
VERSION:3.0
FN:{SCRIPT_NAME}
N:Mallory;<script>alert(1)</script>;;;
EMAIL:mallory@example.com
NOTE:{IMG_NOTE}
ORG:<svg onload=alert(3)>
END:VCARD
BEGIN:VCARD
VERSION:3.0
FN:<img src=x onerror=alert(4)> Eve
EMAIL:eve@example.com
URL:javascript:alert(5)
END:VCARD
"""


def _playwright_or_skip() -> Any:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        problem = "the playwright package is not installed (pip install -e '.[dev]')"
    else:
        if os.access(CHROMIUM, os.X_OK):
            return sync_playwright
        problem = f"no Chromium at {CHROMIUM} (apt-get install chromium)"
    if IN_CI:
        pytest.fail(f"the browser tests are required in CI: {problem}")
    pytest.skip(problem)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    sync_playwright = _playwright_or_skip()
    with sync_playwright() as pw:
        # --no-sandbox: CI runs as root, where Chromium's sandbox cannot start.
        chromium = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox"])
        yield chromium
        chromium.close()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def serving(db_url: str, *options: str) -> Iterator[str]:
    """`tieline serve` on a free port of 127.0.0.1; yields the login link it prints."""
    port = _free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tieline",
            "--db",
            db_url,
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            *options,
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines: queue.Queue[str] = queue.Queue()

    def read() -> None:
        assert server.stdout is not None
        for line in server.stdout:
            lines.put(line)

    threading.Thread(target=read, daemon=True).start()
    seen: list[str] = []
    try:
        while True:
            try:
                line = lines.get(timeout=60)
            except queue.Empty:
                pytest.fail("the server printed no login link in 60 s:\n" + "".join(seen))
            seen.append(line)
            found = LINK.search(line)
            if found:
                break
        yield found.group(1)
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


@pytest.fixture
def demo_db(db_url: str, tmp_path: Path) -> str:
    """A database holding the demo's sample network (what `tieline demo` imports)."""
    demo.build(tmp_path / "demo", db_url).store.dispose()
    return db_url


@contextmanager
def logged_in(browser: Any, db_url: str, *options: str) -> Iterator[tuple[Any, list[str], str]]:
    """A page logged in on a fresh server, the list of every dialog that opened (none may), and its address."""
    with serving(db_url, *options) as link:
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        tab = context.new_page()
        dialogs: list[str] = []

        def dialog(d: Any) -> None:
            dialogs.append(f"{d.type}: {d.message}")
            d.dismiss()

        tab.on("dialog", dialog)
        tab.set_default_timeout(30_000)
        tab.goto(link)
        yield tab, dialogs, link.split("/login")[0]
        context.close()


@pytest.fixture
def page(browser: Any, demo_db: str) -> Iterator[tuple[Any, list[str], str]]:
    with logged_in(browser, demo_db) as opened:
        yield opened


def _chart_is_drawn(tab: Any) -> dict[str, float]:
    """The dashboard's chart: loaded from the server as SVG and laid out with a size."""
    chart = tab.locator("img[src$='chart.svg'], svg.chart, figure.chart svg").first
    chart.wait_for(state="visible")
    tab.wait_for_function(
        """() => { const c = document.querySelector("img[src$='chart.svg'], svg.chart, figure.chart svg");
                   return c && (c.tagName.toLowerCase() !== 'img' || (c.complete && c.naturalWidth > 0)); }"""
    )
    box = chart.bounding_box()
    assert box is not None
    return {"width": box["width"], "height": box["height"]}


def test_a_user_logs_in_imports_reads_logs_and_ticks_off_the_due_list(page: Any, tmp_path: Path) -> None:
    tab, dialogs, base = page
    # The login link leads to the dashboard, logged in.
    assert tab.url.rstrip("/") == base
    assert tab.get_by_role("heading", level=1).inner_text() == "Your network"
    size = _chart_is_drawn(tab)
    assert size["width"] > 300 and size["height"] > 100
    svg = tab.request.get(f"{base}/chart.svg")
    assert svg.ok and svg.headers["content-type"].startswith("image/svg+xml")
    assert b"<svg" in svg.body()[:2000]

    # Mark the first due item done: it leaves the list, and the contact is in their timeline.
    first = tab.locator("ul.due > li").first
    due_id = first.get_attribute("id")
    due_name = first.locator("a").first.inner_text()
    first.get_by_role("button", name="Done").click()
    tab.locator(f"#{due_id}.done").wait_for()
    tab.reload()
    assert tab.locator(f"ul.due > li#{due_id}").count() == 0
    assert due_name not in tab.locator("ul.due").inner_text()

    # Import a vCard through the upload form.
    card = tmp_path / "contacts.vcf"
    card.write_text(PAYLOADS_VCF, encoding="utf-8")
    tab.goto(f"{base}/imports")
    tab.locator("input[type=file]").set_input_files(str(card))
    tab.get_by_role("button", name="Import").click()
    # A large file shows its progress first (a page that reloads itself); this one lands on its summary.
    status = tab.get_by_role("status").filter(has_text="people created")
    status.wait_for(timeout=60_000)
    assert "2 people created" in status.inner_text()

    # Open a person from the people list and log a contact in one step.
    tab.goto(f"{base}/people?q=Mallory")
    tab.get_by_role("link", name=SCRIPT_NAME).click()
    assert tab.get_by_role("heading", level=1).inner_text().startswith(SCRIPT_NAME)
    tab.get_by_label("What happened").fill("coffee after the talk")
    tab.get_by_role("button", name="Log it").click()
    tab.locator("#log-result [role=status]").wait_for()
    tab.reload()
    assert "coffee after the talk" in tab.locator("#timeline").inner_text()

    # The payloads are shown as the text they are, and none of them became an element.
    body = tab.locator("main").inner_text()
    assert SCRIPT_NAME in body and IMG_NOTE in body
    assert tab.evaluate("document.querySelectorAll('img[src=\"x\"], svg[onload], [onerror]').length") == 0
    tab.goto(f"{base}/people?q=Eve")
    assert "<img src=x onerror=alert(4)> Eve" in tab.locator("main").inner_text()
    tab.goto(base)
    tab.wait_for_load_state("networkidle")
    assert dialogs == []


def test_the_readmes_dashboard_picture_is_the_demo_as_of_its_own_date(browser: Any, demo_db: str) -> None:
    day = f"{AS_OF:%Y-%m-%d}"
    with logged_in(browser, demo_db, "--as-of", day) as (tab, dialogs, _):
        _chart_is_drawn(tab)
        shown = tab.locator("main").inner_text()
        screenshot(tab, demo_db)
    health = tieline(demo_db, "health", "--as-of", day, "--json").json()
    # The server scores as of the demo's date, as `tieline health --as-of` does (not as of today).
    assert f"{health['connections']} connections" in shown
    assert f"States: {health['strong']} strong, {health['fading']} fading" in shown and health["strong"] > 0
    assert dialogs == []


def screenshot(tab: Any, db_url: str) -> None:
    """The README's picture, written only when asked (TIELINE_UPDATE_SCREENSHOT=1), from SQLite."""
    if os.environ.get("TIELINE_UPDATE_SCREENSHOT") == "1" and db_url.startswith("sqlite"):
        SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
        tab.screenshot(path=str(SCREENSHOT), full_page=True)
        assert SCREENSHOT.stat().st_size > 10_000
