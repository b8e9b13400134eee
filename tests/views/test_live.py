"""Follow-along: starting a session, moving it, the phone page, joining by code, and the
event stream over real HTTP."""

from __future__ import annotations

import io
import json
import threading
from datetime import date

import pytest
import requests
from PIL import Image
from sqlalchemy import func
from sqlalchemy import select

from tests.live import LiveServer
from tourbuilder.extensions import db
from tourbuilder.live import get_store
from tourbuilder.models import Consent
from tourbuilder.models import Membership
from tourbuilder.models import Reflection
from tourbuilder.models import Role
from tourbuilder.models import StopMedia
from tourbuilder.models import Team
from tourbuilder.models import Tour
from tourbuilder.models import TourVisibility
from tourbuilder.models import User
from tourbuilder.services import commit
from tourbuilder.services import publishing
from tourbuilder.services import workshops
from tourbuilder.services.library import store_upload


@pytest.fixture
def room(app, make):
    team = make.team()
    facilitator = make.user(team, role=Role.FACILITATOR)
    tour = make.tour(team, stops=3, visibility=TourVisibility.WORKSHOP)
    return team, facilitator, tour


def start(client, auth, user, tour, **extra):
    auth.login(user)
    return client.post("/api/v1/live", json={"tour_id": tour.id, **extra})


