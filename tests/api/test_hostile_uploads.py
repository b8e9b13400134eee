"""Hostile files sent through the real endpoints: every one is accepted for processing or
refused with a 4xx, ends failed with a message a person understands, never a 500, and
nothing of another team's file (or a loopback URL) ever reaches a derivative."""

import base64
import io
import struct
import zlib

import pytest
from PIL import Image

from tourbuilder.extensions import db
from tourbuilder.models import MediaItem
from tourbuilder.models import MediaStatus
from tourbuilder.models import Role
from tourbuilder.storage import get_storage

SECRET = b"CANARY-OTHER-TEAM-SECRET"


def png_bomb(width=30000, height=30000) -> bytes:
    """A tiny PNG whose header claims 900 MP."""
    raw = zlib.compress(b"\0" * 1024)

    def chunk(kind, data):
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", raw) + chunk(b"IEND", b"")


def jpeg_bytes() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), "red").save(out, "JPEG")
    return out.getvalue()


def hostile_files(secret_path: str) -> dict[str, tuple[str, bytes]]:
    return {
        "hls": (
            "clip.mp4",
            f"#EXTM3U\n#EXT-X-TARGETDURATION:1\n#EXTINF:1,\nfile:{secret_path}\n"
            "#EXTINF:1,\nhttp://127.0.0.1:9/x.ts\n#EXT-X-ENDLIST\n".encode(),
        ),
        "ffconcat": ("clip.mp4", f"ffconcat version 1.0\nfile '{secret_path}'\n".encode()),
        "svg": (
            "photo.jpg",
            b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        ),
        "html": (
            "photo.jpg",
            b"<!doctype html><html><body><script>alert(1)</script></body></html>",
        ),
        "random": ("photo.jpg", bytes(range(256)) * 64),
        "truncated": ("photo.jpg", jpeg_bytes()[:200]),
        "bomb": ("bomb.png", png_bomb()),
        "protocol-name": ("concat:a.mp4|b.mp4", b"\x00\x00\x00\x18ftypmp42" + b"\0" * 64),
    }


@pytest.fixture
def setup(app, client, auth, make):
    victim = make.team()
    with app.app_context():
        # another team's private original, which a hostile file tries to make ffmpeg read
        get_storage().save("originals/se/secret", io.BytesIO(SECRET * 100))
        secret_path = str(get_storage().local_path("originals/se/secret"))
    attacker_team = make.team()
    auth.login(make.user(attacker_team, Role.EDITOR))
    return attacker_team, victim, secret_path


def assert_refused_cleanly(app, item_id):
    with app.app_context():
        item = db.session.get(MediaItem, item_id)
        assert item.status is MediaStatus.FAILED, (item.original_name, item.status)
        assert item.error and "Traceback" not in item.error and "/" not in item.error[:1]
        assert item.derivatives == {}
        storage = get_storage()
        for key in storage.keys():  # the secret stays where it was, and only there
            if key != "originals/se/secret":
                with storage.open(key) as fh:
                    assert SECRET not in fh.read(), key


@pytest.mark.parametrize(
    "kind", ["hls", "ffconcat", "svg", "html", "random", "truncated", "bomb", "protocol-name"]
)
def test_hostile_multipart_upload(app, client, setup, kind):
    team, _victim, secret_path = setup
    name, data = hostile_files(secret_path)[kind]
    response = client.post(
        "/api/v1/media",
        data={"team_id": str(team.id), "file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )
    assert response.status_code in (201, 422), response.json
    assert response.status_code < 500
    if response.status_code == 201:
        assert_refused_cleanly(app, response.json["id"])
        got = client.get(f"/api/v1/media/{response.json['id']}")
        assert got.json["status"] == "failed" and got.json["error"]


@pytest.mark.parametrize("kind", ["hls", "svg", "bomb"])
def test_hostile_resumable_upload(app, client, setup, kind):
    team, _victim, secret_path = setup
    name, data = hostile_files(secret_path)[kind]
    meta = ",".join(
        f"{k} {base64.b64encode(str(v).encode()).decode()}"
        for k, v in {"filename": name, "team_id": team.id}.items()
    )
    tus = {"Tus-Resumable": "1.0.0"}
    location = client.post(
        "/uploads/tus", headers={**tus, "Upload-Length": str(len(data)), "Upload-Metadata": meta}
    ).headers["Location"]
    done = client.patch(
        location,
        data=data,
        headers={**tus, "Upload-Offset": "0", "Content-Type": "application/offset+octet-stream"},
    )
    assert done.status_code == 204
    assert_refused_cleanly(app, int(done.headers["Upload-Media-Id"]))


def test_refused_upload_leaves_earlier_items_untouched(app, client, setup):
    team, _victim, secret_path = setup
    good = client.post(
        "/api/v1/media",
        data={"team_id": str(team.id), "file": (io.BytesIO(jpeg_bytes()), "ok.jpg")},
        content_type="multipart/form-data",
    ).json
    assert good["status"] == "ready"
    for name, data in hostile_files(secret_path).values():
        client.post(
            "/api/v1/media",
            data={"team_id": str(team.id), "file": (io.BytesIO(data), name)},
            content_type="multipart/form-data",
        )
    again = client.get(f"/api/v1/media/{good['id']}").json
    assert again["status"] == "ready" and again["derivatives"] == good["derivatives"]
    for url in good["derivatives"].values():
        assert client.get(url).status_code == 200
