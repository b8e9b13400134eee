"""Interface translations: the catalogues are complete and sound, and the pages use them.

Languages: es, pt, el, ar (right to left), fr, ca; English is the source language.
"""

from __future__ import annotations

import io
import os
import re
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations
from markupsafe import escape

PROJECT = Path(__file__).resolve().parents[1]
TRANSLATIONS = PROJECT / "tourbuilder" / "translations"
TEMPLATE = TRANSLATIONS / "messages.pot"
LANGUAGES = ["es", "pt", "el", "ar", "fr", "ca"]
RTL = {"ar"}
HOME_STRING = "Transformative projects"
PLACEHOLDER = re.compile(r"%\((\w+)\)[sdif]")

# The pages below render the home page, whose queries tests/test_public.py runs on both
# databases, and a user's saved language (tests/views/test_account.py): SQLite will do.
pytestmark = pytest.mark.sqlite_only


def po_path(lang: str) -> Path:
    return TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po"


def read_catalogue(path: Path, lang: str | None = None):
    with path.open("rb") as f:
        return read_po(f, locale=lang)


def compile_catalogue(lang: str) -> Path:
    """The .mo next to the .po, (re)built when missing or older than the .po."""
    po, mo = po_path(lang), po_path(lang).with_suffix(".mo")
    if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
        tmp = mo.with_name(f".{os.getpid()}.{mo.name}")  # atomic: tests may run in parallel
        with tmp.open("wb") as f:
            write_mo(f, read_catalogue(po, lang), use_fuzzy=False)
        os.replace(tmp, mo)
    return mo


def translations(lang: str) -> Translations:
    with compile_catalogue(lang).open("rb") as f:
        return Translations(f)


@pytest.fixture(scope="module", autouse=True)
def compiled_catalogues():
    for lang in LANGUAGES:
        compile_catalogue(lang)


def html_tag(body: str) -> tuple[str, str]:
    match = re.search(r'<html lang="([^"]*)" dir="([^"]*)">', body)
    assert match, "no <html lang=... dir=...> tag"
    return match.group(1), match.group(2)


def home_text(lang: str) -> str:
    return str(escape(translations(lang).gettext(HOME_STRING)))


# --- Pages -------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGUAGES)
def test_home_page_in_each_language(client, lang):
    resp = client.get(f"/?lang={lang}")
    assert resp.status_code == 200
    body = resp.get_data(as_text=True)
    assert html_tag(body) == (lang, "rtl" if lang in RTL else "ltr")
    assert home_text(lang) != HOME_STRING
    assert home_text(lang) in body
    assert HOME_STRING not in body


@pytest.mark.parametrize("lang", LANGUAGES)
def test_language_choice_sticks_for_the_next_request(client, lang):
    client.get(f"/?lang={lang}")
    body = client.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert html_tag(body)[0] == lang
    assert home_text(lang) in body


@pytest.mark.parametrize("header", ["ar", "ar-PS,ar;q=0.9,en;q=0.5", "ar-JO"])
def test_accept_language_arabic(client, header):
    body = client.get("/", headers={"Accept-Language": header}).get_data(as_text=True)
    assert html_tag(body) == ("ar", "rtl")
    assert home_text("ar") in body


def test_unknown_language_falls_back(client):
    resp = client.get("/?lang=zz")
    assert resp.status_code == 200
    body = resp.get_data(as_text=True)
    assert html_tag(body) == ("en", "ltr")
    assert HOME_STRING in body


def test_unknown_language_keeps_the_earlier_choice(client):
    client.get("/?lang=el")
    body = client.get("/?lang=zz").get_data(as_text=True)
    assert html_tag(body) == ("el", "ltr")


def test_signed_in_user_language(client, make, auth):
    team = make.team()
    user = make.user(team, language="ca")
    auth.login(user)
    body = client.get("/").get_data(as_text=True)
    assert html_tag(body) == ("ca", "ltr")
    assert home_text("ca") in body


@pytest.mark.parametrize("lang", LANGUAGES)
def test_plural_forms_on_the_page(client, make, lang):
    team = make.team()
    make.tour(team, stops=2)
    body = client.get(f"/?lang={lang}").get_data(as_text=True)
    t = translations(lang)
    two_stops = t.ngettext("%(num)d stop", "%(num)d stops", 2) % {"num": 2}
    no_projects = t.ngettext("%(num)s project on the map", "%(num)s projects on the map", 0)
    assert str(escape(two_stops)) in body
    assert str(escape(no_projects % {"num": 0})) in body


# --- Catalogues ----------------------------------------------------------------------------


def template_ids() -> set[str]:
    return {m.id if isinstance(m.id, str) else m.id[0] for m in read_catalogue(TEMPLATE) if m.id}


