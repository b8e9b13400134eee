"""Who may do what, for every route of the HTML views (tourbuilder/views/) and every kind of
actor.

Pages for members only send anonymous people to sign in (302); hidden things answer 404
(nobody learns a team's page or a draft exists), visible things an actor may not change
answer 403. The tus upload endpoint answers as the API does (401, 403, 404). Every refused
write (4xx, or a redirect to sign in) leaves the database and the media folder as they
were. The world is built once per module and database and each case runs in a SAVEPOINT
(tests/conftest.py); its media item is a row with one small file, made without the pipeline.
"""

from __future__ import annotations

import base64
import io
from datetime import date
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest

from tourbuilder.extensions import db
from tourbuilder.models import ApiToken
from tourbuilder.models import Consent
from tourbuilder.models import Invitation
from tourbuilder.models import MediaItem
from tourbuilder.models import MediaStatus
from tourbuilder.models import Role
from tourbuilder.models import SiteVisibility
from tourbuilder.models import Team
from tourbuilder.models import TourVisibility
from tourbuilder.models import User
from tourbuilder.models import utcnow
from tourbuilder.models import Workshop
from tourbuilder.models import WorkshopFacilitator
from tourbuilder.models import WorkshopTour
from tourbuilder.services import commit
from tourbuilder.services.uploads import create_session
from tourbuilder.storage import get_storage

from ..conftest import PASSWORD

ACTORS = ("anonymous", "other_editor", "facilitator", "editor", "team_admin", "site_admin")
READS = ("GET", "HEAD", "OPTIONS")


def row(anonymous, other_editor, facilitator, editor, team_admin, site_admin) -> dict:
    values = (anonymous, other_editor, facilitator, editor, team_admin, site_admin)
    return dict(zip(ACTORS, values, strict=True))


def same(status) -> dict:
    return row(*[status] * 6)


SIGNED_IN = row(302, 200, 200, 200, 200, 200)  # anyone signed in; others go to sign in
MEMBERS = row(302, 404, 200, 200, 200, 200)  # team A's members and site admins


def members_who_edit(ok) -> dict:
    """Changing team A's content: editors, admins and site admins."""
    return row(302, 404, 403, ok, ok, ok)


def admins(ok) -> dict:
    """Managing team A: its admins and site admins."""
    return row(302, 404, 403, 403, ok, ok)


def tus(w, **headers) -> dict:
    return {"headers": {"Tus-Resumable": "1.0.0", **headers}}


def tus_metadata(**values) -> str:
    return ",".join(f"{k} {base64.b64encode(str(v).encode()).decode()}" for k, v in values.items())


OWNER_ONLY = row(401, 404, 404, "ok", 404, 404)  # the editor's own upload


def owner(ok) -> dict:
    return {actor: ok if status == "ok" else status for actor, status in OWNER_ONLY.items()}


