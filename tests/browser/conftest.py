"""Browser fixtures: the real app with the demo tour on a loopback port, a tile server that
draws PNG tiles and counts requests, and Chromium pages that fail the test on any
JavaScript error and abort (and record) any request that would leave the machine.

Chromium is the system one (/usr/bin/chromium); Playwright never downloads a browser.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from werkzeug.serving import make_server

from tests.tile_server import TileServer
from tourbuilder import create_app
from tourbuilder.extensions import db

CHROMIUM = os.environ.get("TOURBUILDER_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}
SHOTS = Path("/tmp/tb-shots")
DESKTOP = {"width": 1280, "height": 800}


class LiveServer:
    def __init__(self, app):
        self.app = app
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()


@pytest.fixture(scope="session")
def tile_server():
    server = TileServer()
    yield server
    server.close()


@pytest.fixture(scope="session")
def live_server(tmp_path_factory, tile_server):
    """The app with the demo tour, on a free loopback port."""
    for var in list(os.environ):
        if var.startswith("TOURBUILDER_") and var != "TOURBUILDER_CHROMIUM":
            os.environ.pop(var)
    root = tmp_path_factory.mktemp("live")
    app = create_app(
        {
            "SECRET_KEY": "browser-tests",
            "INSTANCE_PATH": str(root / "instance"),
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{root / 'tourbuilder.db'}",
            "MEDIA_ROOT": str(root / "media"),
            "JOB_QUEUE_IMMEDIATE": True,
            "TILE_URL": tile_server.url + "/{z}/{x}/{y}.png",
        }
    )
    with app.app_context():
        db.create_all()
        from tourbuilder.services import commit
        from tourbuilder.services.demo import create_demo

        create_demo()
        commit()
    server = LiveServer(app)
    yield server
    server.close()
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.skip(f"no Chromium at {CHROMIUM}")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        yield browser
        browser.close()


class PageWatch:
    """What a page did that a test must not allow: errors, external requests, dialogs."""

    def __init__(self):
        self.errors: list[str] = []
        self.external: list[str] = []
        self.dialogs: list[str] = []

    def on_console(self, message):
        if message.type != "error":
            return
        location = (message.location or {}).get("url", "")
        self.errors.append(f"console: {message.text} ({location})")

    def on_dialog(self, dialog):
        self.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    def route(self, route):
        url = route.request.url
        parts = urlsplit(url)
        if parts.scheme in ("http", "https", "ws", "wss") and parts.hostname not in LOCAL_HOSTS:
            self.external.append(url)
            route.abort()
        else:
            route.continue_()


@pytest.fixture
def new_page(browser, live_server):
    """``new_page(viewport=..., locale=..., **context_options)``: a fresh context and page,
    watched (``bypass_csp=True`` lets a test add its own script tags, e.g. axe-core)."""
    contexts = []
    watches = []

    def make(viewport=None, locale="en-GB", **options):
        context = browser.new_context(
            viewport=viewport or DESKTOP, locale=locale, base_url=live_server.url, **options
        )
        contexts.append(context)
        page = context.new_page()
        watch = PageWatch()
        watches.append(watch)
        page.on("console", watch.on_console)
        page.on("pageerror", lambda exc: watch.errors.append(f"pageerror: {exc}"))
        page.on("dialog", watch.on_dialog)
        context.route("**/*", watch.route)
        page.watch = watch
        return page

    yield make
    for context in contexts:
        context.close()
    for watch in watches:
        assert not watch.errors, watch.errors
        assert not watch.external, f"external requests attempted: {watch.external}"
        assert not watch.dialogs, f"dialogs opened: {watch.dialogs}"


@pytest.fixture
def page(new_page):
    return new_page()


@pytest.fixture
def shot():
    """``shot(page, "name")`` saves /tmp/tb-shots/name.png for people to look at."""
    SHOTS.mkdir(parents=True, exist_ok=True)

    def take(page, name, full_page=False):
        page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=full_page)

    return take


def sign_in(page, email: str, lang: str | None = None, *, password: str) -> None:
    """Sign in through the sign-in form (its own button: the header's language menu has
    one too) and land on the dashboard."""
    page.goto("/login" + (f"?lang={lang}" if lang else ""))
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", password)
    page.locator("main form").locator("input[type=submit], button[type=submit]").click()
    page.wait_for_url("**/dashboard")
