"""The tus resumable-upload endpoint."""

import base64
from pathlib import Path

import pytest

from tourbuilder.extensions import db
from tourbuilder.models import MediaItem
from tourbuilder.models import MediaStatus
from tourbuilder.models import Role
from tourbuilder.models import UploadSession

FIXTURES = Path(__file__).resolve().parents[3] / "shared" / "fixtures"
TUS = {"Tus-Resumable": "1.0.0"}


def metadata(**values) -> str:
    return ",".join(f"{k} {base64.b64encode(str(v).encode()).decode()}" for k, v in values.items())


def create(client, team, length, filename="photo.jpg", **extra):
    headers = {
        **TUS,
        "Upload-Length": str(length),
        "Upload-Metadata": metadata(filename=filename, filetype="image/jpeg", team_id=team.id),
        **extra,
    }
    return client.post("/uploads/tus", headers=headers)


def patch(client, location, offset, body):
    return client.patch(
        location,
        data=body,
        headers={
            **TUS,
            "Upload-Offset": str(offset),
            "Content-Type": "application/offset+octet-stream",
        },
    )


@pytest.fixture
def editor(make, auth):
    team = make.team()
    user = make.user(team, Role.EDITOR)
    auth.login(user)
    return team, user


def test_options_advertises_extensions(client):
    response = client.options("/uploads/tus")
    assert response.status_code == 204
    assert response.headers["Tus-Version"] == "1.0.0"
    assert set(response.headers["Tus-Extension"].split(",")) == {"creation", "termination"}
    assert int(response.headers["Tus-Max-Size"]) > 0


@pytest.mark.skipif(not FIXTURES.exists(), reason="../shared/fixtures is absent")
def test_interrupted_upload_resumes_and_becomes_a_ready_item(app, client, editor):
    team, _ = editor
    data = (FIXTURES / "IMG_5910.jpg").read_bytes()
    response = create(client, team, len(data), filename="../../etc/passwd")
    assert response.status_code == 201
    location = response.headers["Location"].removeprefix("http://localhost")
    assert patch(client, location, 0, data[:300_000]).status_code == 204
    with app.app_context():
        assert db.session.scalar(db.select(MediaItem)) is None  # nothing half-visible
    # the client lost track: HEAD says where to resume
    head = client.head(location, headers=TUS)
    assert head.headers["Upload-Offset"] == "300000"
    assert head.headers["Cache-Control"] == "no-store"
    assert patch(client, location, 0, data).status_code == 409  # wrong offset refused
    done = patch(client, location, 300_000, data[300_000:])
    assert done.status_code == 204 and done.headers["Upload-Offset"] == str(len(data))
    with app.app_context():
        item = db.session.get(MediaItem, int(done.headers["Upload-Media-Id"]))
        assert item.status is MediaStatus.READY
        assert item.original_name == "passwd" and item.size == len(data)
        session = db.session.scalars(db.select(UploadSession)).one()
        assert not (Path(app.config["MEDIA_ROOT"]) / session.partial_key).exists()
    assert patch(client, location, len(data), b"x").status_code == 410


def test_more_bytes_than_announced_are_refused(client, editor):
    team, _ = editor
    location = create(client, team, 10).headers["Location"]
    assert patch(client, location, 0, b"x" * 11).status_code == 413
    assert client.head(location, headers=TUS).headers["Upload-Offset"] == "0"


def test_termination_removes_partial_bytes(app, client, editor):
    team, _ = editor
    location = create(client, team, 100).headers["Location"]
    patch(client, location, 0, b"x" * 40)
    assert client.delete(location, headers=TUS).status_code == 204
    assert client.head(location, headers=TUS).status_code == 404
    with app.app_context():
        assert list((Path(app.config["MEDIA_ROOT"]) / "uploads").iterdir()) == []


@pytest.mark.parametrize(
    "headers, status",
    [
        ({"Upload-Length": "abc"}, 400),
        ({"Upload-Length": "0"}, 400),
        ({"Upload-Length": str(10**13)}, 413),
        ({"Upload-Length": "10", "Upload-Metadata": "filename !!notbase64"}, 400),
        ({"Upload-Length": "10", "Tus-Resumable": "0.2.2"}, 412),
    ],
)
def test_bad_creation_requests(client, editor, headers, status):
    team, _ = editor
    base = {**TUS, "Upload-Metadata": metadata(team_id=team.id)}
    response = client.post("/uploads/tus", headers={**base, **headers})
    assert response.status_code == status
    assert response.json["message"]


def test_only_team_editors_upload_and_only_the_uploader_continues(client, auth, make, editor):
    team, _ = editor
    location = create(client, team, 10).headers["Location"]
    auth.logout()
    assert create(client, team, 10).status_code == 401
    facilitator = make.user(team, Role.FACILITATOR)
    auth.login(facilitator)
    assert create(client, team, 10).status_code == 403
    assert client.head(location, headers=TUS).status_code == 404
    assert patch(client, location, 0, b"x").status_code == 404
    auth.logout()
    auth.login(make.user(make.team(), Role.EDITOR))
    assert create(client, team, 10).status_code == 403


@pytest.mark.skipif(not FIXTURES.exists(), reason="../shared/fixtures is absent")
def test_complete_upload_whose_hand_over_was_interrupted_is_finished_on_head(app, client, editor):
    team, _ = editor
    data = (FIXTURES / "flower.jpg").read_bytes()
    location = create(client, team, len(data)).headers["Location"]
    with app.app_context():
        session = db.session.scalars(db.select(UploadSession)).one()
        # every byte reached the disk, then the server died before making the item
        (Path(app.config["MEDIA_ROOT"]) / session.partial_key).write_bytes(data)
    head = client.head(location, headers=TUS)
    assert head.headers["Upload-Offset"] == str(len(data))
    with app.app_context():
        item = db.session.get(MediaItem, int(head.headers["Upload-Media-Id"]))
        assert item.status is MediaStatus.READY and item.size == len(data)


@pytest.mark.skipif(not FIXTURES.exists(), reason="../shared/fixtures is absent")
def test_the_same_file_again_says_it_is_a_duplicate_of_the_item(client, editor):
    team, _ = editor
    data = (FIXTURES / "flower.jpg").read_bytes()
    ids = []
    for attempt in range(2):
        location = create(client, team, len(data)).headers["Location"]
        done = patch(client, location.removeprefix("http://localhost"), 0, data)
        assert done.status_code == 204
        ids.append(done.headers["Upload-Media-Id"])
        assert done.headers.get("Upload-Duplicate") == ("1" if attempt else None)
    assert ids[0] == ids[1]
