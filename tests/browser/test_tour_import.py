"""An editor previews the stops of a CSV file on a tour's "Import stops" page, confirms,
and sees them added; a malformed file gets its line named. English and Arabic, phone and
laptop."""

from __future__ import annotations

import os
from functools import partial
from pathlib import Path

import pytest
from sqlalchemy import select

from tourbuilder.extensions import db
from tourbuilder.models import Membership
from tourbuilder.models import Role
from tourbuilder.models import Team
from tourbuilder.models import Tour
from tourbuilder.models import User
from tourbuilder.services import commit
from tourbuilder.services.demo import DEMO_TEAM
from tourbuilder.services.tours import create_tour

from .conftest import sign_in as sign_in_as

pytestmark = pytest.mark.browser
PASSWORD = "stops from a file"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
CSV = (
    "title,lat,lon,narrative\n"
    "Mercado de la Encarnación,37.3934,-5.9918,Puestos de productores locales\n"
    "سوق المزارعين,37.3891,-5.9845,تعاونية نسائية تبيع الخضار\n"
    'Huerto del Rey Moro,37.3987,-5.9873,"Un huerto comunitario, abierto los sábados"\n'
)
PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1366, "height": 768}
WIDE = {"width": 1920, "height": 1080}


@pytest.fixture(scope="module")
def setup(live_server):
    """An editor of the demo team and a draft tour of theirs to import into."""
    with live_server.app.app_context():
        team = db.session.scalar(select(Team).where(Team.name == DEMO_TEAM))
        user = db.session.scalar(select(User).where(User.email == "stops@example.org"))
        if user is None:
            user = User(email="stops@example.org", name="Stops editor")
            user.set_password(PASSWORD)
            db.session.add_all([user, Membership(user=user, team=team, role=Role.EDITOR)])
        tour = create_tour(team, {"en": "Market walk", "ar": "جولة السوق"}, languages=["en", "ar"])
        commit()
        return {"email": user.email, "url": f"/teams/{team.id}/tours/{tour.id}/import",
                "tour_id": tour.id}  # fmt: skip


sign_in = partial(sign_in_as, password=PASSWORD)


def preview(page, tmp_path, text, name="stops.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    page.set_input_files("#stop-file", str(path))
    page.click("#stop-preview")


@pytest.mark.parametrize(
    ("lang", "viewport", "saved"),
    [("en", LAPTOP, "en-1366"), ("ar", PHONE, "ar-390"), ("en", PHONE, None), ("ar", WIDE, None)],
)
def test_preview_then_confirm(new_page, live_server, setup, shot, tmp_path, lang, viewport, saved):
    page = new_page(viewport=viewport)
    sign_in(page, setup["email"])
    page.goto(f"{setup['url']}?lang={lang}")
    assert page.locator("html").get_attribute("dir") == ("rtl" if lang == "ar" else "ltr")
    assert page.locator("#stop-preview-result").is_hidden()
    assert page.locator("#stop-done").is_hidden()
    preview(page, tmp_path, CSV)
    page.wait_for_selector("#stop-rows tr >> nth=2")
    cells = page.locator("#stop-rows tr >> nth=1").locator("td")
    assert cells.nth(1).inner_text() == "سوق المزارعين"
    assert cells.nth(5).inner_text() == ("line 3" if lang == "en" else "السطر 3")
    assert cells.nth(3).evaluate("td => td.dir === 'ltr' && td.textContent") == "-5.984500"
    shot(page, f"import-stops-{lang}-{viewport['width']}", full_page=True)
    if saved and os.environ.get("SAVE_SCREENSHOTS") == "1":  # refresh docs/screenshots
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"import-stops-{saved}.png"), scale="css")
    with live_server.app.app_context():
        before = len(db.session.get(Tour, setup["tour_id"]).stops)
    page.click("#stop-confirm")
    page.wait_for_selector("#stop-done:visible")
    assert page.locator("#stop-confirm").is_hidden()
    assert "3" in page.locator("#stop-status").inner_text()
    with live_server.app.app_context():
        assert len(db.session.get(Tour, setup["tour_id"]).stops) == before + 3


def test_a_malformed_file_is_named_by_its_line(new_page, setup, shot, tmp_path):
    page = new_page(viewport=LAPTOP)
    sign_in(page, setup["email"])
    page.goto(f"{setup['url']}?lang=es")
    preview(page, tmp_path, "title,lat,lon\nA,37.1,-5.9\nB,123,4\n")
    error = page.locator("#stop-error")
    error.wait_for()
    assert error.inner_text() == "línea 3: la latitud 123 está fuera de rango."
    assert page.locator("#stop-preview-result").is_hidden()
    shot(page, "import-stops-error-es-1366")
    # Chromium logs the expected 422 answer as a failed resource; no script failed
    page.watch.errors[:] = [e for e in page.watch.errors if "status of 422" not in e]
