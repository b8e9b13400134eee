"""Sharing in a real Chromium: the share panel's snippet pasted into a page on another
origin shows the tour while the tour page itself refuses to be framed; copying works;
the printed handout (a PDF from Chromium) has the map, the stops and a QR code that
decodes to the tour's address."""

from __future__ import annotations

import io
import os
import threading
from http.server import BaseHTTPRequestHandler
from http.server import ThreadingHTTPServer
from pathlib import Path

import pypdfium2
import pytest
import zxingcpp
from pypdf import PdfReader

from tourbuilder.services.demo import STOPS

pytestmark = pytest.mark.browser

DEMO = "/tours/sevilla-solidaria"
DOCS_SHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
#: ``UPDATE_DOCS_SCREENSHOTS=1 pytest tests/browser/test_sharing.py`` refreshes the
#: screenshots under docs/ (otherwise they only go to /tmp/tb-shots).
UPDATE_DOCS = os.environ.get("UPDATE_DOCS_SCREENSHOTS") == "1"
PUBLIC_URL = "https://tours.example.org"
TMP_SHOTS = Path("/tmp/tb-shots")
REFUSED = "violates the following Content Security Policy directive: \"frame-ancestors 'none'\""


class OtherOrigin:
    """A page on another loopback port (another origin) with the HTML a test gives it."""

    def __init__(self):
        self.html = b""
        origin = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 (http.server's name)
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(origin.html)))
                self.end_headers()
                self.wfile.write(origin.html)

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_port}/"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


def docs_shot(page, name: str) -> None:
    TMP_SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(TMP_SHOTS / f"{name}.png"), scale="css")
    if UPDATE_DOCS:
        page.screenshot(path=str(DOCS_SHOTS / f"{name}.png"), scale="css")


@pytest.fixture
def public_url(live_server):
    """The app as if deployed at PUBLIC_URL: links, snippets and QR codes use it."""
    live_server.app.config["PUBLIC_URL"] = PUBLIC_URL
    yield PUBLIC_URL
    live_server.app.config["PUBLIC_URL"] = ""


@pytest.fixture
def other_origin():
    server = OtherOrigin()
    yield server
    server.close()


def open_share_panel(page, lang: str):
    page.goto(f"{DEMO}?lang={lang}")
    page.wait_for_selector(".tb-stop-marker")
    page.locator(".share-panel > summary").click()
    page.locator("#share-embed").wait_for()


def test_the_embed_snippet_works_on_another_origin_and_the_tour_page_is_refused(
    new_page, live_server, other_origin
):
    page = new_page()
    open_share_panel(page, "en")
    snippet = page.locator("#share-embed").input_value()
    assert snippet.startswith(f'<iframe src="{live_server.url}{DEMO}/embed"')
    plain = f'<iframe id="plain" src="{live_server.url}{DEMO}" width="600" height="400"></iframe>'
    other_origin.html = f"<!doctype html><title>Partner</title>{snippet}{plain}".encode()

    page.goto(other_origin.url)
    embed = page.frame_locator(f'iframe[src="{live_server.url}{DEMO}/embed"]')
    embed.locator(".tb-stop-marker").nth(len(STOPS) - 1).wait_for()
    assert embed.locator("h1").inner_text() == "Solidarity Seville"
    assert embed.locator(".site-header").count() == 0
    link = embed.locator("a.embed-full")
    assert link.get_attribute("target") == "_blank" and link.get_attribute("rel") == "noopener"
    assert embed.locator(".stop").count() == len(STOPS)

    # the tour page itself: Chromium refuses to show it in the frame
    refused = page.locator("#plain").element_handle().content_frame()
    page.wait_for_function("() => document.getElementById('plain').contentWindow.length === 0")
    assert refused.url.startswith("chrome-error://")
    page.wait_for_timeout(200)
    # Chromium says so on the console: the one error this test expects
    expected = [e for e in page.watch.errors if REFUSED in e]
    assert expected, page.watch.errors
    page.watch.errors[:] = [e for e in page.watch.errors if e not in expected]


