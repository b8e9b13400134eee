"""Arabic and Greek pages show no English interface text.

Each page is opened with the interface language chosen by ``?lang=`` and by the browser's
Accept-Language. The page's own words are collected (visible text, and the ``title``,
``aria-label``, ``placeholder``, ``alt`` and button values of its elements), leaving out
what people wrote: text inside an element whose ``lang`` is another language (the tour is
in Spanish or English), or inside a container marked ``data-user-content``, and the map's
credits (the tile server's attribution is the operator's setting). What is left must hold
no English sentence of the catalogue (tourbuilder/translations/messages.pot) nor one of
the English words of the libraries we use (Leaflet, Pannellum, Uppy).
"""

from __future__ import annotations

import re
from functools import partial
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from sqlalchemy import select

from tourbuilder.extensions import db
from tourbuilder.models import Membership
from tourbuilder.models import Role
from tourbuilder.models import Site
from tourbuilder.models import SiteVisibility
from tourbuilder.models import Team
from tourbuilder.models import User
from tourbuilder.services import teams
from tourbuilder.services.demo import DEMO_TEAM

from .conftest import sign_in as sign_in_as

pytestmark = pytest.mark.browser

POT = Path(__file__).resolve().parents[2] / "tourbuilder" / "translations" / "messages.pot"
DEMO = "/tours/sevilla-solidaria"
PASSWORD = "reading in my own language"
# names, not words: they stay as they are in every language
PROPER_NAMES = {"tourbuilder", "OpenStreetMap", "Leaflet", "Natural Earth"}
# English the libraries write themselves, unless the page gives them its words
LIBRARY_ENGLISH = [
    "Zoom in",
    "Zoom out",
    "Close popup",
    "A JavaScript library for interactive maps",
    "Loading...",
    "Click to",
    "Drop files here",
    "browse files",
    "Uploading",
    "Upload complete",
    "Add more",
    "Cancel",
    "Done",
    "Retry",
    "Remove file",
    "Edit file",
]

COLLECT = """() => {
  const pageLang = document.documentElement.lang.split('-')[0];
  const skipped = 'script, style, noscript, template, [data-user-content],'
    + ' .leaflet-control-attribution';
  function people(el) {
    if (el.closest(skipped)) return true;
    const owner = el.closest('[lang]');
    return owner && owner.lang.split('-')[0] !== pageLang;
  }
  function where(el) {
    const id = el.id ? '#' + el.id : '';
    const cls = typeof el.className === 'string' && el.className
      ? '.' + el.className.trim().split(/\\s+/).join('.') : '';
    return el.tagName.toLowerCase() + id + cls;
  }
  const found = [{text: document.title, where: 'title'}];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const el = node.parentElement;
    const text = node.textContent.replace(/\\s+/g, ' ').trim();
    if (!text || people(el)) continue;
    if (!el.checkVisibility({checkOpacity: true, checkVisibilityCSS: true})) continue;
    found.push({text, where: where(el)});
  }
  const attributes = ['title', 'aria-label', 'placeholder', 'alt'];
  document.body.querySelectorAll('*').forEach(el => {
    if (people(el)) return;
    for (const name of attributes) {
      const value = el.getAttribute(name);
      if (value && value.trim()) found.push({text: value.trim(), where: where(el) + '@' + name});
    }
    if (el.matches('input[type=submit], input[type=button]') && el.value) {
      found.push({text: el.value, where: where(el) + '@value'});
    }
  });
  return found;
}"""


def english_pattern() -> re.Pattern:
    """Every English sentence and phrase of the catalogue (cut at its placeholders), and
    the libraries' English, as one case-insensitive whole-word pattern."""
    with POT.open("rb") as f:
        catalog = read_po(f)
    phrases = set(LIBRARY_ENGLISH)
    for message in catalog:
        ids = message.id if isinstance(message.id, tuple | list) else (message.id,)
        for msgid in ids:
            for piece in re.split(r"%\(\w+\)[sd]|%[sd]|\{\w+\}|[\n:·()]", msgid or ""):
                piece = piece.strip(" .,;!?…\"'“”‘’-—")
                if len(re.sub(r"[^A-Za-z]", "", piece)) > 3 and piece not in PROPER_NAMES:
                    phrases.add(piece)
    words = sorted(phrases, key=len, reverse=True)
    return re.compile(
        r"(?<![A-Za-z])(" + "|".join(re.escape(w) for w in words) + r")(?![A-Za-z])",
        re.IGNORECASE,
    )


