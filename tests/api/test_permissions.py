"""Who may do what, for every API endpoint and every kind of caller.

Hidden things answer 404 (nobody learns a draft exists), visible things a caller may not
change answer 403; every write from nobody answers 401, before anything is looked up. Every
refused write leaves the data as it was.
Callers use a bearer token, and again the session cookie for the editors of both teams.
"""

from __future__ import annotations

import io
import os

import pytest

ACTORS = ("anon", "other", "facilitator", "editor", "admin", "site_admin")

V1 = "/api/v1"


def row(anon, other, facilitator, editor, admin, site_admin) -> dict:
    return dict(zip(ACTORS, (anon, other, facilitator, editor, admin, site_admin), strict=True))


def same(status) -> dict:
    return row(*[status] * 6)


TEAM_ONLY = row(404, 404, 200, 200, 200, 200)  # reading drafts, workshop tours, the library


def hidden_write(ok) -> dict:
    """Changing something only the team sees."""
    return row(401, 404, 403, ok, ok, ok)


def visible_write(ok) -> dict:
    """Changing something everyone sees, or adding to team A."""
    return row(401, 403, 403, ok, ok, ok)


def upload_body(w):
    return {"data": {"team_id": str(w.team.id), "file": (io.BytesIO(os.urandom(64)), "a.jpg")}}


CASES = [
    # (id, method, url(world), request kwargs(world), expected, url to compare after refusal)
    ("teams-list", "GET", lambda w: "/teams", None, same(200), None),
    (
        "teams-create",
        "POST",
        lambda w: "/teams",
        lambda w: {"json": {"name": "Team C"}},
        row(401, 403, 403, 403, 403, 201),
        lambda w: "/teams",
    ),
    ("teams-get", "GET", lambda w: f"/teams/{w.team.id}", None, same(200), None),
    (
        "teams-patch",
        "PATCH",
        lambda w: f"/teams/{w.team.id}",
        lambda w: {"json": {"country": "PT"}},
        row(401, 403, 403, 403, 200, 200),
        lambda w: f"/teams/{w.team.id}",
    ),
    (
        "teams-members",
        "GET",
        lambda w: f"/teams/{w.team.id}/members",
        None,
        row(401, 403, 200, 200, 200, 200),
        None,
    ),
    ("sites-list", "GET", lambda w: "/sites", None, same(200), None),
    ("sites-geojson", "GET", lambda w: "/sites.geojson", None, same(200), None),
    ("sites-search", "GET", lambda w: "/sites/search?q=sitio", None, same(200), None),
    (
        "sites-card-public",
        "GET",
        lambda w: f"/sites/{w.public_site.id}/card",
        None,
        same(200),
        None,
    ),
    ("sites-card-draft", "GET", lambda w: f"/sites/{w.draft_site.id}/card", None, TEAM_ONLY, None),
    (
        "sites-create",
        "POST",
        lambda w: "/sites",
        lambda w: {"json": {"team_id": w.team.id, "name": "Huerto", "lat": 1.5, "lon": 2.5}},
        visible_write(201),
        lambda w: "/sites?page_size=100",
    ),
    ("sites-get-draft", "GET", lambda w: f"/sites/{w.draft_site.id}", None, TEAM_ONLY, None),
    ("sites-get-public", "GET", lambda w: f"/sites/{w.public_site.id}", None, same(200), None),
    (
        "sites-get-other-team-draft",
        "GET",
        lambda w: f"/sites/{w.other_site.id}",
        None,
        row(404, 200, 404, 404, 404, 200),
        None,
    ),
    (
        "sites-patch-draft",
        "PATCH",
        lambda w: f"/sites/{w.draft_site.id}",
        lambda w: {"json": {"address": "Calle Feria 1"}},
        hidden_write(200),
        lambda w: f"/sites/{w.draft_site.id}",
    ),
    (
        "sites-patch-public",
        "PATCH",
        lambda w: f"/sites/{w.public_site.id}",
        lambda w: {"json": {"address": "Calle Feria 1"}},
        visible_write(200),
        lambda w: f"/sites/{w.public_site.id}",
    ),
    (
        "sites-delete-draft",
        "DELETE",
        lambda w: f"/sites/{w.draft_site.id}",
        None,
        hidden_write(204),
        lambda w: f"/sites/{w.draft_site.id}",
    ),
    (
        "sites-delete-public",
        "DELETE",
        lambda w: f"/sites/{w.public_site.id}",
        None,
        visible_write(204),
        lambda w: f"/sites/{w.public_site.id}",
    ),
    ("tours-list", "GET", lambda w: "/tours", None, same(200), None),
    (
        "tours-create",
        "POST",
        lambda w: "/tours",
        lambda w: {"json": {"team_id": w.team.id, "title": "Ruta nueva"}},
        visible_write(201),
        lambda w: "/tours?page_size=100",
    ),
    ("media-list", "GET", lambda w: "/media", None, row(401, 200, 200, 200, 200, 200), None),
    (
        "media-upload",
        "POST",
        lambda w: "/media",
        upload_body,
        visible_write(201),
        lambda w: f"/media?team_id={w.team.id}",
    ),
    ("media-get", "GET", lambda w: f"/media/{w.media_id}", None, TEAM_ONLY, None),
    (
        "media-patch",
        "PATCH",
        lambda w: f"/media/{w.media_id}",
        lambda w: {"json": {"credit": "Cooperativa"}},
        hidden_write(200),
        lambda w: f"/media/{w.media_id}",
    ),
    (
        "media-delete",
        "DELETE",
        lambda w: f"/media/{w.media_id}",
        None,
        hidden_write(204),
        lambda w: f"/media/{w.media_id}",
    ),
    (  # the world's item is a photo: permitted callers learn captions need a video
        "media-captions-put",
        "PUT",
        lambda w: f"/media/{w.media_id}/captions/es",
        lambda w: {"data": {"file": (io.BytesIO(b"WEBVTT\n"), "es.vtt")}},
        hidden_write(409),
        lambda w: f"/media/{w.media_id}",
    ),
    (
        "media-captions-delete",
        "DELETE",
        lambda w: f"/media/{w.media_id}/captions/es",
        None,
        hidden_write(404),
        lambda w: f"/media/{w.media_id}",
    ),
]