def test_a_facilitator_starts_and_moves_a_session_that_phones_follow(app, client, auth, room):
    _team, facilitator, tour = room
    started = start(client, auth, facilitator, tour)
    assert started.status_code == 201, started.json
    code = started.json["code"]
    assert started.json["url"].endswith(f"/live/{code}") and started.json["reachable"]

    moved = client.post(f"/api/v1/live/{code}/state", json={"stop": 2})
    assert moved.status_code == 200 and moved.json["stop"] == 2

    phone = app.test_client()  # nobody signed in: a workshop-only tour, followed by code
    page = phone.get(f"/live/{code}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'data-start="2"' in html and "Stop 3" in html
    assert "noindex" in html
    assert phone.get(f"/tours/{tour.slug}").status_code == 404  # the tour itself stays hidden


def test_only_the_presenter_moves_the_session(app, client, auth, make, room):
    team, facilitator, tour = room
    code = start(client, auth, facilitator, tour).json["code"]
    colleague = make.user(team, role=Role.EDITOR)
    other = app.test_client()
    assert other.post(f"/api/v1/live/{code}/state", json={"stop": 1}).status_code == 401
    other.post("/login", data={"email": colleague.email, "password": "correct horse battery"})
    assert other.post(f"/api/v1/live/{code}/state", json={"stop": 1}).status_code == 404
    assert other.delete(f"/api/v1/live/{code}").status_code == 404
    with app.app_context():
        assert get_store().get(code).stop == 0


def test_a_stop_beyond_the_tour_is_refused(client, auth, room):
    _team, facilitator, tour = room
    code = start(client, auth, facilitator, tour).json["code"]
    refused = client.post(f"/api/v1/live/{code}/state", json={"stop": 5})
    assert refused.status_code == 422 and "stop" in json.dumps(refused.json)
    assert client.post(f"/api/v1/live/{code}/state", json={"stop": 4}).status_code == 200  # end


def test_a_tour_without_a_published_version_cannot_be_followed(client, auth, make, room):
    team, facilitator, _tour = room
    draft = make.tour(team, visibility=TourVisibility.DRAFT)
    refused = start(client, auth, facilitator, draft)
    assert refused.status_code == 422
    assert "Publish" in refused.json["message"]


def test_someone_outside_the_team_cannot_start_a_session(client, auth, make, room):
    _team, _facilitator, tour = room
    outsider = make.user(make.team())
    assert start(client, auth, outsider, tour).status_code == 404


def test_joining_by_code(app, client, auth, room):
    _team, facilitator, tour = room
    code = start(client, auth, facilitator, tour).json["code"]
    phone = app.test_client()
    assert phone.get("/live").status_code == 200
    typed = code.lower()[:3] + " " + code.lower()[3:]
    opened = phone.get(f"/live?code={typed}")
    assert opened.status_code == 302 and opened.headers["Location"].endswith(f"/live/{code}")
    wrong = phone.get("/live?code=XXXXXX")
    assert wrong.status_code == 404 and "No presentation is running" in wrong.get_data(True)
    assert phone.get("/live/ACDEFG").status_code == 404


def test_guessing_codes_is_throttled_but_the_right_code_never_counts(app, client, auth, room):
    app.config["LIVE_CODE_RATE_LIMIT"] = "4 per minute"
    _team, facilitator, tour = room
    code = start(client, auth, facilitator, tour).json["code"]
    phone = app.test_client()
    for _ in range(6):  # the room following: never counted
        assert phone.get(f"/live/{code}").status_code == 200
    # wrong codes by every door count together, per address
    assert phone.get("/live?code=XXXXXX").status_code == 404
    assert phone.get("/live/ACDEFG").status_code == 404
    assert phone.get("/live/ACDEFG/events").status_code == 404
    assert phone.post("/live/ACDEFG/reflections", json={"stop": 1}).status_code == 404
    refused = phone.get("/live?code=YYYYYY")
    assert refused.status_code == 429 and 0 < int(refused.headers["Retry-After"]) <= 60
    assert "Too many attempts" in refused.get_data(as_text=True)
    assert phone.get(f"/live/{code}").status_code == 429  # until the minute has passed
    # another address is not held back
    other = app.test_client()
    assert other.get(f"/live/{code}", environ_base={"REMOTE_ADDR": "10.0.0.9"}).status_code == 200


def test_an_ended_session_is_gone(app, client, auth, room):
    _team, facilitator, tour = room
    code = start(client, auth, facilitator, tour).json["code"]
    assert client.delete(f"/api/v1/live/{code}").status_code == 204
    assert app.test_client().get(f"/live/{code}").status_code == 404


def test_the_room_address_is_the_laptops_when_it_serves_every_interface(app, client, auth, room):
    _team, facilitator, tour = room
    app.config.update(SERVE_HOST="127.0.0.1", SERVE_PORT=5000)
    local = start(client, auth, facilitator, tour).json
    assert not local["reachable"] and "HOST=0.0.0.0" in local["warning"]
    app.config.update(SERVE_HOST="0.0.0.0")
    room_wide = client.get(f"/api/v1/live/{local['code']}").json
    assert room_wide["reachable"] and room_wide["warning"] is None
    app.config["PUBLIC_URL"] = "https://tours.example.org"
    assert client.get(f"/api/v1/live/{local['code']}").json["url"] == (
        f"https://tours.example.org/live/{local['code']}"
    )


def read_events(response, wanted: int, found: list) -> None:
    """Parse Server-Sent Events off ``response`` until ``wanted`` events have come."""
    event = {}
    for line in response.iter_lines(decode_unicode=True):
        if line == "":
            if "event" in event:
                found.append(event)
                if len(found) == wanted:
                    return
            event = {}
        elif not line.startswith(":"):
            key, _sep, value = line.partition(": ")
            event[key] = value


@pytest.mark.real_db
def test_the_event_stream_delivers_each_change_over_http(app, client, auth, room):
    """A phone's stream (real sockets) gets the state at once, then each change, then the
    end; reflections never reach a phone."""
    _team, facilitator, tour = room
    app.config["LIVE_HEARTBEAT_SECONDS"] = 0.2
    code = start(client, auth, facilitator, tour).json["code"]
    server = LiveServer(app)
    try:
        stream = requests.get(f"{server.url}/live/{code}/events", stream=True, timeout=10)
        assert stream.headers["Content-Type"].startswith("text/event-stream")
        assert stream.headers["X-Accel-Buffering"] == "no"
        found = []
        reader = threading.Thread(target=read_events, args=(stream, 4, found))
        reader.start()
        client.post(f"/api/v1/live/{code}/state", json={"stop": 1})
        with app.app_context():
            get_store().publish(code, "reflection", {"body": "private"})
        client.post(f"/api/v1/live/{code}/state", json={"stop": 3, "step": 1})
        client.delete(f"/api/v1/live/{code}")
        reader.join(10)
        stream.close()
        assert [(e["event"], json.loads(e["data"]).get("stop")) for e in found] == [
            ("state", 0),
            ("state", 1),
            ("state", 3),
            ("end", None),
        ]
        assert json.loads(found[2]["data"])["title"] == "Stop 3"
    finally:
        server.close()


@pytest.fixture
def workshop_room(app, make):
    """A facilitator who belongs to no team, presenting a team's workshop-only tour
    shared with their workshop."""
    team = make.team()
    admin = make.user(team, role=Role.ADMIN)
    facilitator = make.user()
    tour = make.tour(team, stops=3, visibility=TourVisibility.WORKSHOP)
    with app.app_context():
        workshop = workshops.create_workshop(
            db.session.get(User, admin.id), title="Formación", starts_on=date(2026, 12, 10)
        )
        workshops.add_facilitator(workshop, facilitator.email)
        workshops.share_tour(
            workshop, db.session.get(Tour, tour.id), db.session.get(User, admin.id)
        )
        db.session.commit()
        workshop_id = workshop.id
    return facilitator, tour, workshop_id


def test_a_phone_sends_a_reflection_that_the_presenter_can_mark_shown(
    app, client, auth, workshop_room
):
    facilitator, tour, workshop_id = workshop_room
    started = start(client, auth, facilitator, tour, workshop_id=workshop_id)
    assert started.status_code == 201, started.json
    code = started.json["code"]
    phone = app.test_client()
    page = phone.get(f"/live/{code}").get_data(as_text=True)
    assert "data-live-reflect" in page
    with app.app_context():
        after = get_store().last_event_id(code)
    sent = phone.post(
        f"/live/{code}/reflections",
        json={"stop": 2, "body": "  Me recuerda a mi barrio ", "name": "Lina"},
        headers={"Accept": "application/json"},
    )
    assert sent.status_code == 201, sent.json
    with app.app_context():
        events = get_store().events(code, after, timeout=1)
        assert [(e.kind, e.data["body"], e.data["stop"]) for e in events] == [
            ("reflection", "Me recuerda a mi barrio", 2)
        ]
        assert db.session.get(Reflection, sent.json["id"]).shown_at is None
    shown = client.post(f"/api/v1/live/{code}/reflections/{sent.json['id']}/shown")
    assert shown.status_code == 204
    with app.app_context():
        assert db.session.get(Reflection, sent.json["id"]).shown_at is not None


def test_refused_reflections_say_why(app, client, auth, workshop_room):
    facilitator, tour, workshop_id = workshop_room
    code = start(client, auth, facilitator, tour, workshop_id=workshop_id).json["code"]
    app.config["REFLECTION_RATE_LIMIT"] = "2 per minute"
    phone = app.test_client()
    phone.get(f"/live/{code}")

    def send(body, stop=1):
        return phone.post(f"/live/{code}/reflections", json={"stop": stop, "body": body},
                          headers={"Accept": "application/json"})  # fmt: skip

    assert send("").status_code == 422
    assert send("x" * 501).status_code == 422
    assert send("ok", stop=9).status_code == 422
    assert send("one").status_code == 201
    assert send("two").status_code == 201
    limited = send("three")
    assert limited.status_code == 429 and limited.headers["Retry-After"]
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Reflection)) == 2