CASES = [
    # (id, method, url(world), request kwargs(world) or None, expected status per actor)
    ("home", "GET", lambda w: "/", None, same(200)),
    ("healthz", "GET", lambda w: "/healthz", None, same(200)),
    ("tour-public", "GET", lambda w: f"/tours/{w.public_tour}", None, same(200)),
    ("tour-draft", "GET", lambda w: f"/tours/{w.draft_tour}", None, row(404, 404, *[200] * 4)),
    ("site-public", "GET", lambda w: f"/sites/{w.public_site}", None, same(200)),
    # the tile cache: a tile beyond the grid is 404 for everyone, and nothing goes upstream
    ("tile-outside-the-grid", "GET", lambda w: "/tiles/2/9/0.png", None, same(404)),
    (
        "tour-import-page",
        "GET",
        lambda w: f"/teams/{w.team}/tours/{w.draft_tour_id}/import",
        None,
        row(302, 404, 403, 200, 200, 200),
    ),
    ("site-draft", "GET", lambda w: f"/sites/{w.draft_site}", None, row(404, 404, *[200] * 4)),
    (  # not publishable (no consent yet): members only
        "media-derivative",
        "GET",
        lambda w: f"/media/{w.item}/320.webp",
        None,
        row(404, 404, *[200] * 4),
    ),
    # Sharing: the embed view and oEmbed show shared tours only, to everyone alike (a framed
    # page never shows a member's draft); QR codes, stop addresses (which the stop QR codes
    # print) and the handout follow the tour page.
    ("embed-public", "GET", lambda w: f"/tours/{w.public_tour}/embed", None, same(200)),
    ("embed-draft", "GET", lambda w: f"/tours/{w.draft_tour}/embed", None, same(404)),
    (
        "oembed-public",
        "GET",
        lambda w: f"/oembed?url=http://localhost/tours/{w.public_tour}",
        None,
        same(200),
    ),
    (
        "oembed-draft",
        "GET",
        lambda w: f"/oembed?url=http://localhost/tours/{w.draft_tour}",
        None,
        same(404),
    ),
    ("qr-public", "GET", lambda w: f"/tours/{w.public_tour}/qr.png", None, same(200)),
    ("qr-draft", "GET", lambda w: f"/tours/{w.draft_tour}/qr.svg", None, row(404, 404, *[200] * 4)),
    (
        "stop-qr-draft",
        "GET",
        lambda w: f"/tours/{w.draft_tour}/stops/1/qr.png",
        None,
        row(404, 404, *[200] * 4),
    ),
    ("stop-public", "GET", lambda w: f"/tours/{w.public_tour}/stops/2", None, same(200)),
    (
        "stop-draft",
        "GET",
        lambda w: f"/tours/{w.draft_tour}/stops/1",
        None,
        row(404, 404, *[200] * 4),
    ),
    ("handout-public", "GET", lambda w: f"/tours/{w.public_tour}/handout", None, same(200)),
    (
        "handout-draft",
        "GET",
        lambda w: f"/tours/{w.draft_tour}/handout",
        None,
        row(404, 404, *[200] * 4),
    ),
    ("sitemap", "GET", lambda w: "/sitemap.xml", None, same(200)),
    ("robots", "GET", lambda w: "/robots.txt", None, same(200)),
    ("login-page", "GET", lambda w: "/login", None, row(200, *[302] * 5)),
    (
        "login",
        "POST",
        lambda w: "/login",
        lambda w: {"data": {"email": "nobody@example.org", "password": "not a password"}},
        row(401, *[302] * 5),  # signed-in people are sent on; nobody signs in as nobody
    ),
    ("logout", "POST", lambda w: "/logout", None, same(302)),
    ("invitation-page", "GET", lambda w: f"/invite/{w.invite_token}", None, same(200)),
    (
        "invitation-accept",
        "POST",
        lambda w: f"/invite/{w.invite_token}",
        lambda w: {
            "data": {
                "name": "Newcomer",
                "email": "newcomer@example.org",
                "password": "a long new password",
                "confirm": "a long new password",
            }
        },
        same(302),  # anonymous people join with a new account, others with their own
    ),
    ("dashboard", "GET", lambda w: "/dashboard", None, SIGNED_IN),
    ("team", "GET", lambda w: f"/teams/{w.team}", None, MEMBERS),
    (
        "team-invite",
        "POST",
        lambda w: f"/teams/{w.team}/invitations",
        lambda w: {"data": {"role": "editor", "email": ""}},
        admins(200),
    ),
    (
        "team-revoke-invitation",
        "POST",
        lambda w: f"/teams/{w.team}/invitations/{w.invitation}/revoke",
        None,
        admins(303),
    ),
    (
        "team-member-role",
        "POST",
        lambda w: f"/teams/{w.team}/members/{w.people['facilitator']}",
        lambda w: {"data": {"role": "editor", "save": "1"}},
        admins(303),
    ),
    ("team-new-page", "GET", lambda w: "/teams/new", None, row(302, *[403] * 4, 200)),
    (
        "team-new",
        "POST",
        lambda w: "/teams/new",
        lambda w: {"data": {"name": "Team C", "country": "pt", "languages": "pt, en"}},
        row(302, *[403] * 4, 303),
    ),
    ("library", "GET", lambda w: f"/teams/{w.team}/media", None, MEMBERS),
    (
        "library-item-update",
        "POST",
        lambda w: f"/teams/{w.team}/media/{w.item}",
        lambda w: {"data": {"consent": "no_people", "confirm_location": "1"}},
        members_who_edit(303),
    ),
    (
        "library-bulk",
        "POST",
        lambda w: f"/teams/{w.team}/media/bulk",
        lambda w: {
            "data": {"action": "consent", "consent": "no_people", "media_ids": [str(w.item)]}
        },
        members_who_edit(303),
    ),
    (
        "library-draft-tour",
        "POST",
        lambda w: f"/teams/{w.team}/media/tour",
        lambda w: {"data": {"media_ids": [str(w.item)], "title": "Walk"}},
        members_who_edit(303),
    ),
    ("sites", "GET", lambda w: f"/teams/{w.team}/sites", None, MEMBERS),
    ("site-new-page", "GET", lambda w: f"/teams/{w.team}/sites/new", None, members_who_edit(200)),
    (
        "site-new",
        "POST",
        lambda w: f"/teams/{w.team}/sites/new",
        lambda w: {"data": {"name-es": "Nuevo", "position": "37.1, -5.9", "visibility": "draft"}},
        members_who_edit(303),
    ),
    ("site-edit-page", "GET", lambda w: f"/sites/{w.draft_site}/edit", None, members_who_edit(200)),
    (
        "site-edit",
        "POST",
        lambda w: f"/sites/{w.public_site}/edit",
        lambda w: {"data": {"name-es": "Otro", "position": "37.1, -5.9", "visibility": "public"}},
        members_who_edit(303),
    ),
    (
        "site-delete-page",
        "GET",
        lambda w: f"/sites/{w.draft_site}/delete",
        None,
        members_who_edit(200),
    ),
    (
        "site-delete",
        "POST",
        lambda w: f"/sites/{w.draft_site}/delete",
        lambda w: {"data": {"delete": "1"}},
        members_who_edit(303),
    ),
    ("team-settings-page", "GET", lambda w: f"/teams/{w.team}/settings", None, admins(200)),
    (
        "team-settings",
        "POST",
        lambda w: f"/teams/{w.team}/settings",
        lambda w: {"data": {"name": "Team A", "languages": "es, en", "view": "", "zoom": "12"}},
        admins(303),
    ),
    (
        "team-theme-add",
        "POST",
        lambda w: f"/teams/{w.team}/settings/themes",
        lambda w: {"data": {"label-en": "Care"}},
        admins(303),
    ),
    (
        "team-theme-change",
        "POST",
        lambda w: f"/teams/{w.team}/settings/themes/food",
        lambda w: {"data": {"action": "rename", "label-en": "Local food"}},
        admins(303),
    ),
    # the tour editor: a public tour's editor is 403 to those who see the tour, a draft's
    # 404 to those who may not see it
    (
        "editor-public",
        "GET",
        lambda w: f"/tours/{w.public_tour}/edit",
        None,
        row(302, 403, 403, 200, 200, 200),
    ),
    ("editor-draft", "GET", lambda w: f"/tours/{w.draft_tour}/edit", None, members_who_edit(200)),
    ("new-tour", "POST", lambda w: f"/teams/{w.team}/tours/new", None, members_who_edit(303)),
    # presentation mode and the presenter view: the team (any role) and site admins
    (
        "present-public",
        "GET",
        lambda w: f"/tours/{w.public_tour}/present",
        None,
        row(302, 403, 200, 200, 200, 200),
    ),
    ("present-draft", "GET", lambda w: f"/tours/{w.draft_tour}/present", None, MEMBERS),
    (
        "presenter-public",
        "GET",
        lambda w: f"/tours/{w.public_tour}/present/presenter",
        None,
        row(302, 403, 200, 200, 200, 200),
    ),
    ("presenter-draft", "GET", lambda w: f"/tours/{w.draft_tour}/present/presenter", None, MEMBERS),
    # the offline pack: those who may present; drafts cannot be packed (409); the zip is 404
    # until it is built
    (
        "pack-page-public",
        "GET",
        lambda w: f"/tours/{w.public_tour}/pack",
        None,
        row(302, 403, 200, 200, 200, 200),
    ),
    (
        "pack-page-draft",
        "GET",
        lambda w: f"/tours/{w.draft_tour}/pack",
        None,
        row(302, 404, 409, 409, 409, 409),
    ),
    (
        "pack-download-public",
        "GET",
        lambda w: f"/tours/{w.public_tour}/pack/download",
        None,
        row(302, 403, 404, 404, 404, 404),
    ),
    # follow-along: anyone may open the join page; a code that is not a live session (the
    # sessions themselves: tests/views/test_live.py) shows nothing to anyone
    ("live-join", "GET", lambda w: "/live", None, same(200)),
    ("live-follow-unknown", "GET", lambda w: "/live/ZZZZZZ", None, same(404)),
    ("live-events-unknown", "GET", lambda w: "/live/ZZZZZZ/events", None, same(404)),
    ("live-qr-unknown", "GET", lambda w: "/live/ZZZZZZ/qr.svg", None, same(404)),
    (
        "live-reflect-unknown",
        "POST",
        lambda w: "/live/ZZZZZZ/reflections",
        lambda w: {"data": {"body": "A thought", "stop": "1"}},
        same(404),
    ),
    ("account", "GET", lambda w: "/account", None, SIGNED_IN),
    (
        "account-profile",
        "POST",
        lambda w: "/account/profile",
        lambda w: {"data": {"name": "Amal", "language": "ar"}},
        row(302, *[303] * 5),
    ),
    (
        "account-password",
        "POST",
        lambda w: "/account/password",
        lambda w: {
            "data": {
                "current": PASSWORD,
                "new": "a brand new password",
                "confirm": "a brand new password",
            }
        },
        row(302, *[303] * 5),
    ),
    (
        "tour-publish-page",
        "GET",
        lambda w: f"/teams/{w.team}/tours/{w.public_tour_id}/publish",
        None,
        members_who_edit(200),
    ),
    (
        "tour-publish",
        "POST",
        lambda w: f"/teams/{w.team}/tours/{w.draft_tour_id}/publish",
        lambda w: {"data": {"visibility": "unlisted", "publish": "1"}},
        members_who_edit(303),
    ),
    (
        "account-token-create",
        "POST",
        lambda w: "/account/tokens",
        lambda w: {"data": {"token-name": "field laptop"}},
        SIGNED_IN,
    ),
    (  # the editor's token: nobody else learns it exists
        "account-token-revoke",
        "POST",
        lambda w: f"/account/tokens/{w.token}/revoke",
        None,
        row(302, 404, 404, 303, 404, 404),
    ),
    ("tus-options", "OPTIONS", lambda w: "/uploads/tus", None, same(204)),
    (
        "tus-create",
        "POST",
        lambda w: "/uploads/tus",
        lambda w: tus(
            w, **{"Upload-Length": "10", "Upload-Metadata": tus_metadata(team_id=w.team)}
        ),
        row(401, 403, 403, 201, 201, 201),
    ),
    ("tus-offset", "HEAD", lambda w: f"/uploads/tus/{w.upload}", tus, owner(200)),
    (
        "tus-append",
        "PATCH",
        lambda w: f"/uploads/tus/{w.upload}",
        lambda w: {
            "data": b"abcd",
            **tus(w, **{"Upload-Offset": "0", "Content-Type": "application/offset+octet-stream"}),
        },
        owner(204),
    ),
    ("tus-terminate", "DELETE", lambda w: f"/uploads/tus/{w.upload}", tus, owner(204)),
]