CASES += [
    # editing helpers: they change nothing; the preview is for people signed in
    (
        "markdown-preview",
        "POST",
        lambda w: "/markdown",
        lambda w: {"json": {"text": "**hi**"}},
        row(401, 200, 200, 200, 200, 200),
        None,
    ),
    ("coordinates", "GET", lambda w: "/coordinates?q=37.39,-5.98", None, same(200), None),
]


def tour_cases(visibility: str) -> list:
    """Every tour and stop endpoint, for a tour of ``visibility`` of team A."""
    seen_by_all = visibility in ("public", "unlisted")
    read = same(200) if seen_by_all else TEAM_ONLY
    write = visible_write if seen_by_all else hidden_write

    def tour(w):
        return f"/tours/{w.tours[visibility].id}"

    def stop(w):
        return f"{tour(w)}/stops/{w.stop_ids[visibility][0]}"

    return [
        (f"tour-get-{visibility}", "GET", tour, None, read, None),
        (
            f"tour-patch-{visibility}",
            "PATCH",
            tour,
            lambda w: {"json": {"theme": "night"}},
            write(200),
            tour,
        ),
        (f"tour-delete-{visibility}", "DELETE", tour, None, write(204), tour),
        (f"stops-list-{visibility}", "GET", lambda w: f"{tour(w)}/stops", None, read, None),
        (
            f"stops-create-{visibility}",
            "POST",
            lambda w: f"{tour(w)}/stops",
            lambda w: {"json": {"title": "Plaza", "lat": 37.4, "lon": -6.0}},
            write(201),
            lambda w: f"{tour(w)}/stops",
        ),
        (
            f"stops-order-{visibility}",
            "PUT",
            lambda w: f"{tour(w)}/stops/order",
            lambda w: {"json": list(reversed(w.stop_ids[visibility]))},
            write(200),
            lambda w: f"{tour(w)}/stops",
        ),
        (f"stop-get-{visibility}", "GET", stop, None, read, None),
        (
            f"stop-patch-{visibility}",
            "PATCH",
            stop,
            lambda w: {"json": {"zoom": 17}},
            write(200),
            stop,
        ),
        (f"stop-delete-{visibility}", "DELETE", stop, None, write(200), stop),
        (
            f"publish-check-{visibility}",
            "GET",
            lambda w: f"{tour(w)}/publish-check",
            None,
            visible_write(200) if seen_by_all else row(404, 404, 403, 200, 200, 200),
            None,
        ),
        (
            f"publish-{visibility}",
            "POST",
            lambda w: f"{tour(w)}/publish",
            lambda w: {"json": {"visibility": "unlisted"}},
            write(200),
            tour,
        ),
        (
            f"discard-{visibility}",
            "POST",
            lambda w: f"{tour(w)}/discard",
            lambda w: {"json": {}},
            write(409 if visibility == "draft" else 200),  # a draft has nothing to go back to
            tour,
        ),
        (
            f"unpublish-{visibility}",
            "POST",
            lambda w: f"{tour(w)}/unpublish",
            lambda w: {"json": {}},
            write(200),
            tour,
        ),
        (
            f"stops-restore-{visibility}",
            "POST",
            lambda w: f"{tour(w)}/stops/restore",
            lambda w: {"json": {"position": 0, "title": "Plaza", "lat": 37.4, "lon": -6.0}},
            write(201),
            lambda w: f"{tour(w)}/stops",
        ),
    ]


