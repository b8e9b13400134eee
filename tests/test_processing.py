"""The process_media job: stored upload in, ready item with web derivatives out."""

import hashlib
import io
import os
import shutil
from datetime import timedelta
from pathlib import Path

import pytest

from tourbuilder.extensions import db
from tourbuilder.models import MediaItem
from tourbuilder.models import MediaKind
from tourbuilder.models import MediaStatus
from tourbuilder.models import Role
from tourbuilder.models import utcnow
from tourbuilder.services.processing import process_media_item
from tourbuilder.services.processing import recover_unfinished
from tourbuilder.storage import get_storage

FIXTURES = Path(__file__).resolve().parents[2] / "shared" / "fixtures"

pytestmark = pytest.mark.skipif(not FIXTURES.exists(), reason="../shared/fixtures is absent")


def stored_item(app, team, data: bytes, status=MediaStatus.PENDING, name="upload.bin"):
    digest = hashlib.sha256(data).hexdigest()
    with app.app_context():
        key = f"originals/{digest[:2]}/{digest}"
        get_storage().save(key, io.BytesIO(data))
        item = MediaItem(
            team_id=team.id,
            kind=MediaKind.PHOTO,
            status=status,
            original_key=key,
            sha256=digest,
            size=len(data),
            original_name=name,
        )
        db.session.add(item)
        db.session.commit()
        return item.id


def test_photo_becomes_ready_with_derivatives(app, make, client, auth):
    team = make.team()
    editor = make.user(team, Role.EDITOR)
    item_id = stored_item(app, team, (FIXTURES / "IMG_5910.jpg").read_bytes())
    with app.app_context():
        assert process_media_item(item_id) == "ready"
        item = db.session.get(MediaItem, item_id)
        assert item.status is MediaStatus.READY and item.progress == 100
        assert (item.width, item.height) == (1394, 930)
        assert item.lat == pytest.approx(37.8710933, abs=1e-5)
        assert item.lon == pytest.approx(-122.25678, abs=1e-5)
        assert not item.location_confirmed  # GPS is a suggestion until confirmed
        assert {"320.webp", "640.jpg", "1280.webp"} <= set(item.derivatives)
        assert "original_key" not in str(item.details)
    # members see the derivative, the public does not (no consent recorded yet)
    assert client.get(f"/media/{item_id}/640.webp").status_code == 404
    auth.login(editor)
    response = client.get(f"/media/{item_id}/640.webp")
    assert response.status_code == 200 and response.mimetype == "image/webp"
    assert response.data[:4] == b"RIFF"


def test_processing_twice_is_harmless(app, make):
    team = make.team()
    item_id = stored_item(app, team, (FIXTURES / "flower.jpg").read_bytes())
    with app.app_context():
        assert process_media_item(item_id) == "ready"
        first = dict(db.session.get(MediaItem, item_id).derivatives)
        assert process_media_item(item_id) == "skipped"
        assert db.session.get(MediaItem, item_id).derivatives == first


def test_missing_derivative_files_are_made_again(app, make):
    team = make.team()
    item_id = stored_item(app, team, (FIXTURES / "flower.jpg").read_bytes())
    with app.app_context():
        process_media_item(item_id)
        item = db.session.get(MediaItem, item_id)
        get_storage().delete(item.derivatives["320.webp"]["key"])
        assert process_media_item(item_id) == "ready"
        assert get_storage().exists(
            db.session.get(MediaItem, item_id).derivatives["320.webp"]["key"]
        )


def test_refused_file_fails_with_a_message(app, make):
    team = make.team()
    item_id = stored_item(app, team, b"<svg xmlns='http://www.w3.org/2000/svg'></svg>")
    with app.app_context():
        assert process_media_item(item_id) == "failed"
        item = db.session.get(MediaItem, item_id)
        assert item.status is MediaStatus.FAILED and item.derivatives == {}
        assert "SVG" in item.error or "svg" in item.error
        assert "Traceback" not in item.error


def test_damaged_picture_fails_at_once(app, make):
    # A real PNG cut inside its image data: no retry can mend it, so no "right now".
    data = (FIXTURES / "hopper.png").read_bytes()[:16_000]
    team = make.team()
    item_id = stored_item(app, team, data, name="hopper.png")
    with app.app_context():
        assert process_media_item(item_id) == "failed"
        item = db.session.get(MediaItem, item_id)
        assert item.status is MediaStatus.FAILED and item.derivatives == {}
        assert "damaged" in item.error and "right now" not in item.error