def workshop(w) -> str:
    return f"/workshops/{w.workshop}"


def workshop_fields(w) -> dict:
    return {"data": {"title": "Tunis", "starts_on": "2099-01-02", "language": "en"}}


# Workshops: the world's workshop is facilitated by team A's facilitator (and someone in no
# team) and has team A's public tour on its programme, so team A's members see it.
WORKSHOP_SEEN = row(302, 404, 200, 200, 200, 200)


def workshop_managed(ok) -> dict:
    return row(302, 404, ok, 403, 403, ok)


def tour_admins(ok) -> dict:
    """Sharing team A's tour with a workshop: team A's admins (facilitators and editors
    may open the publishing page's tour but not share it)."""
    return row(302, 404, 403, 403, ok, ok)


CASES += [
    ("workshops", "GET", lambda w: "/workshops", None, SIGNED_IN),
    (
        "workshop-new-page",
        "GET",
        lambda w: "/workshops/new",
        None,
        row(302, 403, 200, 403, 200, 200),
    ),
    (
        "workshop-new",
        "POST",
        lambda w: "/workshops/new",
        workshop_fields,
        row(302, 403, 303, 403, 303, 303),
    ),
    ("workshop", "GET", workshop, None, WORKSHOP_SEEN),
    ("workshop-edit-page", "GET", lambda w: workshop(w) + "/edit", None, workshop_managed(200)),
    (
        "workshop-edit",
        "POST",
        lambda w: workshop(w) + "/edit",
        workshop_fields,
        workshop_managed(303),
    ),
    ("workshop-delete", "POST", lambda w: workshop(w) + "/delete", None, workshop_managed(303)),
    (
        "workshop-add-facilitator",
        "POST",
        lambda w: workshop(w) + "/facilitators",
        lambda w: {"data": {"email": w.emails["editor"]}},
        workshop_managed(303),
    ),
    (
        "workshop-remove-facilitator",
        "POST",
        lambda w: workshop(w) + f"/facilitators/{w.outsider}/remove",
        None,
        workshop_managed(303),
    ),
    (
        "workshop-move",
        "POST",
        lambda w: workshop(w) + f"/programme/{w.public_tour_id}/move",
        lambda w: {"data": {"direction": "up"}},
        workshop_managed(303),
    ),
    (
        "workshop-take-off",
        "POST",
        lambda w: workshop(w) + f"/programme/{w.public_tour_id}/withdraw",
        None,
        workshop_managed(303),
    ),
    ("workshop-export", "GET", lambda w: workshop(w) + "/reflections.csv", None, WORKSHOP_SEEN),
    (
        "tour-share",
        "POST",
        lambda w: f"/teams/{w.team}/tours/{w.public_tour_id}/workshops",
        lambda w: {"data": {"workshop": w.open_workshop}},
        tour_admins(302),
    ),
    (
        "tour-withdraw",
        "POST",
        lambda w: f"/teams/{w.team}/tours/{w.public_tour_id}/workshops/{w.workshop}/withdraw",
        None,
        tour_admins(302),
    ),
]