ENGLISH = english_pattern()


def report(english: list[str]) -> str:
    """Each finding once (a page's header shows on every state of it)."""
    seen, lines = set(), []
    for line in english:
        key = line.split(": ", 1)[1]
        if key not in seen:
            seen.add(key)
            lines.append(line)
    return "\n".join(lines)


def english_on(page, label: str) -> list[str]:
    """The English the page shows, as "page: element: text" lines."""
    found = []
    for item in page.evaluate(COLLECT):
        text = item["text"]
        for name in PROPER_NAMES:
            text = text.replace(name, "")
        match = ENGLISH.search(text)
        if match:
            found.append(f"{label}: {item['where']}: {item['text']!r} ({match.group(0)!r})")
    return found


@pytest.fixture(scope="module")
def places(live_server):
    """A public demo site, the demo team, an editor of it, and a used-up invitation."""
    with live_server.app.app_context():
        team = db.session.scalar(select(Team).where(Team.name == DEMO_TEAM))
        site = db.session.scalar(
            select(Site)
            .where(Site.visibility == SiteVisibility.PUBLIC, Site.team_id == team.id)
            .order_by(Site.id)
        )
        user = db.session.scalar(select(User).where(User.email == "polyglot@example.org"))
        if user is None:
            user = User(email="polyglot@example.org", name="Polyglot editor")
            user.set_password(PASSWORD)
            db.session.add_all([user, Membership(user=user, team=team, role=Role.EDITOR)])
            db.session.flush()
        invitation, token = teams.invite(team, Role.EDITOR, user, days=7)
        teams.revoke_invitation(team, invitation.id)
        db.session.commit()
        return {"site": f"/sites/{site.id}", "team": team.id, "token": token}


def open_page(page, path: str, lang: str, how: str, status: int = 200):
    url = path + (f"{'&' if '?' in path else '?'}lang={lang}" if how == "query" else "")
    response = page.goto(url)
    assert response.status == status, url
    if status >= 400:  # the document answering 4xx is what we asked for
        page.watch.errors[:] = [e for e in page.watch.errors if f"status of {status}" not in e]
    assert page.locator("html").get_attribute("lang") == lang
    page.wait_for_load_state("networkidle")


def context_for(new_page, lang: str, how: str):
    # Accept-Language: the language first, English after it (the common case: English
    # must not win because it is accepted too)
    if how == "accept":
        return new_page(locale=lang, extra_http_headers={"Accept-Language": f"{lang},en;q=0.8"})
    return new_page(locale="en-GB")


@pytest.mark.parametrize("how", ["query", "accept"])
@pytest.mark.parametrize("lang", ["ar", "el"])
def test_public_pages_speak_the_readers_language(new_page, places, lang, how):
    page = context_for(new_page, lang, how)
    english = []

    open_page(page, "/", lang, how)
    page.wait_for_function("() => window.tourbuilderHome && window.tourbuilderHome.loaded")
    english += english_on(page, "home")
    page.locator(".tb-pin").first.click()
    page.locator(".leaflet-popup .tb-popup-link").wait_for()
    english += english_on(page, "home, a project's popup")
    page.locator(".leaflet-popup-close-button").click()
    page.locator(".tb-cluster, .tb-pin").last.hover()
    english += english_on(page, "home, a tooltip")

    open_page(page, DEMO, lang, how)
    page.wait_for_selector(".tb-stop-marker")
    page.locator(".story-next").click()
    page.locator(".story-position").filter(has_text=re.compile(".")).wait_for()
    english += english_on(page, "tour")
    panorama = page.locator(".panorama-open")
    if panorama.count():
        panorama.first.scroll_into_view_if_needed()
        panorama.first.click()
        page.locator(".panorama-viewer").wait_for()
        english += english_on(page, "tour, panorama")
    page.locator(".story-view").click()
    page.locator("#all-stops").wait_for()
    english += english_on(page, "tour, all stops")

    open_page(page, places["site"], lang, how)
    page.wait_for_selector(".tb-pin")
    english += english_on(page, "site")

    open_page(page, "/login", lang, how)
    english += english_on(page, "sign-in")
    open_page(page, "/no-such-page", lang, how, status=404)
    english += english_on(page, "404")
    open_page(page, f"/invite/{places['token']}", lang, how, status=410)
    english += english_on(page, "410")

    assert not english, f"English on a page in {lang}:\n{report(english)}"


