"""Processed fixture videos play in Chromium, the right way up."""

from pathlib import Path

import pytest
from sqlalchemy import select

from tourbuilder.extensions import db
from tourbuilder.models import Consent
from tourbuilder.models import MediaStatus
from tourbuilder.models import Site
from tourbuilder.models import Team
from tourbuilder.services.demo import DEMO_TEAM
from tourbuilder.services.library import store_upload
from tourbuilder.services.processing import process_media_item

FIXTURES = Path(__file__).resolve().parents[3] / "shared" / "fixtures"
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not FIXTURES.exists(), reason="../shared/fixtures is absent"),
]

# fixture -> (display width, display height) from manifest.csv
VIDEOS = {
    "iphone_rotated.mov": (320, 568),
    "bbb_480p_vp9_opus_1second.webm": (854, 480),
    "sample.mp4": (1920, 1080),
}


@pytest.fixture(scope="module")
def published_videos(live_server):
    """The fixture videos, processed and shown on a public site of the demo team."""
    found = {}
    with live_server.app.app_context():
        team = db.session.scalar(select(Team).where(Team.name == DEMO_TEAM))
        site = db.session.scalars(select(Site).where(Site.team_id == team.id)).first()
        for name in VIDEOS:
            with open(FIXTURES / name, "rb") as stream:
                item, _ = store_upload(team, stream, name, None, queue=False)
            process_media_item(item.id)
            db.session.refresh(item)
            assert item.status is MediaStatus.READY, item.error
            item.consent, item.site = Consent.NO_PEOPLE, site
            db.session.commit()
            variants = sorted(v for v in item.derivatives if v.startswith("video-"))
            found[name] = [f"/media/{item.id}/{v}" for v in variants]
    return found


@pytest.mark.parametrize("name", list(VIDEOS))
def test_video_plays(page, live_server, published_videos, name):
    page.goto("/")
    for url in published_videos[name]:
        state = page.evaluate(
            """async (url) => {
                const video = document.createElement("video");
                video.muted = true;
                video.src = url;
                document.body.append(video);
                await video.play();
                await new Promise((done) => setTimeout(done, 400));
                const state = {time: video.currentTime, width: video.videoWidth,
                               height: video.videoHeight, error: video.error};
                video.remove();
                return state;
            }""",
            url,
        )
        assert state["error"] is None, (url, state)
        assert state["time"] > 0, (url, state)
        width, height = VIDEOS[name]
        # portrait stays portrait and the aspect ratio survives every rendition
        assert (state["width"] < state["height"]) == (width < height), (url, state)
        assert abs(state["width"] / state["height"] - width / height) < 0.02, (url, state)
