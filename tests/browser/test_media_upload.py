"""An editor signs in, drops photos and a video on the media page, and watches them become
ready: real Chromium, Uppy, tus, the job and the derivatives, end to end."""

from functools import partial
from pathlib import Path

import pytest
from sqlalchemy import select

from tourbuilder.extensions import db
from tourbuilder.models import Membership
from tourbuilder.models import Role
from tourbuilder.models import Team
from tourbuilder.models import User
from tourbuilder.services.demo import DEMO_TEAM

from .conftest import sign_in as sign_in_as

FIXTURES = Path(__file__).resolve().parents[3] / "shared" / "fixtures"
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not FIXTURES.exists(), reason="../shared/fixtures is absent"),
]
PASSWORD = "uploading from the field"


@pytest.fixture(scope="module")
def editor(live_server):
    with live_server.app.app_context():
        team = db.session.scalar(select(Team).where(Team.name == DEMO_TEAM))
        user = db.session.scalar(select(User).where(User.email == "uploader@example.org"))
        if user is None:
            user = User(email="uploader@example.org", name="Field editor")
            user.set_password(PASSWORD)
            db.session.add_all([user, Membership(user=user, team=team, role=Role.EDITOR)])
            db.session.commit()
        return {"email": user.email, "team_id": team.id}


sign_in = partial(sign_in_as, password=PASSWORD)


def test_upload_through_the_dashboard_becomes_ready(new_page, editor, shot):
    page = new_page()
    sign_in(page, editor["email"])
    page.goto(f"/teams/{editor['team_id']}/media")
    page.wait_for_selector(".uppy-Dashboard")
    files = [str(FIXTURES / "IMG_5910.jpg"), str(FIXTURES / "iphone_rotated.mov")]
    page.set_input_files(".uppy-Dashboard-input >> nth=0", files)
    # the page reloads itself once processing is over; rows appear with their thumbnails
    for name in ("IMG_5910.jpg", "iphone_rotated.mov"):
        row = page.locator(".media-item", has_text=name)
        try:
            row.wait_for(timeout=30_000)
        except Exception:
            shot(page, "media-library-failed", full_page=True)
            print(page.locator("#media-list").inner_text())
            raise
        page.wait_for_function(
            "name => [...document.querySelectorAll('.media-item')].some(r =>"
            " r.textContent.includes(name) && r.dataset.status === 'ready'"
            " && r.querySelector('.thumb img') && r.querySelector('.thumb img').naturalWidth > 0)",
            arg=name,
            timeout=90_000,
        )
    photo = page.locator(".media-item", has_text="IMG_5910.jpg")
    assert "Camera position not confirmed" in photo.inner_text()
    shot(page, "media-library")
