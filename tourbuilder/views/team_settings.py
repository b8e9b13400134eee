"""Team settings (team admins only): name, languages, default map view, the theme list.

Editors and facilitators get 403; people outside the team 404 (``teams.get_team``).
"""

from __future__ import annotations

from flask import Blueprint
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import gettext as _
from flask_login import login_required

from ..coordinates import CoordinateError
from ..coordinates import parse_position
from ..extensions import db
from ..forms import Form
from ..i18n import current_language
from ..models import Team
from ..services import commit
from ..services import team_settings as domain
from ..services.errors import Conflict
from ..services.errors import DomainError
from ..services.errors import InvalidValue
from ..text import clean_text
from .teams import get_team

bp = Blueprint("team_settings", __name__)


def page(team: Team, errors: dict | None = None, values: dict | None = None, status=200):
    return (
        render_template(
            "teams/settings.html",
            team=team,
            form=Form(),
            errors=errors or {},
            values=values or {},
            lang=current_language(),
        ),
        status,
    )


def to_settings(team: Team, anchor: str = ""):
    return redirect(url_for(".settings", team_id=team.id) + anchor), 303


@bp.route("/teams/<int:team_id>/settings", methods=["GET", "POST"])
@login_required
def settings(team_id: int):
    team = get_team(team_id, manage=True)
    if request.method == "GET":
        return page(team)
    form = Form()
    values = {key: request.form.get(key, "") for key in ("name", "languages", "view", "zoom")}
    errors = {}
    if not form.validate_on_submit():
        errors["form"] = _("The form has expired: send it again.")
    view = None
    try:
        position = parse_position(values["view"])
        zoom = int(values["zoom"] or 12)
        if not 1 <= zoom <= 19:
            raise ValueError(zoom)
        view = (position[0], position[1], zoom) if position else (None, None, None)
    except CoordinateError as exc:
        errors["view"] = str(exc.message)
    except ValueError:
        errors["zoom"] = _("The zoom must be between 1 and 19.")
    if not errors:
        try:
            domain.update_settings(
                team,
                name=clean_text(values["name"], "name"),
                languages=values["languages"].replace(";", ",").split(","),
                map_view=view,
            )
        except Conflict:
            errors["name"] = _("Another team has this name.")
        except InvalidValue as exc:
            errors[exc.field or "form"] = settings_message(exc)
    if errors:
        db.session.rollback()
        team = get_team(team_id, manage=True)
        return page(team, errors, values, 422)
    commit()
    flash(_("The settings are saved."), "success")
    return to_settings(team)


def settings_message(exc: DomainError) -> str:
    """The refusal in the reader's language for the fields this page has."""
    messages = {
        "name": _("Give the team a name."),
        "languages": _("Use language codes separated by commas."),
        "zoom": _("The zoom must be between 1 and 19."),
        "labels": _("Give the theme a name in at least one language (at most 60 characters)."),
    }
    return messages.get(exc.field, exc.message)


def labels_from_form(team: Team) -> dict:
    return {lang: request.form.get(f"label-{lang}", "") for lang in team.languages}


@bp.route("/teams/<int:team_id>/settings/themes", methods=["POST"])
@login_required
def add_theme(team_id: int):
    team = get_team(team_id, manage=True)
    if not Form().validate_on_submit():
        return to_settings(team, "#themes")
    try:
        domain.add_theme(team, labels_from_form(team))
    except InvalidValue as exc:
        return page(team, {"new-theme": settings_message(exc)}, status=422)
    commit()
    flash(_("The theme is added."), "success")
    return to_settings(team, "#themes")


@bp.route("/teams/<int:team_id>/settings/themes/<key>", methods=["POST"])
@login_required
def change_theme(team_id: int, key: str):
    """Rename (``action=rename``) or remove (``action=remove``; sites use it: a page
    asks first, ``force=1`` confirms) a theme."""
    team = get_team(team_id, manage=True)
    if not Form().validate_on_submit():
        return to_settings(team, "#themes")
    theme = domain.find_theme(team, key)
    if request.form.get("action") == "remove":
        try:
            count = domain.remove_theme(team, key, force=request.form.get("force") == "1")
        except Conflict:
            return render_template(
                "teams/theme_remove.html",
                team=team,
                theme=theme,
                sites=domain.sites_with_theme(team, key),
                form=Form(),
            ), 409
        commit()
        flash(
            _("The theme is removed.")
            + (" " + _("It was taken off %(num)d sites.", num=count) if count else ""),
            "success",
        )
        return to_settings(team, "#themes")
    try:
        domain.rename_theme(team, key, labels_from_form(team))
    except InvalidValue as exc:
        return page(team, {f"theme-{key}": settings_message(exc)}, status=422)
    commit()
    flash(_("The theme is renamed."), "success")
    return to_settings(team, "#themes")
