"""Accessible pages: every control has a label, every page one h1 and a language, buttons say what they do."""

from __future__ import annotations

from html.parser import HTMLParser

from fastapi import FastAPI
from fastapi.testclient import TestClient

from tieline.services import people

PAGES = ("/", "/people", "/due", "/review", "/imports", "/duplicates", "/settings", "/login")


class Controls(HTMLParser):
    """Controls outside a <label> without an aria-label; h1 count; empty buttons; the html lang."""

    def __init__(self) -> None:
        super().__init__()
        self.in_label = 0
        self.in_button = 0
        self.button_text = ""
        self.unlabelled: list[str] = []
        self.empty_buttons = 0
        self.h1 = 0
        self.lang = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "html":
            self.lang = a.get("lang") or ""
        elif tag == "label":
            self.in_label += 1
        elif tag == "h1":
            self.h1 += 1
        elif tag == "button":
            self.in_button, self.button_text = 1, ""
        elif tag in ("input", "select", "textarea") and a.get("type") != "hidden" and not self.labelled(a):
            self.unlabelled.append(f"<{tag} name={a.get('name')}>")

    def labelled(self, a: dict[str, str | None]) -> bool:
        return bool(self.in_label or a.get("aria-label"))

    def handle_endtag(self, tag: str) -> None:
        if tag == "label":
            self.in_label -= 1
        elif tag == "button":
            self.in_button = 0
            if not self.button_text.strip():
                self.empty_buttons += 1

    def handle_data(self, data: str) -> None:
        if self.in_button:
            self.button_text += data


def test_every_page_labels_its_controls(app: FastAPI, client: TestClient) -> None:
    pid = people.listing(app.state.stores.of("me"), limit=1)[0]["id"]
    for path in (*PAGES, f"/people/{pid}"):
        page = Controls()
        page.feed(client.get(path).text)
        assert page.unlabelled == [], path
        assert page.empty_buttons == 0, path
        assert page.h1 == 1, path
        assert page.lang == "en", path
