"""Security headers on every response, and pages that the Content-Security-Policy lets
work: no inline script without this request's nonce, no inline handler, no style
attribute."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from tourbuilder.headers import tile_source
from tourbuilder.models import Role

SITE_WIDE = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "X-Frame-Options": "DENY",
}


def policy(response) -> dict[str, list[str]]:
    header = response.headers["Content-Security-Policy"]
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


class InlineCode(HTMLParser):
    """What a page asks the browser to run or style inline."""

    def __init__(self):
        super().__init__()
        self.scripts: list[dict] = []  # inline <script> elements that run: their attributes
        self.handlers: list[str] = []
        self.styles: list[str] = []
        self.style_elements = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for name in attrs:
            if name.startswith("on"):
                self.handlers.append(f"<{tag} {name}>")
        if "style" in attrs:
            self.styles.append(f"<{tag} style={attrs['style']!r}>")
        if tag == "style":
            self.style_elements += 1
        runs = attrs.get("type") in (None, "", "module", "text/javascript")
        if tag == "script" and runs and "src" not in attrs:
            self.scripts.append(attrs)


def inline_code(html: str) -> InlineCode:
    parser = InlineCode()
    parser.feed(html)
    return parser


def test_every_page_runs_no_inline_code_but_the_nonced_map(client, auth, make):
    team = make.team()
    admin = make.user(team, Role.ADMIN)
    tour = make.tour(team)
    site = make.site(team, visibility="public")
    anonymous = ["/", f"/tours/{tour.slug}", f"/sites/{site.id}", "/login", "/nowhere"]
    responses = {path: client.get(path) for path in anonymous}
    auth.login(admin)
    pages = ["/dashboard", f"/teams/{team.id}", f"/teams/{team.id}/media", "/account"]
    pages.append(f"/teams/{team.id}/tours/{tour.id}/import")
    pages += [f"/teams/{team.id}/sites", f"/teams/{team.id}/sites/new", f"/sites/{site.id}/edit"]
    pages += [f"/teams/{team.id}/settings", f"/sites/{site.id}/delete"]
    pages += [f"/tours/{tour.slug}/present", f"/tours/{tour.slug}/present/presenter"]
    for path in [*pages, f"/tours/{tour.slug}/edit"]:
        responses[path] = client.get(path)
    # the pages that show a link or a token once
    invitation = client.post(f"/teams/{team.id}/invitations", data={"role": "editor"})
    responses["new invitation"] = invitation
    responses["new token"] = client.post("/account/tokens", data={"token-name": "laptop"})

    found = {}
    for path, response in responses.items():
        assert response.status_code in (200, 404), path
        code = inline_code(response.get_data(as_text=True))
        nonce = policy(response)["script-src"]
        unnonced = [s for s in code.scripts if f"'nonce-{s.get('nonce')}'" not in nonce]
        problems = code.handlers + code.styles + [f"script {s}" for s in unnonced]
        if code.style_elements:
            problems.append(f"{code.style_elements} <style> elements")
        if problems:
            found[path] = problems
    assert found == {}


def test_headers_on_every_kind_of_response(app, client, make):
    tour = make.tour(make.team())
    responses = {
        "page": client.get(f"/tours/{tour.slug}"),
        "not found": client.get("/nowhere"),
        "api": client.get("/api/v1/tours"),
        "api error": client.post("/api/v1/tours", json={}),
        "static file": client.get("/static/css/app.css"),
        "health": client.get("/healthz"),
    }
    for name, response in responses.items():
        for header, value in SITE_WIDE.items():
            assert response.headers.get(header) == value, (name, header)
        directives = policy(response)
        assert directives["default-src"] == ["'self'"], name
        assert "'unsafe-inline'" not in directives["script-src"], name
        assert "'unsafe-inline'" not in directives["style-src"], name
        assert directives["object-src"] == ["'none'"]
        assert directives["frame-ancestors"] == ["'none'"]
        assert directives["base-uri"] == ["'self'"]
        assert directives["form-action"] == ["'self'"]
        assert directives["connect-src"] == ["'self'"]
        # tiles come through the app's tile cache: our own images, data: and blob: URLs
        assert set(directives["img-src"]) == {"'self'", "data:", "blob:"}


def test_the_map_script_runs_by_a_fresh_nonce(client, make):
    tour = make.tour(make.team())
    nonces = []
    for _ in range(2):
        response = client.get(f"/tours/{tour.slug}")
        (script,) = inline_code(response.get_data(as_text=True)).scripts
        assert f"'nonce-{script['nonce']}'" in policy(response)["script-src"]
        nonces.append(script["nonce"])
    assert nonces[0] != nonces[1] and len(nonces[0]) >= 22


@pytest.mark.parametrize(
    ("url", "source"),
    [
        ("https://tile.openstreetmap.org/{z}/{x}/{y}.png", "https://tile.openstreetmap.org"),
        ("https://{s}.tile.example.org/{z}/{x}/{y}.png", "https://*.tile.example.org"),
        ("http://127.0.0.1:8080/tiles/{z}/{x}/{y}.png", "http://127.0.0.1:8080"),
        ("https://tiles-{s}.example.org/{z}/{x}/{y}.png", "https:"),
        ("/tiles/{z}/{x}/{y}.png", None),
    ],
)
def test_tile_source(url, source):
    assert tile_source(url) == source


def test_invitation_and_token_fields_still_select_on_click(client, auth, make):
    """What the inline handlers did is done by static/js/app.js, from data attributes."""
    auth.login(make.user(is_site_admin=True))
    page = client.post("/account/tokens", data={"token-name": "laptop"}).get_data(as_text=True)
    assert re.search(r'<input class="invitation-link" readonly [^>]*data-select-on-click', page)
    assert re.search(r'src="/static/js/app.js\?v=[0-9a-f]{12}"', page)  # versioned
    # the language menu changes the page only when its button is pressed (WCAG 3.2.2)
    assert re.search(r'<select id="lang-select" name="lang">', page)
    assert "submit-on-change" not in page
