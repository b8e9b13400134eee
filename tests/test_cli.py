import pytest
from sqlalchemy import select

from tourbuilder.extensions import db
from tourbuilder.models import Tour
from tourbuilder.models import TourVisibility
from tourbuilder.models import User
from tourbuilder.models import Workshop
from tourbuilder.services import workshops

# Commands whose database work (users, tokens, the demo's tours) other tests run on both
# databases: here only their arguments, prompts and output are new.
sqlite_only = pytest.mark.sqlite_only


@sqlite_only
def test_create_admin_from_environment(app, runner, monkeypatch):
    monkeypatch.setenv("TOURBUILDER_ADMIN_PASSWORD", "a very good password")
    result = runner.invoke(args=["create-admin", "Boss@Example.org"])
    assert result.exit_code == 0, result.output
    assert "Created site administrator boss@example.org" in result.output
    with app.app_context():
        user = db.session.scalars(select(User)).one()
        assert user.is_site_admin and user.check_password("a very good password")


@sqlite_only
def test_create_admin_prompts_and_refuses_short_password(app, runner, monkeypatch):
    monkeypatch.delenv("TOURBUILDER_ADMIN_PASSWORD", raising=False)
    result = runner.invoke(args=["create-admin", "a@example.org"], input="short\nshort\n")
    assert result.exit_code != 0 and "at least 10 characters" in result.output
    with app.app_context():
        assert db.session.scalars(select(User)).first() is None


@sqlite_only
def test_token_create_gives_working_bearer_token(app, runner, client, make):
    user = make.user(is_site_admin=True)
    result = runner.invoke(args=["token", "create", user.email])
    assert result.exit_code == 0, result.output
    token = result.output.strip()
    response = client.post(
        "/api/v1/teams",
        json={"name": "Tunis coop", "country": "TN", "languages": ["ar", "fr"]},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 201, response.json
    assert response.json["role"] == "admin"


def test_token_create_for_unknown_email(runner):
    result = runner.invoke(args=["token", "create", "nobody@example.org"])
    assert result.exit_code != 0 and "No account" in result.output


@sqlite_only
def test_demo_creates_public_tour_in_seville_once(app, runner, client):
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        tour = db.session.scalars(select(Tour).where(Tour.slug == "sevilla-solidaria")).one()
        assert tour.visibility is TourVisibility.PUBLIC and len(tour.stops) >= 6
        # The demo workshop's programme has both demo teams' tours, Seville's first.
        workshop = db.session.scalars(select(Workshop)).one()
        programme = workshops.programme(workshop)
        assert [t.slug for t in programme] == ["sevilla-solidaria", "tunis-medina-solidaire"]
        assert programme[0].team_id != programme[1].team_id
        assert all(t.visibility is TourVisibility.PUBLIC for t in programme)
        for stop in tour.stops:
            lat, lon = stop.position_for(None)
            assert 37.3 < lat < 37.45 and -6.05 < lon < -5.95  # Seville
            assert stop.media and all(m.is_publishable for m in stop.media)
        photo = tour.stops[0].media[0]
        variant = next(iter(photo.derivatives))
        # every kind of media, made here and processed like uploads
        shown = {m.kind: m for stop in tour.stops for m in stop.media}
        assert set(shown) == {"photo", "video", "audio", "panorama"}
        video = shown["video"]
        assert {"captions-es.vtt", "captions-en.vtt"} <= set(video.derivatives)
        assert any(name.startswith("poster") for name in video.derivatives)
        assert shown["panorama"].details["panorama"]["horizontal_coverage"] == 360.0
        assert "audio.m4a" in shown["audio"].derivatives
    assert client.get(f"/media/{photo.id}/{variant}").status_code == 200
    assert runner.invoke(args=["demo", "--if-empty"]).output.startswith("Demo skipped")
    runner.invoke(args=["demo"])
    with app.app_context():
        assert len(db.session.scalars(select(Tour)).all()) == 2
        assert len(db.session.scalars(select(Workshop)).all()) == 1


def test_check_reports_problems_with_fixes(app, runner, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the media folder should be")
    app.extensions["tourbuilder.storage"].root = blocker
    result = runner.invoke(args=["check"])
    assert result.exit_code == 1
    assert "[FAIL] media folder" in result.output and "fix:" in result.output
    assert "[ok  ] ffmpeg" in result.output
    # database without migrations applied is reported with the command that fixes it
    assert "tourbuilder db upgrade" in result.output
