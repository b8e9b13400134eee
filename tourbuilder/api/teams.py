"""Teams: ``/api/v1/teams``."""

from __future__ import annotations

from flask.views import MethodView
from flask_login import current_user
from flask_smorest import abort
from marshmallow import fields
from marshmallow import Schema
from marshmallow import validate

from ..extensions import db
from ..models import Team
from ..models.teams import is_site_admin
from ..services import commit
from ..services import teams as domain
from . import schemas
from .common import make_blueprint
from .common import require_user

blp = make_blueprint("teams", "Local teams. Anyone sees names; members see their role.")


class TeamSchema(Schema):
    id = fields.Integer(dump_only=True)
    name = schemas.Text(required=True, validate=validate.Length(min=1, max=200))
    country = fields.String(
        load_default="",
        validate=validate.Regexp(r"^([A-Z]{2})?$", error="Use a two-letter country code."),
    )
    languages = fields.List(schemas.LanguageCode(), load_default=list)
    role = fields.Method("viewer_role", dump_only=True, allow_none=True)

    def viewer_role(self, team) -> str | None:
        role = current_user.role_in(team.id) if current_user.is_authenticated else None
        return str(role) if role else None


@blp.route("/teams")
class Teams(MethodView):
    @blp.response(200, TeamSchema(many=True))
    def get(self):
        """List teams."""
        return domain.all_teams()

    @blp.arguments(TeamSchema)
    @blp.response(201, TeamSchema)
    @blp.alt_response(401, description="Not signed in")
    @blp.alt_response(403, description="Only site administrators create teams")
    @blp.alt_response(409, description="A team with this name exists")
    def post(self, data):
        """Create a team (site administrators); the creator becomes its admin."""
        user = require_user()
        if not is_site_admin(user):
            abort(403, message="Only site administrators create teams.")
        team = domain.create_team(**data, creator=user)
        commit()
        return team


class TeamUpdate(TeamSchema):
    name = schemas.Text(validate=validate.Length(min=1, max=200))
    country = fields.String(
        validate=validate.Regexp(r"^([A-Z]{2})?$", error="Use a two-letter country code.")
    )
    languages = fields.List(schemas.LanguageCode(), validate=validate.Length(max=20))


class MemberSchema(Schema):
    user_id = fields.Integer()
    name = fields.String(attribute="user.display_name")
    role = fields.String()


def load_team(team_id: int, manage: bool = False) -> Team:
    """Anyone sees a team; only its admins (and site admins) manage it.

    :raise 404: no such team.
    :raise 401: ``manage`` and nobody is signed in.
    :raise 403: ``manage`` and the user is not an admin of the team.
    """
    team = db.session.get(Team, team_id)
    if team is None:
        abort(404, message=f"No team with id {team_id}.")
    if manage and not team.can_manage(require_user()):
        abort(403, message="Only admins of the team change it.")
    return team


@blp.route("/teams/<int:team_id>")
class TeamById(MethodView):
    @blp.response(200, TeamSchema)
    @blp.alt_response(404, description="No such team")
    def get(self, team_id):
        """Show a team."""
        return load_team(team_id)

    @blp.arguments(TeamUpdate)
    @blp.response(200, TeamSchema)
    @blp.alt_response(401, description="Not signed in")
    @blp.alt_response(403, description="Only team admins change a team")
    @blp.alt_response(404, description="No such team")
    @blp.alt_response(409, description="A team with this name exists")
    def patch(self, data, team_id):
        """Change a team's name, country or languages (team admins)."""
        team = domain.update_team(load_team(team_id, manage=True), **data)
        commit()
        return team


@blp.route("/teams/<int:team_id>/members")
class TeamMembers(MethodView):
    @blp.response(200, MemberSchema(many=True))
    @blp.alt_response(401, description="Not signed in")
    @blp.alt_response(403, description="Only members see the members")
    @blp.alt_response(404, description="No such team")
    def get(self, team_id):
        """List a team's members and their roles (members of the team)."""
        team = load_team(team_id)
        user = require_user()
        if not team.can_view_members(user):
            abort(403, message="Only members of the team see its members.")
        return domain.members(team)
