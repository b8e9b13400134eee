"""A team's sites (the transformative projects): the list, the editor, deleting.

Names and descriptions are typed per language side by side; the position comes from the
position picker's text field and is read by :mod:`tourbuilder.coordinates`, whose
refusals show under the field (never a 500).
"""

from __future__ import annotations

from flask import abort
from flask import Blueprint
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_login import login_required

from ..coordinates import CoordinateError
from ..coordinates import format_position
from ..coordinates import parse_position
from ..extensions import db
from ..forms import DeleteForm
from ..forms import SiteForm
from ..i18n import current_language
from ..models import Site
from ..models import Team
from ..models.teams import can_edit_team_content
from ..services import commit
from ..services import sites as domain
from ..services.errors import Conflict
from ..services.errors import InvalidValue
from ..services.errors import StaleVersion
from ..text import clean_text
from .library import form_version
from .teams import get_team

bp = Blueprint("sites", __name__)
TEXT_LIMITS = {"name": 200, "description": 20_000}


def get_editable_site(site_id: int) -> Site:
    """:raise 404: no such site, or not one of the user's teams'. :raise 403: the user
    is a member who may not edit (a facilitator)."""
    site = db.session.get(Site, site_id)
    if site is None or not site.can_view(current_user) or not _member(site.team):
        abort(404)
    if not site.can_edit(current_user):
        abort(403)
    return site


def _member(team: Team) -> bool:
    return team.can_view_members(current_user)


def languages_for(team: Team, site: Site | None = None) -> list[str]:
    """The languages the editor shows: the person's interface language first when the
    team writes in it, then the team's languages, then any other the site has text in."""
    ordered = list(team.languages or ["en"])
    lang = current_language()
    if lang in ordered:
        ordered.remove(lang)
        ordered.insert(0, lang)
    for field in ("name", "description"):
        for code in getattr(site, field, None) or {}:
            if code not in ordered:
                ordered.append(code)
    return ordered


def theme_choices(team: Team, site: Site | None) -> list[tuple[str, str]]:
    """``(key, label)`` of the team's themes, plus words a site had before the list."""
    lang = current_language()
    keys = list(dict.fromkeys([*team.theme_keys(), *(site.themes if site else [])]))
    return [(key, team.theme_label(key, lang)) for key in keys]


def texts_from_form(languages: list[str]) -> tuple[dict, dict]:
    """The name and description per language as posted (``name-es``...), and errors."""
    texts, errors = {"name": {}, "description": {}}, {}
    for field, limit in TEXT_LIMITS.items():
        for lang in languages:
            value = request.form.get(f"{field}-{lang}", "").strip()
            try:
                value = clean_text(value, field)
            except InvalidValue as exc:
                errors[f"{field}-{lang}"] = exc.message
                continue
            if len(value) > limit:
                errors[f"{field}-{lang}"] = _("At most %(num)d characters.", num=limit)
            texts[field][lang] = value
    if not any(texts["name"].values()):
        errors[f"name-{languages[0]}"] = _("Give the site a name in at least one language.")
    return texts, errors


def render_editor(team, site, form, texts, errors, status=200, stale=False):
    languages = languages_for(team, site)
    return (
        render_template(
            "sites/edit.html",
            team=team,
            site=site,
            form=form,
            site_languages=languages,
            texts=texts,
            errors=errors,
            stale=stale,
        ),
        status,
    )


def save(team: Team, site: Site | None):
    """Validate the posted editor and create or change the site; the page again (422)
    with every error beside its field otherwise."""
    form = SiteForm()
    form.themes.choices = theme_choices(team, site)
    languages = languages_for(team, site)
    texts, errors = texts_from_form(languages)
    valid = form.validate_on_submit()
    position = None
    try:
        position = parse_position(form.position.data)
        if position is None:
            errors["position"] = _("Place the site on the map or type its coordinates.")
    except CoordinateError as exc:
        errors["position"] = str(exc.message)
    if not valid or errors:
        return render_editor(team, site, form, texts, errors, 422)
    fields = {
        **texts,
        "lat": position[0],
        "lon": position[1],
        "approximate_location": form.approximate_location.data,
        "address": form.address.data or "",
        "website": form.website.data or "",
        "contact": form.contact.data or "",
        "themes": form.themes.data or [],
        "visibility": form.visibility.data,
    }
    try:
        if site is None:
            site = domain.create_site(team, **fields)
        else:
            domain.update_site(site, form_version(), **fields)
    except StaleVersion:
        db.session.rollback()
        site = get_editable_site(site.id)
        return render_editor(site.team, site, form, texts, {}, 409, stale=True)
    except InvalidValue as exc:
        db.session.rollback()
        errors[exc.field or "form"] = exc.message
        return render_editor(team, site, form, texts, errors, 422)
    commit()
    flash(_("The site is saved."), "success")
    return redirect(url_for(".team_sites", team_id=team.id)), 303


@bp.route("/teams/<int:team_id>/sites")
@login_required
def team_sites(team_id: int):
    team = get_team(team_id)
    return render_template(
        "sites/list.html",
        team=team,
        sites=domain.team_sites(team),
        can_edit=can_edit_team_content(current_user, team.id),
    )


@bp.route("/teams/<int:team_id>/sites/new", methods=["GET", "POST"])
@login_required
def new_site(team_id: int):
    team = get_team(team_id)
    if not can_edit_team_content(current_user, team.id):
        abort(403)
    if request.method == "POST":
        return save(team, None)
    form = SiteForm()
    form.themes.choices = theme_choices(team, None)
    return render_editor(team, None, form, {"name": {}, "description": {}}, {})


@bp.route("/sites/<int:site_id>/edit", methods=["GET", "POST"])
@login_required
def edit_site(site_id: int):
    site = get_editable_site(site_id)
    if request.method == "POST":
        return save(site.team, site)
    form = SiteForm(
        data={
            "position": format_position(site.lat, site.lon),
            "approximate_location": site.approximate_location,
            "address": site.address,
            "website": site.website,
            "contact": site.contact,
            "themes": list(site.themes or []),
            "visibility": str(site.visibility),
        }
    )
    form.themes.choices = theme_choices(site.team, site)
    texts = {"name": dict(site.name or {}), "description": dict(site.description or {})}
    return render_editor(site.team, site, form, texts, {})


@bp.route("/sites/<int:site_id>/delete", methods=["GET", "POST"])
@login_required
def delete_site(site_id: int):
    site = get_editable_site(site_id)
    form = DeleteForm()
    team_id = site.team_id
    if request.method == "POST" and form.validate_on_submit():
        try:
            domain.delete_site(site, form_version())
        except StaleVersion:
            db.session.rollback()
            flash(
                _("Someone else changed this site since you opened it: look at it again."), "error"
            )
            return redirect(url_for(".edit_site", site_id=site_id)), 303
        except Conflict:
            db.session.rollback()
            site = get_editable_site(site_id)
            return confirm_delete(site, form, refused=True), 409
        commit()
        flash(_("The site is deleted."), "success")
        return redirect(url_for(".team_sites", team_id=team_id)), 303
    return confirm_delete(site, form)


def confirm_delete(site: Site, form: DeleteForm, refused: bool = False) -> str:
    return render_template(
        "sites/delete.html", site=site, form=form, tours=domain.tours_at(site), refused=refused
    )