@pytest.fixture(scope="module")
def world(module_app, module_make):
    """Team A with a facilitator, an editor and an admin; team B with an editor; a site
    admin. Team A has a public and a draft tour and site, an open invitation, a media item
    its members alone may see (one small derivative file), and the editor has an API token
    and an unfinished upload."""
    team = module_make.team(name="Team A", themes=[{"key": "food", "labels": {"en": "Food"}}])
    other_team = module_make.team(name="Team B")
    people = {
        "other_editor": module_make.user(other_team, Role.EDITOR),
        "facilitator": module_make.user(team, Role.FACILITATOR),
        "editor": module_make.user(team, Role.EDITOR),
        "team_admin": module_make.user(team, Role.ADMIN),
        "site_admin": module_make.user(is_site_admin=True),
    }
    public_tour = module_make.tour(team, visibility=TourVisibility.PUBLIC)
    draft_tour = module_make.tour(team, visibility=TourVisibility.DRAFT)
    public_site = module_make.site(team, visibility=SiteVisibility.PUBLIC)
    draft_site = module_make.site(team, visibility=SiteVisibility.DRAFT)
    with module_app.app_context():
        editor = db.session.get(User, people["editor"].id)
        invitation, invite_token = Invitation.create(
            db.session.get(Team, team.id),
            Role.EDITOR,
            db.session.get(User, people["team_admin"].id),
            utcnow() + timedelta(days=1),
        )
        item = MediaItem(
            team_id=team.id,
            kind="photo",
            status=MediaStatus.READY,
            consent=Consent.NOT_YET,
            original_name="market.jpg",
            original_key="originals/ab/" + "ab" * 32,
            sha256="ab" * 32,
            lat=37.39,
            lon=-5.99,
        )
        token, _ = ApiToken.create(editor, "laptop")
        db.session.add_all([invitation, item, token])
        db.session.flush()
        key = f"derived/{item.id}/320.webp"
        get_storage().save(key, io.BytesIO(b"RIFF\x00\x00\x00\x00WEBPVP8 "))
        item.derivatives = {"320.webp": {"key": key, "mime": "image/webp", "role": "photo"}}
        db.session.commit()
        upload = create_session(db.session.get(Team, team.id), editor, 10, "a.jpg", "image/jpeg")
        commit()
        outsider = User(email="outsider@example.org", name="Outsider")
        db.session.add(outsider)
        shared = Workshop(title="Training", starts_on=date(2099, 1, 1))
        shared.facilitators += [
            WorkshopFacilitator(user_id=people["facilitator"].id),
            WorkshopFacilitator(user=outsider),
        ]
        shared.programme_entries.append(WorkshopTour(tour_id=public_tour.id, position=0))
        open_workshop = Workshop(title="Open", starts_on=date(2099, 1, 1))
        open_workshop.facilitators.append(WorkshopFacilitator(user=outsider))
        db.session.add_all([shared, open_workshop])
        commit()
        ids = SimpleNamespace(
            invitation=invitation.id,
            item=item.id,
            token=token.id,
            upload=upload.id,
            workshop=shared.id,
            open_workshop=open_workshop.id,
            outsider=outsider.id,
        )
    return SimpleNamespace(
        team=team.id,
        people={name: user.id for name, user in people.items()},
        emails={name: user.email for name, user in people.items()},
        public_tour=public_tour.slug,
        draft_tour=draft_tour.slug,
        public_tour_id=public_tour.id,
        draft_tour_id=draft_tour.id,
        public_site=public_site.id,
        draft_site=draft_site.id,
        invite_token=invite_token,
        **vars(ids),
    )


