"""Videos and sound recordings on public tour pages."""

import io
import subprocess
from pathlib import Path

import pytest

from tourbuilder.extensions import db
from tourbuilder.models import Consent
from tourbuilder.models import MediaItem
from tourbuilder.models import Role
from tourbuilder.models import StopMedia
from tourbuilder.models import Team
from tourbuilder.models import Tour
from tourbuilder.services import commit
from tourbuilder.services import publishing
from tourbuilder.services.library import attach_captions
from tourbuilder.services.library import store_upload

FIXTURES = Path(__file__).resolve().parents[2] / "shared" / "fixtures"
WEBM = FIXTURES / "bbb_480p_vp9_opus_1second.webm"
# Rendering players on the tour page: which media the page may show is the query
# tests/test_public.py runs on both databases.
pytestmark = [
    pytest.mark.skipif(not FIXTURES.exists(), reason="../shared/fixtures is absent"),
    pytest.mark.sqlite_only,
]


def add_media(app, tour, path: Path, consent=Consent.NO_PEOPLE) -> int:
    with app.app_context():
        tour = db.session.get(Tour, tour.id)
        with open(path, "rb") as stream:
            item, _ = store_upload(db.session.get(Team, tour.team_id), stream, path.name, None)
        commit()  # processed now: the test queue runs jobs at once
        item.consent = consent
        item.caption = {"en": f"About {path.stem}"}
        tour.stops[0].media_links.append(StopMedia(media=item))
        db.session.flush()
        tour.publication.document = publishing.document(tour)  # published as it is now
        db.session.commit()
        return item.id


@pytest.fixture(scope="module")
def video_tour(module_app, module_make):
    """A tour whose first stop shows a video, processed once per module and database (a
    module world, see tests/conftest.py); nobody has recorded consent yet."""
    team = module_make.team()
    tour = module_make.tour(team)
    item_id = add_media(module_app, tour, WEBM, consent=Consent.NOT_YET)
    return team, tour, item_id


def test_video_with_poster_and_captions_on_the_tour_page(app, client, video_tour):
    _team, tour, item_id = video_tour
    with app.app_context():
        item = db.session.get(MediaItem, item_id)
        item.consent = Consent.NO_PEOPLE
        db.session.commit()
        attach_captions(
            item,
            "es",
            io.BytesIO(b"WEBVTT\n\n00:00.000 --> 00:01.000\nHola\n"),
        )
        commit()
    page = client.get(f"/tours/{tour.slug}").get_data(as_text=True)
    assert f'<source src="/media/{item_id}/video-' in page
    assert f'poster="/media/{item_id}/poster-' in page
    assert f'src="/media/{item_id}/captions-es.vtt" srclang="es"' in page
    assert 'preload="none"' in page  # nothing heavy downloads before the viewer asks
    video_url = page.split('<source src="', 1)[1].split('"', 1)[0]
    assert client.get(video_url).status_code == 200


def test_sound_recording_on_the_tour_page(app, client, make, tmp_path):
    wav = tmp_path / "voice.wav"
    subprocess.run(
        [
            "ffmpeg",
            "-nostdin",
            "-loglevel",
            "error",
            "-f",
            "lavfi",
            "-i",
            "sine=frequency=440:duration=1",
            str(wav),
        ],
        check=True,
    )
    tour = make.tour(make.team())
    item_id = add_media(app, tour, wav)
    page = client.get(f"/tours/{tour.slug}").get_data(as_text=True)
    assert f'<audio controls preload="none" src="/media/{item_id}/audio' in page


def test_video_without_consent_is_only_for_the_team(client, make, auth, video_tour):
    team, tour, item_id = video_tour
    assert f"/media/{item_id}/" not in client.get(f"/tours/{tour.slug}").get_data(as_text=True)
    auth.login(make.user(team, Role.EDITOR))
    page = client.get(f"/tours/{tour.slug}").get_data(as_text=True)
    assert f"/media/{item_id}/video-" in page and "Only your team sees this" in page