def archive_body(w):
    import json
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        document = {"format": "tourbuilder-tour", "version": 1, "tour": {"title": {"en": "A"}}}
        archive.writestr(
            "tour.json", json.dumps({**document, "sites": [], "stops": [], "media": []})
        )
    return {"data": {"team_id": str(w.team.id), "file": (io.BytesIO(out.getvalue()), "t.zip")}}


def stop_file_body(w):
    return {"data": {"file": (io.BytesIO(b"title,lat,lon\nPlaza,37.4,-6.0\n"), "s.csv")}}


def exchange_cases(visibility: str) -> list:
    """Exports and stop imports of a tour of ``visibility`` of team A."""
    seen_by_all = visibility in ("public", "unlisted")
    write = visible_write if seen_by_all else hidden_write

    def tour(w):
        return f"/tours/{w.tours[visibility].id}"

    cases = [
        (
            f"tour-export-geojson-{visibility}",
            "GET",
            lambda w: f"{tour(w)}/export?format=geojson",
            None,
            same(200) if seen_by_all else TEAM_ONLY,
            None,
        ),
        (
            f"stops-import-{visibility}",
            "POST",
            lambda w: f"{tour(w)}/stops/import",
            stop_file_body,
            write(200),
            lambda w: f"{tour(w)}/stops",
        ),
    ]
    if visibility != "public":  # the public tour shows the world's photo, whose file is absent
        zip_export = row(401, 403, 403, 200, 200, 200) if seen_by_all else hidden_write(200)
        if not seen_by_all:
            zip_export = {**zip_export, "anon": 404}  # a read: hidden before anything else
        cases.append(
            (
                f"tour-export-zip-{visibility}",
                "GET",
                lambda w: f"{tour(w)}/export?format=zip",
                None,
                zip_export,
                None,
            )
        )
    return cases