def snapshot(app) -> tuple:
    """Every row of every table, and every file in the media folder."""
    with app.app_context():
        rows = {
            table.name: sorted(map(tuple, db.session.execute(table.select())), key=repr)
            for table in db.metadata.sorted_tables
        }
    root = Path(app.config["MEDIA_ROOT"])
    files = [(str(p.relative_to(root)), p.read_bytes()) for p in root.rglob("*") if p.is_file()]
    return rows, sorted(files)


@pytest.mark.parametrize(
    ("method", "url", "body", "expected"),
    [pytest.param(*case[1:], id=case[0]) for case in CASES],
)
@pytest.mark.parametrize("actor", ACTORS)
def test_route_permissions(app, client, auth, world, actor, method, url, body, expected):
    if actor != "anonymous":
        assert auth.login(world.emails[actor]).status_code == 302
    before = snapshot(app) if method not in READS else None
    response = client.open(url(world), method=method, **(body(world) if body else {}))
    assert response.status_code == expected[actor], response.get_data(as_text=True)[:300]
    refused = response.status_code >= 400 or (response.location or "").startswith("/login")
    if before is not None and refused:
        assert snapshot(app) == before, f"{actor}'s refused {method} changed the data"


def served_methods(rule) -> set[str]:
    """The methods a route answers, without the HEAD that comes with GET and the OPTIONS
    every route gets."""
    methods = set(rule.methods) - {"OPTIONS"}
    if "GET" in methods:
        methods.discard("HEAD")
    return methods or {"OPTIONS"}