def test_no_reflections_outside_a_workshop(app, client, auth, room):
    _team, facilitator, tour = room
    code = start(client, auth, facilitator, tour).json["code"]
    phone = app.test_client()
    assert "data-live-reflect" not in phone.get(f"/live/{code}").get_data(as_text=True)
    sent = phone.post(f"/live/{code}/reflections", json={"stop": 1, "body": "hola"})
    assert sent.status_code == 404


def test_a_workshop_session_only_for_a_tour_of_its_programme(
    app, client, auth, make, workshop_room
):
    facilitator, _tour, workshop_id = workshop_room
    own_team = make.team()
    with app.app_context():
        db.session.add(Membership(user_id=facilitator.id, team_id=own_team.id, role=Role.ADMIN))
        db.session.commit()
    elsewhere = make.tour(own_team)
    refused = start(client, auth, facilitator, elsewhere, workshop_id=workshop_id)
    assert refused.status_code == 422 and "programme" in refused.json["message"]


def add_photo(app, tour, consent) -> tuple[int, str]:
    """A real photo, processed, on the tour's first stop and in its published version."""
    picture = io.BytesIO()
    shade = 90 if consent is Consent.NO_PEOPLE else 30  # two pictures, not one stored twice
    Image.radial_gradient("L").rotate(shade).convert("RGB").resize((800, 600)).save(picture, "JPEG")
    picture.seek(0)
    with app.app_context():
        tour = db.session.get(Tour, tour.id)
        item, _ = store_upload(db.session.get(Team, tour.team_id), picture, "huerto.jpg", None)
        commit()  # the test queue processes it at once
        item.consent = consent
        tour.stops[0].media_links.append(StopMedia(media=item))
        db.session.flush()
        tour.publication.document = publishing.document(tour)
        db.session.commit()
        return item.id, next(name for name in item.derivatives if name.endswith(".jpg"))


@pytest.mark.sqlite_only
def test_a_phone_sees_the_followed_workshop_tours_publishable_photos_while_it_lives(
    app, client, auth, room
):
    _team, facilitator, tour = room
    shown, variant = add_photo(app, tour, Consent.NO_PEOPLE)
    private, private_variant = add_photo(app, tour, Consent.NOT_YET)
    code = start(client, auth, facilitator, tour).json["code"]
    phone = app.test_client()
    assert phone.get(f"/media/{shown}/{variant}").status_code == 404  # a workshop tour
    page = phone.get(f"/live/{code}").get_data(as_text=True)
    assert f"/media/{shown}/" in page and f"/media/{private}/" not in page
    assert phone.get(f"/media/{shown}/{variant}").status_code == 200
    assert phone.get(f"/media/{private}/{private_variant}").status_code == 404
    client.delete(f"/api/v1/live/{code}")
    assert phone.get(f"/media/{shown}/{variant}").status_code == 404
