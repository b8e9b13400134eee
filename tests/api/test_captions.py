"""WebVTT captions on videos and sound recordings."""

import io
from pathlib import Path

import pytest

from tourbuilder.models import Role

from .api_helpers import login

FIXTURES = Path(__file__).resolve().parents[3] / "shared" / "fixtures"
pytestmark = pytest.mark.skipif(not FIXTURES.exists(), reason="../shared/fixtures is absent")

VTT = (
    "WEBVTT\n\nSTYLE\n::cue { color: red }\n\n"
    "00:00.000 --> 00:01.500\n<v Amal>Bienvenidas</v> <script>alert(1)</script>\n"
)


@pytest.fixture(scope="module")
def uploaded_video(module_app, module_make):
    """A video uploaded through the API by an editor of its team, processed once per module
    and database (a module world, see tests/conftest.py)."""
    team = module_make.team()
    editor = module_make.user(team, Role.EDITOR)
    client = module_app.test_client()
    login(client, editor.email)
    with open(FIXTURES / "bbb_480p_vp9_opus_1second.webm", "rb") as fh:
        response = client.post(
            "/api/v1/media",
            data={"team_id": str(team.id), "file": (fh, "v.webm")},
            content_type="multipart/form-data",
        )
    assert response.status_code == 201 and response.json["status"] == "ready"
    return editor, response.json["id"]


@pytest.fixture
def video(auth, uploaded_video):
    """The module's video, its editor signed in."""
    editor, item_id = uploaded_video
    auth.login(editor)
    return item_id


def put(client, item_id, lang, body: bytes):
    return client.put(
        f"/api/v1/media/{item_id}/captions/{lang}",
        data={"file": (io.BytesIO(body), "c.vtt")},
        content_type="multipart/form-data",
    )


def test_captions_are_cleaned_stored_and_served(client, video):
    response = put(client, video, "es", VTT.encode())
    assert response.status_code == 200, response.json
    assert response.json["derivatives"]["captions-es.vtt"] == f"/media/{video}/captions-es.vtt"
    served = client.get(f"/media/{video}/captions-es.vtt")
    assert served.status_code == 200 and served.mimetype == "text/vtt"
    text = served.get_data(as_text=True)
    assert text.startswith("WEBVTT") and "<v Amal>Bienvenidas</v>" in text
    assert "<script>" not in text and "STYLE" not in text and "color: red" not in text
    # replaced, then removed
    assert put(client, video, "es", b"WEBVTT\n\n00:00.000 --> 00:01.000\nHola\n").status_code == 200
    assert "Hola" in client.get(f"/media/{video}/captions-es.vtt").get_data(as_text=True)
    assert client.delete(f"/api/v1/media/{video}/captions/es").status_code == 204
    assert client.get(f"/media/{video}/captions-es.vtt").status_code == 404
    assert client.delete(f"/api/v1/media/{video}/captions/es").status_code == 404


@pytest.mark.parametrize(
    ("lang", "body", "message"),
    [
        ("es", b"1\n00:00:00,000 --> 00:00:01,000\nSRT, not VTT\n", "WebVTT"),
        ("es", "WEBVTT\n\nhola".encode("utf-16"), "UTF-8"),
        ("es", b"WEBVTT\n" + b"x" * (600 * 1024), "KB"),
        ("../x", b"WEBVTT\n", None),
        ("EN", b"WEBVTT\n", None),  # not a language code: no such address (404)
    ],
)
def test_bad_captions_are_refused(client, video, lang, body, message):
    response = put(client, video, lang, body)
    assert response.status_code in (404, 422)
    if message and response.status_code == 422:
        assert message in str(response.json["errors"])
    assert client.get(f"/api/v1/media/{video}").json["derivatives"].keys() == {
        k for k in client.get(f"/api/v1/media/{video}").json["derivatives"] if "captions" not in k
    }