# The HTML views, and the tus endpoint the media page uploads through (JSON, beside the API,
# whose own table in tests/api/test_permissions.py covers /api/v1).
SIGNED_IN_MODULES = ("tourbuilder.views.", "tourbuilder.api.uploads")


def test_every_route_is_in_the_table(app, world):
    """Each (endpoint, method) the views serve is in the table: a new one must join it."""
    served = {
        (rule.endpoint, method)
        for rule in app.url_map.iter_rules()
        if app.view_functions[rule.endpoint].__module__.startswith(SIGNED_IN_MODULES)
        for method in served_methods(rule)
    }
    adapter = app.url_map.bind("localhost")
    tabled = {
        (adapter.match(url(world).partition("?")[0], method=method)[0], method)
        for _, method, url, *_ in CASES
    }
    assert served == tabled


def test_team_page_of_unknown_id_is_404_for_everyone(client, auth, world):
    auth.login(world.emails["editor"])
    assert client.get("/teams/987654").status_code == 404


def test_only_admins_see_the_invitation_form(client, auth, world):
    auth.login(world.emails["editor"])
    page = client.get(f"/teams/{world.team}").get_data(as_text=True)
    assert "Create invitation link" not in page
    auth.logout()
    auth.login(world.emails["team_admin"])
    page = client.get(f"/teams/{world.team}").get_data(as_text=True)
    assert "Create invitation link" in page