def placeholders(text: str) -> set[str]:
    return set(PLACEHOLDER.findall(text))


@pytest.mark.parametrize("lang", LANGUAGES)
def test_catalogue_is_complete(lang):
    catalogue = read_catalogue(po_path(lang), lang)
    ids = {m.id if isinstance(m.id, str) else m.id[0] for m in catalogue if m.id}
    assert template_ids() <= ids, "catalogue out of date: run `make messages` and translate"
    for message in catalogue:
        if not message.id:
            continue
        assert not message.fuzzy, f"fuzzy: {message.id!r}"
        if message.pluralizable:
            assert len(message.string) == catalogue.num_plurals, message.id
            assert all(message.string), f"untranslated plural form: {message.id!r}"
        else:
            assert message.string, f"untranslated: {message.id!r}"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_placeholders_are_kept(lang):
    """Each msgstr uses exactly its msgid's %(name)s placeholders and formats without error.

    A plural form may leave the number out where the language names it with a word (Arabic
    zero, one and two: "محطتان", two stops); the last ("other") form keeps them all.
    """
    for message in read_catalogue(po_path(lang), lang):
        if not message.id:
            continue
        if message.pluralizable:
            expected = placeholders(message.id[0]) | placeholders(message.id[1])
            forms = list(message.string)
            for form in forms[:-1]:
                assert placeholders(form) <= expected, (message.id, form)
            assert placeholders(forms[-1]) == expected, (message.id, forms[-1])
        else:
            expected = placeholders(message.id)
            forms = [message.string]
            assert placeholders(message.string) == expected, (message.id, message.string)
        if expected:
            values = dict.fromkeys(expected, 3)
            for form in forms:
                form % values  # no stray % or unknown conversion


@pytest.mark.parametrize("lang", LANGUAGES)
def test_catalogue_compiles(lang):
    buf = io.BytesIO()
    write_mo(buf, read_catalogue(po_path(lang), lang), use_fuzzy=False)
    buf.seek(0)
    t = Translations(buf)
    assert t.gettext(HOME_STRING) != HOME_STRING


def test_plural_headers():
    assert read_catalogue(po_path("ar"), "ar").num_plurals == 6
    ar = translations("ar")
    forms = {n: ar.ngettext("%(num)d stop", "%(num)d stops", n) for n in (0, 1, 2, 3, 11, 100)}
    assert len(set(forms.values())) == 6, forms  # zero, one, two, few, many, other
    assert read_catalogue(po_path("el"), "el").num_plurals == 2
    # European Portuguese: zero takes the plural ("0 paragens").
    pt = translations("pt")
    assert pt.ngettext("%(num)d stop", "%(num)d stops", 0) == pt.ngettext(
        "%(num)d stop", "%(num)d stops", 5
    )


def test_every_source_string_is_in_the_template():
    """Run `make messages` after changing user-facing strings."""
    with (PROJECT / "babel.cfg").open() as f:
        method_map, options_map = parse_mapping_cfg(f)
    keywords = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None}
    skip = {"node_modules", "static", "__pycache__", "tests", "bench", "docs"}

    def wanted(path: str) -> bool:
        name = os.path.basename(path)
        return not name.startswith(".") and name not in skip

    found = {
        message if isinstance(message, str) else message[0]
        for _file, _line, message, _comments, _context in extract_from_dir(
            str(PROJECT), method_map, options_map, keywords=keywords, directory_filter=wanted
        )
    }
    assert found - template_ids() == set()


@pytest.mark.parametrize(
    ("accept", "query", "offered", "expected"),
    [
        # A Greek reader whose browser also accepts English gets English, not Spanish.
        ("el-GR,el;q=0.9,en;q=0.8", "", ["es", "en"], "en"),
        # The browser's order wins over the tour's order.
        ("fr,pt;q=0.9,es;q=0.8", "", ["es", "pt"], "pt"),
        # Nothing the reader accepts: the tour's fallback.
        ("el", "", ["es", "en"], "es"),
        # The interface language chosen in the menu comes first.
        ("el,en;q=0.8", "lang=ar", ["en", "ar"], "ar"),
        # The reader's explicit choice among the tour's languages comes before everything.
        ("ar", "content=en", ["en", "ar"], "en"),
        # A choice the tour does not offer is ignored.
        ("en", "content=zz", ["es", "en"], "en"),
        # Regional variants read their base language.
        ("pt-BR", "", ["es", "pt"], "pt"),
    ],
)
def test_content_language_follows_the_reader(app, accept, query, offered, expected):
    from tourbuilder.i18n import content_language

    with app.test_request_context(f"/tours/x?{query}", headers={"Accept-Language": accept}):
        assert content_language(offered, offered[0]) == expected
