"""SIGKILL the worker mid-transcode, or the web server mid-upload: after a restart the
item converges to ready, and nothing half-made is ever visible. Real processes throughout."""

import base64
import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import create_engine
from sqlalchemy import text

from tests.media.helpers import make_video
from tourbuilder import create_app
from tourbuilder.database import upgrade
from tourbuilder.extensions import db
from tourbuilder.models import ApiToken
from tourbuilder.models import Membership
from tourbuilder.models import Role
from tourbuilder.models import Team
from tourbuilder.models import User

FIXTURES = Path(__file__).resolve().parents[2] / "shared" / "fixtures"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def deployment(tmp_path):
    """Environment of a laptop deployment living in tmp_path, migrated, with one team,
    one editor of it and the editor's API token."""
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'tb.db'}",
        "TOURBUILDER_INSTANCE_PATH": str(tmp_path / "instance"),
        "TOURBUILDER_MEDIA_ROOT": str(tmp_path / "media"),
        "TOURBUILDER_SECRET_KEY": "crash-test",
        "TOURBUILDER_JOB_STALE_SECONDS": "2",
        "TOURBUILDER_PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
    }
    env.pop("REDIS_URL", None)
    cli = [sys.executable, "-m", "tourbuilder.cli"]
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": env["DATABASE_URL"],
            "INSTANCE_PATH": env["TOURBUILDER_INSTANCE_PATH"],
            "MEDIA_ROOT": env["TOURBUILDER_MEDIA_ROOT"],
            "SECRET_KEY": "crash-test",
            "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        }
    )
    with app.app_context():
        upgrade()
        team = Team(name="Crash team", country="ES", languages=["es"])
        user = User(email="ed@example.org")
        user.set_password("a long editor password")
        row, token = ApiToken.create(user)
        db.session.add_all([team, user, row, Membership(user=user, team=team, role=Role.EDITOR)])
        db.session.commit()
        db.engine.dispose()
    engine = create_engine(env["DATABASE_URL"])
    yield {"env": env, "cli": cli, "token": token, "engine": engine, "tmp": tmp_path}
    engine.dispose()