@pytest.mark.parametrize("how", ["query", "accept"])
@pytest.mark.parametrize("lang", ["ar", "el"])
def test_the_media_library_and_its_uploader_speak_the_readers_language(
    new_page, places, lang, how, tmp_path
):
    page = context_for(new_page, lang, how)
    partial(sign_in_as, password=PASSWORD)(
        page, "polyglot@example.org", lang if how == "query" else None
    )
    english = []
    open_page(page, f"/teams/{places['team']}/media", lang, how)
    page.wait_for_selector(".uppy-Dashboard")
    english += english_on(page, "media library")
    # an item's details, with its position picker's map
    page.locator("details[id^=panel-] > summary").first.click()
    page.locator("details[open] [data-picker-map] .leaflet-control-zoom-in").wait_for()
    english += english_on(page, "media library, an item's details")
    # a file that is not a photo, video or sound: the refusal is ours, translated
    notes = tmp_path / "notes.txt"
    notes.write_text("not a picture")
    page.set_input_files(".uppy-Dashboard-input >> nth=0", str(notes))
    page.locator(".uppy-Informer p").first.wait_for()
    english += english_on(page, "media library, a refused file")
    # a team editor may not change the team's settings: 403
    open_page(page, f"/teams/{places['team']}/settings", lang, how, status=403)
    english += english_on(page, "403")

    assert not english, f"English on a page in {lang}:\n{report(english)}"


# Uppy's words this uploader can show (Dashboard, its status bar and informer, tus; no
# remote providers, camera, editor or session recovery), and their English
UPPY_SHOWN = {
    "dropPasteFiles": "Drop files here or %{browseFiles}",
    "browseFiles": "browse files",
    "uploadComplete": "Upload complete",
    "uploading": "Uploading",
    "uploadFailed": "Upload failed",
    "retry": "Retry",
    "cancel": "Cancel",
    "done": "Done",
    "addMore": "Add more",
    "removeFile": "Remove file",
    "noDuplicates": "Cannot add the duplicate file '%{fileName}', it already exists",
    "folderAlreadyAdded": 'The folder "%{folder}" was already added',
    "additionalRestrictionsFailed": "%{count} additional restrictions were not fulfilled",
    "error": "Error",
    "showErrorDetails": "Show error details",
    "generatingThumbnails": "Generating thumbnails...",
    "unnamed": "Unnamed",
    "dataUploadedOfUnknown": "%{complete} of unknown",
    "pleaseWait": "Please wait",
}


@pytest.mark.parametrize("lang", ["es", "pt", "el", "ar", "fr", "ca"])
def test_the_uploader_has_every_word_in_each_language(new_page, places, lang):
    """Uppy's locale pack for the language, with our catalogue's words for what the pack
    lacks (data-uppy-strings), gives every word the uploader can show, none in English."""
    page = new_page()
    partial(sign_in_as, password=PASSWORD)(page, "polyglot@example.org", lang)
    page.goto(f"/teams/{places['team']}/media?lang={lang}")
    page.wait_for_selector(".uppy-Dashboard")
    strings = page.evaluate(
        """() => {
            const target = document.getElementById('uploader');
            const pack = window.Uppy.locales[target.dataset.locale];
            return Object.assign({}, JSON.parse(target.dataset.uppyStrings), pack.strings);
        }"""
    )
    missing = [key for key in UPPY_SHOWN if key not in strings]
    english = [k for k, text in UPPY_SHOWN.items() if strings.get(k) == text and text != "Error"]
    assert not missing and not english, (missing, english)
    assert "%{fileName}" in strings["noDuplicates"]