def test_video_gets_renditions_and_poster(app, make):
    team = make.team()
    item_id = stored_item(app, team, (FIXTURES / "iphone_rotated.mov").read_bytes())
    with app.app_context():
        assert process_media_item(item_id) == "ready"
        item = db.session.get(MediaItem, item_id)
        assert item.kind is MediaKind.VIDEO
        assert (item.width, item.height) == (320, 568)
        assert item.duration == pytest.approx(2.2, abs=0.15)
        names = set(item.derivatives)
        assert any(n.startswith("video-") and n.endswith(".mp4") for n in names), names
        assert any(n.startswith("poster-") for n in names), names


def _age(app, item_id, seconds):
    with app.app_context():
        table = MediaItem.__table__
        db.session.execute(
            table.update()
            .where(table.c.id == item_id)
            .values(updated_at=utcnow() - timedelta(seconds=seconds))
        )
        db.session.commit()


def test_recovery_requeues_items_a_dead_worker_left(app, make):
    team = make.team()
    item_id = stored_item(
        app, team, (FIXTURES / "flower.jpg").read_bytes(), status=MediaStatus.PROCESSING
    )
    with app.app_context():
        # a worker that reported progress a moment ago is alive: leave its item alone
        assert recover_unfinished() == 0
        assert process_media_item(item_id) == "busy"
    _age(app, item_id, app.config["JOB_STALE_SECONDS"] + 1)
    with app.app_context():
        assert recover_unfinished() == 1  # the test queue runs jobs inline
        assert db.session.get(MediaItem, item_id).status is MediaStatus.READY
        assert recover_unfinished() == 0


def test_the_sole_worker_starting_takes_up_a_dead_process_items_at_once(app, make):
    """``tourbuilder serve`` with the embedded queue is the only worker: at its start,
    an item left "processing" belongs to the process that died, however recent."""
    team = make.team()
    item_id = stored_item(
        app, team, (FIXTURES / "flower.jpg").read_bytes(), status=MediaStatus.PROCESSING
    )
    with app.app_context():
        assert recover_unfinished(sole_worker=True) == 1
        assert db.session.get(MediaItem, item_id).status is MediaStatus.READY


def test_recovery_requeues_pending_items(app, make):
    team = make.team()
    item_id = stored_item(app, team, (FIXTURES / "flower.jpg").read_bytes())
    with app.app_context():
        assert recover_unfinished(include_pending=False) == 0
        assert recover_unfinished() == 1
        assert db.session.get(MediaItem, item_id).status is MediaStatus.READY


def test_scratch_space_is_cleaned(app, make):
    team = make.team()
    item_id = stored_item(app, team, (FIXTURES / "flower.jpg").read_bytes())
    with app.app_context():
        process_media_item(item_id)
        scratch = get_storage().root / "tmp"
        assert not scratch.exists() or os.listdir(scratch) == []
    shutil.rmtree(app.config["MEDIA_ROOT"], ignore_errors=True)


def test_size_limit_per_kind(app, make):
    app.config["UPLOAD_LIMITS"] = {"photo": 10_000}
    team = make.team()
    item_id = stored_item(app, team, (FIXTURES / "flower.jpg").read_bytes())
    with app.app_context():
        assert process_media_item(item_id) == "failed"
        error = db.session.get(MediaItem, item_id).error
        assert error == "This photo is 32.0 KB; the limit for a photo is 9.8 KB."


@pytest.mark.parametrize(
    ("fixture", "kind", "error"),
    [
        ("iphone_rotated.mov", MediaKind.VIDEO, "This video is 156.2 KB; the limit for a video"),
        ("Mojstrovka.gpx", MediaKind.TRACK, "This file is a GPS track (GPX)"),
    ],
)
def test_failed_item_takes_the_kind_of_its_bytes(app, make, fixture, kind, error):
    # Stored as a photo (the first guess from a declared image/jpeg), refused once the
    # bytes are known: the item says what they are.
    app.config["UPLOAD_LIMITS"] = {"video": 100_000}
    team = make.team()
    item_id = stored_item(app, team, (FIXTURES / fixture).read_bytes(), name="IMG_0001.jpg")
    with app.app_context():
        assert process_media_item(item_id) == "failed"
        item = db.session.get(MediaItem, item_id)
        assert item.kind is kind
        assert item.error.startswith(error)


def test_progress_reports_reach_the_item(app, make):
    """The progress writer saves through ``db.engine``, beside the job's session."""
    from tourbuilder.services.processing import _ProgressWriter

    team = make.team()
    item_id = stored_item(app, team, b"not yet read", status=MediaStatus.PROCESSING)
    with app.app_context():
        item = db.session.get(MediaItem, item_id)
        _ProgressWriter(item)(42.0)
        db.session.refresh(item)
        assert item.progress == 42.0