def start(deployment, *args):
    return subprocess.Popen(
        [*deployment["cli"], *args],
        env=deployment["env"],
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def kill_group(proc):
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.wait(timeout=10)


def strays(marker: str) -> list[int]:
    """ffmpeg processes working on files under ``marker`` (they run in their own sessions)."""
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if marker.encode() in cmdline and b"ffmpeg" in cmdline and state != "Z":
            found.append(int(pid))
    return found


def kill_strays(marker: str):
    for pid in strays(marker):
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


def item_row(deployment, item_id):
    with deployment["engine"].connect() as conn:
        return conn.execute(
            text("SELECT status, progress, derivatives FROM media_item WHERE id = :id"),
            {"id": item_id},
        ).one()


def wait_for(predicate, timeout, what):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    pytest.fail(f"timed out waiting for {what}")


class Api:
    def __init__(self, port, token):
        self.port, self.token = port, token

    def request(self, method, path, body=None, headers=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        conn.request(
            method,
            path,
            body=body,
            headers={"Authorization": f"Bearer {self.token}", **(headers or {})},
        )
        response = conn.getresponse()
        data = response.read()
        conn.close()
        return response, data

    def up(self):
        try:
            return self.request("GET", "/healthz")[0].status == 200
        except OSError:
            return False


@pytest.mark.skipif(not FIXTURES.exists(), reason="../shared/fixtures is absent")
def test_worker_killed_mid_transcode_converges(deployment, tmp_path):
    # MPEG-4 Part 2 video: never web-ready, so it is always transcoded
    clip = make_video(
        tmp_path / "clip.mp4",
        duration=12,
        size="1280x720",
        rate=30,
        audio=False,
        codec=["-c:v", "mpeg4", "-q:v", "3"],
    )
    port = free_port()
    web = start(deployment, "serve", "--port", str(port))  # embedded queue: worker inside
    api = Api(port, deployment["token"])
    try:
        wait_for(api.up, 30, "the server")
        boundary = "tbboundary"
        body = (
            (
                f'--{boundary}\r\nContent-Disposition: form-data; name="team_id"\r\n\r\n1\r\n'
                f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
                f'filename="clip.mp4"\r\nContent-Type: video/mp4\r\n\r\n'
            ).encode()
            + clip.read_bytes()
            + f"\r\n--{boundary}--\r\n".encode()
        )
        response, data = api.request(
            "POST",
            "/api/v1/media",
            body,
            {"Content-Type": f"multipart/form-data; boundary={boundary}"},
        )
        assert response.status == 201, data
        item_id = json.loads(data)["id"]
        wait_for(
            lambda: item_row(deployment, item_id).status == "processing", 60, "processing to start"
        )
        kill_group(web)
        # its ffmpeg dies with it (parent-death signal), instead of transcoding on, orphaned
        wait_for(lambda: not strays(str(deployment["tmp"])), 10, "ffmpeg to die with the server")
        assert item_row(deployment, item_id).status == "processing"  # the crash left it so
        time.sleep(2.5)  # older than JOB_STALE_SECONDS: abandoned
        web = start(deployment, "serve", "--port", str(port))
        row = wait_for(
            lambda: (r := item_row(deployment, item_id)).status in ("ready", "failed") and r,
            180,
            "the item to converge",
        )
        assert row.status == "ready"
        derivatives = json.loads(row.derivatives)
        media = Path(deployment["env"]["TOURBUILDER_MEDIA_ROOT"])
        assert any(name.startswith("video-") for name in derivatives)
        for entry in derivatives.values():
            assert (media / entry["key"]).stat().st_size > 0
        assert not list(media.rglob(".part-*"))
    finally:
        kill_group(web)
        kill_strays(str(deployment["tmp"]))


@pytest.mark.skipif(not FIXTURES.exists(), reason="../shared/fixtures is absent")
def test_server_killed_mid_upload_converges(deployment):
    data = (FIXTURES / "IMG_5910.jpg").read_bytes()
    port = free_port()
    web = start(deployment, "serve", "--port", str(port))
    api = Api(port, deployment["token"])
    tus = {"Tus-Resumable": "1.0.0"}
    try:
        wait_for(api.up, 30, "the server")
        meta = ",".join(
            f"{k} {base64.b64encode(v.encode()).decode()}"
            for k, v in {"filename": "big.jpg", "team_id": "1"}.items()
        )
        response, _ = api.request(
            "POST",
            "/uploads/tus",
            headers={**tus, "Upload-Length": str(len(data)), "Upload-Metadata": meta},
        )
        assert response.status == 201
        path = response.getheader("Location")
        assert path.startswith("/uploads/tus/")
        # the first chunk arrives; the second is cut off by the crash
        response, _ = api.request(
            "PATCH",
            path,
            data[:200_000],
            {**tus, "Upload-Offset": "0", "Content-Type": "application/offset+octet-stream"},
        )
        assert response.status == 204
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        conn.putrequest("PATCH", path)
        for key, value in {
            **tus,
            "Upload-Offset": "200000",
            "Content-Type": "application/offset+octet-stream",
            "Content-Length": str(len(data) - 200_000),
            "Authorization": f"Bearer {deployment['token']}",
        }.items():
            conn.putheader(key, value)
        conn.endheaders()
        conn.send(data[200_000:400_000])
        kill_group(web)
        conn.close()
        with deployment["engine"].connect() as db:
            assert db.execute(text("SELECT count(*) FROM media_item")).scalar() == 0

        web = start(deployment, "serve", "--port", str(port))
        wait_for(api.up, 30, "the restarted server")
        response, _ = api.request("HEAD", path, headers=tus)
        offset = int(response.getheader("Upload-Offset"))
        assert 200_000 <= offset < len(data)
        response, _ = api.request(
            "PATCH",
            path,
            data[offset:],
            {
                **tus,
                "Upload-Offset": str(offset),
                "Content-Type": "application/offset+octet-stream",
            },
        )
        assert response.status == 204
        item_id = int(response.getheader("Upload-Media-Id"))
        row = wait_for(
            lambda: (r := item_row(deployment, item_id)).status == "ready" and r,
            60,
            "the item to be ready",
        )
        assert "1280.webp" in json.loads(row.derivatives)
        with deployment["engine"].connect() as db:
            size, sha = db.execute(
                text("SELECT size, sha256 FROM media_item WHERE id = :id"), {"id": item_id}
            ).one()
        import hashlib

        assert size == len(data) and sha == hashlib.sha256(data).hexdigest()
    finally:
        kill_group(web)


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_server_stops_on_sigterm_and_ctrl_c(deployment, signum):
    """The in-process job consumer must not swallow the signals that stop the server."""
    port = free_port()
    web = start(deployment, "serve", "--port", str(port))
    try:
        wait_for(Api(port, deployment["token"]).up, 30, "the server")
        web.send_signal(signum)
        assert web.wait(timeout=15) in (0, -signum, 128 + signum, 1)
    finally:
        kill_group(web)
