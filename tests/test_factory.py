import pytest

from tourbuilder import create_app

# The app tests answer from no table but the API 404's one-row lookup: SQLite will do.
pytestmark = pytest.mark.sqlite_only


def test_config_layers(monkeypatch, tmp_path):
    monkeypatch.setenv("TOURBUILDER_TILE_URL", "http://tiles.example/{z}/{x}/{y}.png")
    monkeypatch.setenv("TOURBUILDER_INVITATION_DAYS", "3")
    monkeypatch.setenv("DATABASE_URL", "postgres://u@h/db")
    monkeypatch.setenv("TOURBUILDER_INSTANCE_PATH", str(tmp_path))
    app = create_app({"TESTING": True})
    assert app.config["TILE_URL"] == "http://tiles.example/{z}/{x}/{y}.png"
    assert app.config["INVITATION_DAYS"] == 3
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@h/db"


def test_secret_key_generated_once_and_kept(monkeypatch, tmp_path):
    monkeypatch.delenv("TOURBUILDER_SECRET_KEY", raising=False)
    monkeypatch.setenv("TOURBUILDER_INSTANCE_PATH", str(tmp_path))
    first = create_app({"TESTING": True}).config["SECRET_KEY"]
    second = create_app({"TESTING": True}).config["SECRET_KEY"]
    assert len(first) >= 32 and first == second
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_healthz(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json == {"status": "ok"}


def test_unknown_page_is_a_friendly_404(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert b"Traceback" not in response.data and b"<html" in response.data


def test_api_errors_are_json(client):
    response = client.get("/api/v1/teams/999999")
    assert response.status_code == 404
    assert response.json["code"] == 404 and response.json["status"] == "Not Found"