def test_share_panel_copies_the_link_and_the_chosen_snippet(new_page, live_server, public_url):
    page = new_page(viewport={"width": 1366, "height": 768})
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    open_share_panel(page, "en")
    page.get_by_role("button", name="Copy link").click()
    page.get_by_role("status").filter(has_text="Copied.").wait_for()
    assert page.evaluate("navigator.clipboard.readText()") == f"{public_url}{DEMO}"

    page.get_by_label("Large").check()
    snippet = page.locator("#share-embed").input_value()
    assert 'width="960" height="600"' in snippet
    page.get_by_role("button", name="Copy code").click()
    page.wait_for_function("async () => (await navigator.clipboard.readText()).includes('960')")
    assert page.evaluate("navigator.clipboard.readText()") == snippet

    qr = page.locator(".share-qr img")
    assert qr.evaluate("img => img.complete && img.naturalWidth > 0")
    page.evaluate("document.querySelector('.share-panel').scrollIntoView({block: 'start'})")
    docs_shot(page, "share-panel-en-1366")


def test_embed_snippet_on_an_arabic_phone(new_page, public_url):
    page = new_page(viewport={"width": 390, "height": 844}, locale="ar")
    open_share_panel(page, "ar")
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.locator("#share-embed").get_attribute("dir") == "ltr"  # code reads left to right
    # the embed code just below the map, which sticks to the top on phones
    page.evaluate(
        "() => { const top = document.querySelector('.share-sizes').getBoundingClientRect().top;"
        " const map = document.querySelector('.tour-map').getBoundingClientRect().bottom;"
        " window.scrollBy(0, top - map - 8); }"
    )
    assert (
        page.locator("#share-embed")
        .input_value()
        .startswith(f'<iframe src="{public_url}{DEMO}/embed"')
    )
    docs_shot(page, "embed-snippet-ar-390")


def test_embed_starts_at_the_stop_asked_for(page):
    page.goto(f"{DEMO}/embed?stop=4&lang=en")
    page.wait_for_selector(".tb-stop-marker")
    page.wait_for_function(
        "([lat, lon]) => { const c = Object.values(window.tourbuilderMaps)[0].map.getCenter();"
        " return Math.abs(c.lat - lat) < 1e-4 && Math.abs(c.lng - lon) < 1e-4; }",
        arg=[STOPS[3]["lat"], STOPS[3]["lon"]],
    )
    assert "is-active" in page.locator("#stop-4").get_attribute("class")


def test_printed_handout_has_the_map_the_stops_and_a_qr_code_to_the_tour(page, public_url):
    page.goto(f"{DEMO}/handout?lang=en")
    page.wait_for_function(
        "() => [...document.images].every(i => i.complete && i.naturalWidth > 0)"
    )
    pdf = page.pdf(format="A4", print_background=True)

    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "Solidarity Seville" in text
    for spec in STOPS:
        assert spec["name"]["en"] in text
    assert "Back to the tour" not in text and "Sign in" not in text  # no controls, no menus

    document = pypdfium2.PdfDocument(pdf)
    first = document[0].render(scale=2).to_pil().convert("RGB")
    found = [barcode.text for barcode in zxingcpp.read_barcodes(first)]
    assert found == [f"{public_url}{DEMO}"]
    # the map: its numbered markers are in the PDF's first page (as vector text)
    first_text = document[0].get_textpage().get_text_range()
    assert all(str(n) in first_text for n in range(1, len(STOPS) + 1))
    preview = document[0].render(scale=1.1).to_pil().convert("RGB").quantize(colors=64)
    TMP_SHOTS.mkdir(parents=True, exist_ok=True)
    for folder in [TMP_SHOTS] + ([DOCS_SHOTS] if UPDATE_DOCS else []):
        preview.save(folder / "handout-en.png", optimize=True)
    document.close()


def test_sharing_pages_work_under_the_policy(new_page):
    from .test_content_security_policy import RECORD_VIOLATIONS

    page = new_page()
    page.context.add_init_script(RECORD_VIOLATIONS)
    seen = {}
    for path in (f"{DEMO}/embed?stop=2", f"{DEMO}/handout"):
        page.goto(path)
        page.wait_for_function("() => [...document.images].every(i => i.complete)")
        page.wait_for_timeout(300)
        seen[path] = page.evaluate("window.cspViolations")
    open_share_panel(page, "en")
    page.get_by_label("Small").check()
    assert 'width="480"' in page.locator("#share-embed").input_value()
    seen["share panel"] = page.evaluate("window.cspViolations")
    assert seen == {path: [] for path in seen}