def pack_cases(visibility: str) -> list:
    """The offline pack of a tour of ``visibility``: those who may present it; drafts 409."""
    if visibility in ("public", "unlisted"):
        expected = {"GET": row(401, 403, 200, 200, 200, 200)}
        expected["POST"] = row(401, 403, 202, 202, 202, 202)
    elif visibility == "workshop":
        expected = {"GET": TEAM_ONLY, "POST": row(401, 404, 202, 202, 202, 202)}
    else:  # a write from nobody is 401 before anything is looked up
        expected = {"GET": row(404, 404, 409, 409, 409, 409)}
        expected["POST"] = row(401, 404, 409, 409, 409, 409)
    return [
        (
            f"tour-pack-{method.lower()}-{visibility}",
            method,
            lambda w: f"/tours/{w.tours[visibility].id}/pack",
            None,
            expected[method],
            None,
        )
        for method in ("GET", "POST")
    ]


CASES.append(
    (
        "tours-import",
        "POST",
        lambda w: "/tours/import",
        archive_body,
        visible_write(201),
        lambda w: "/tours?page_size=100",
    )
)
# Follow-along: anyone who may present the tour starts a session; only its presenter (team
# A's admin, see ``live_session``) reads, moves or ends it; to everyone else it is not there.
PRESENTER_ONLY = row(401, 404, 404, 404, 200, 404)
CASES.extend(
    [
        (
            "live-start",
            "POST",
            lambda w: "/live",
            lambda w: {"json": {"tour_id": w.tours["public"].id}},
            row(401, 404, 201, 201, 201, 201),
            None,
        ),
        ("live-get", "GET", lambda w: f"/live/{w.live_code}", None, PRESENTER_ONLY, None),
        (
            "live-state",
            "POST",
            lambda w: f"/live/{w.live_code}/state",
            lambda w: {"json": {"stop": 1}},
            PRESENTER_ONLY,
            None,
        ),
        (
            "live-end",
            "DELETE",
            lambda w: f"/live/{w.live_code}",
            None,
            {**PRESENTER_ONLY, "admin": 204},
            None,
        ),
        (
            "live-reflection-shown",
            "POST",
            lambda w: f"/live/{w.live_code}/reflections/1/shown",
            None,
            row(401, 404, 404, 404, 404, 404),  # the session is in no workshop
            None,
        ),
    ]
)


@pytest.fixture(autouse=True)
def live_session(app, world):
    """A follow-along session on the public tour, presented by team A's admin."""
    from tourbuilder.live import get_store

    with app.app_context():
        session = get_store().create(world.tours["public"].slug, world.users["admin"].id)
    world.live_code = session.code


for _visibility in ("draft", "workshop", "unlisted", "public"):
    CASES.extend(tour_cases(_visibility))
    CASES.extend(exchange_cases(_visibility))
    CASES.extend(pack_cases(_visibility))


def workshop(w) -> str:
    return f"/workshops/{w.workshop_id}"


# The world's workshop: facilitated by the site admin and team A's facilitator; team A's
# workshop-only tour is on its programme (so team A's members see it).
WORKSHOP_SEEN = row(404, 404, 200, 200, 200, 200)
WORKSHOP_MANAGED = row(401, 404, 200, 403, 403, 200)
CASES += [
    (
        "workshops-list",
        "GET",
        lambda w: "/workshops",
        None,
        row(401, 200, 200, 200, 200, 200),
        None,
    ),
    (
        "workshops-create",
        "POST",
        lambda w: "/workshops",
        lambda w: {"json": {"title": "Tunis", "starts_on": "2099-01-02"}},
        row(401, 403, 201, 403, 201, 201),
        lambda w: "/workshops",
    ),
    ("workshop-get", "GET", workshop, None, WORKSHOP_SEEN, None),
    (
        "workshop-patch",
        "PATCH",
        workshop,
        lambda w: {"json": {"place": "Tunis"}},
        WORKSHOP_MANAGED,
        workshop,
    ),
    ("workshop-programme", "GET", lambda w: workshop(w) + "/tours", None, WORKSHOP_SEEN, None),
    (
        "workshop-share",
        "POST",
        lambda w: workshop(w) + "/tours",
        lambda w: {"json": {"tour_id": w.tours["public"].id}},
        row(401, 403, 403, 403, 201, 201),
        lambda w: workshop(w) + "/tours",
    ),
    (
        "workshop-reorder",
        "PUT",
        lambda w: workshop(w) + "/tours",
        lambda w: {"json": {"tour_ids": [w.tours["workshop"].id]}},
        WORKSHOP_MANAGED,
        lambda w: workshop(w) + "/tours",
    ),
    (
        "workshop-withdraw",
        "DELETE",
        lambda w: workshop(w) + f"/tours/{w.tours['workshop'].id}",
        None,
        row(401, 404, 204, 403, 204, 204),
        lambda w: workshop(w) + "/tours",
    ),
    (
        "workshop-reflections",
        "GET",
        lambda w: workshop(w) + "/reflections",
        None,
        WORKSHOP_SEEN,
        None,
    ),
    (
        "workshop-reflection-shown",
        "POST",
        lambda w: workshop(w) + f"/reflections/{w.reflection_id}/shown",
        None,
        WORKSHOP_MANAGED,
        lambda w: workshop(w) + "/reflections",
    ),
    (
        "workshop-reflections-export",
        "GET",
        lambda w: workshop(w) + "/reflections/export?format=md",
        None,
        WORKSHOP_SEEN,
        None,
    ),
]

CALLERS = [*ACTORS, "session:other", "session:editor"]


def expected_for(expected: dict, caller: str) -> int:
    return expected[caller.removeprefix("session:")]


def groups(case) -> list[tuple[str, tuple[str, ...]]]:
    """Callers that can share one fresh world, refused ones first (they change nothing).
    Allowed DELETEs, and creating a team (names are unique), get a world each."""
    _id, method, _url, _body, expected, _check = case
    refused = tuple(c for c in CALLERS if expected_for(expected, c) >= 400)
    allowed = tuple(c for c in CALLERS if expected_for(expected, c) < 400)
    if method == "DELETE" or _id in ("teams-create", "workshop-share"):
        return [("refused", refused)] + [(c, (c,)) for c in allowed]
    return [("all", refused + allowed)]


PARAMS = [
    pytest.param(*case[1:], callers, id=f"{case[0]}-{name}")
    for case in CASES
    for name, callers in groups(case)
]


@pytest.mark.parametrize(("method", "url", "body", "expected", "check", "callers"), PARAMS)
def test_permission_table(api, world, method, url, body, expected, check, callers):
    want = {caller: expected_for(expected, caller) for caller in callers}
    got = {}
    for caller in callers:
        if check:
            seen = api.get("site_admin", V1 + check(world))
            assert seen.status_code == 200, seen.json
            before = seen.json
        response = api.call(caller, method, V1 + url(world), **(body(world) if body else {}))
        got[caller] = response.status_code
        if response.status_code >= 400:
            assert set(response.json) >= {"code", "status", "message"}, caller
            assert response.json["code"] == response.status_code, caller
            if check:
                after = api.get("site_admin", V1 + check(world)).json
                assert after == before, f"{caller}'s refused {method} changed the data"
    assert got == want


def test_every_endpoint_is_in_the_table(app, world):
    """Each (endpoint, method) the API serves is in the table: a new one must join it."""
    served = {
        (rule.endpoint, method)
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith(V1) and not rule.rule.endswith("openapi.json")
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    adapter = app.url_map.bind("localhost")
    tabled = set()
    for _id, method, url, *_rest in CASES:
        endpoint, _args = adapter.match(V1 + url(world).split("?")[0], method=method)
        tabled.add((endpoint, method))
    assert served == tabled
