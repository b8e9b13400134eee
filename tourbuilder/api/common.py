"""The versioned JSON API, ``/api/v1``, described by the OpenAPI document it generates.

Authentication: the session cookie (browser; writes need the ``X-CSRFToken`` header) or a
personal token, ``Authorization: Bearer <token>`` (``tourbuilder token create EMAIL``).
Errors are JSON: ``{"code": 404, "status": "Not Found", "message": "..."}``, with
``"errors"`` holding field messages on validation failures (422).
"""

from __future__ import annotations

from flask import current_app
from flask import g
from flask import jsonify
from flask import request
from flask_login import current_user
from flask_smorest import abort
from flask_smorest import Blueprint
from marshmallow import fields
from marshmallow import missing
from marshmallow import Schema
from marshmallow import ValidationError
from sqlalchemy import func
from sqlalchemy import select
from webargs.flaskparser import FlaskParser
from werkzeug.datastructures import CombinedMultiDict

from ..auth import load_user_from_token
from ..auth import protect_api_request
from ..auth import SAFE_METHODS
from ..database import MAX_ID
from ..errors import domain_error_body
from ..extensions import csrf
from ..extensions import db
from ..models import Team
from ..models.teams import can_edit_team_content
from ..services.errors import InvalidValue
from ..services.errors import NotFound
from ..services.errors import StaleVersion
from ..text import clean_data
from ..text import clean_text
from .schemas import LANGUAGE_RE
from .schemas import Version


def authenticate_api_request() -> None:
    """A request carrying a bearer token is that token's owner, or is refused (401); a
    write from nobody is refused (401); a write with the session cookie needs its CSRF
    token (400). A JSON body larger than ``API_JSON_MAX_BYTES`` is refused (413) before it
    is read.
    """
    if request.mimetype == "application/json":
        request.max_content_length = current_app.config["API_JSON_MAX_BYTES"]
    if request.headers.get("Authorization"):
        user = load_user_from_token(request)
        if user is None:
            abort(401, message="The API token is missing, malformed or revoked.")
        g._login_user = user  # Flask-Login's per-request user: the token wins over a cookie
    if request.method not in SAFE_METHODS and not current_user.is_authenticated:
        # Every write needs someone; with nobody signed in there is no ambient credential
        # for a forged request to borrow, so this comes before the CSRF check.
        abort(401, message="Sign in or send an API token.")
    protect_api_request()
    lang = request.args.get("lang")
    if lang is not None and not LANGUAGE_RE.match(lang):
        field_error("lang", "Not a language code such as 'en' or 'pt-BR'.", location="query")


class CleaningParser(FlaskParser):
    """webargs' parser, with every text of the JSON body through the one normaliser
    (:func:`tourbuilder.text.clean_data`) before the schema sees it, and every text of
    the query string and form checked by the same rule. A multipart form's files are
    part of the form, so one schema describes (and requires) them with the fields."""

    def load_form(self, req, schema):
        return self._makeproxy(CombinedMultiDict([req.form, req.files]), schema)

    def _load_location_data(self, *, schema, req, location):
        data = super()._load_location_data(schema=schema, req=req, location=location)
        try:
            if location == "json":
                if data is missing:  # every JSON endpoint takes a body, even if only {}
                    raise ValidationError("Send the request body as JSON, even if only {}.")
                return clean_data(data)
            if location in ("query", "querystring", "form"):
                source = req.form if location == "form" else req.args
                for key, value in source.items(multi=True):
                    clean_text(key, key)
                    if isinstance(value, str):
                        clean_text(value, key)
        except InvalidValue as exc:
            raise ValidationError({exc.field: [exc.message]}) from None
        return data


class ApiBlueprint(Blueprint):
    ARGUMENTS_PARSER = CleaningParser()


def make_blueprint(name: str, description: str) -> Blueprint:
    """An API blueprint, tagged by its capitalised name in the OpenAPI document.

    Token or session authentication; CSRF is checked only for writes made with the cookie.
    """
    blp = ApiBlueprint(name.capitalize(), f"tourbuilder.api.{name}", description=description)
    csrf.exempt(blp)
    blp.before_request(authenticate_api_request)
    blp.register_error_handler(StaleVersion, answer_stale_version)
    return blp


def require_user():
    """:raise 401: when nobody is signed in."""
    if not current_user.is_authenticated:
        abort(401, message="Sign in or send an API token.")
    return current_user


def load_or_404(model, ident: int, action: str = "view"):
    """Load ``model`` by id and check ``can_<action>`` for the current user.

    :raise 404: no such object, or the user may not even see it (nothing leaks by id).
    :raise 401: nobody is signed in and ``action`` needs someone.
    :raise 403: the user sees it but may not perform ``action``.
    """
    obj = db.session.get(model, ident)
    if obj is None or not obj.can_view(current_user):
        abort(404, message=f"No {model.__name__.lower()} with id {ident}.")
    if action != "view" and not getattr(obj, f"can_{action}")(current_user):
        if not current_user.is_authenticated:
            abort(401, message="Sign in or send an API token.")
        abort(403, message=f"You may not {action} this {model.__name__.lower()}.")
    return obj


def team_for_new_content(team_id: int) -> Team:
    """The team a new site, tour or media item goes to; the caller must edit its content.

    :raise 401: nobody is signed in.
    :raise 404: no such team (a field error on ``team_id``).
    :raise 403: the caller is not an editor or admin of the team.
    """
    user = require_user()
    team = db.session.get(Team, team_id)
    if team is None:
        raise NotFound("team_id", f"No team with id {team_id}.")
    if not can_edit_team_content(user, team.id):
        abort(403, message="Only editors and admins of the team add content to it.")
    return team


def field_error(field: str, message: str, location: str = "json"):
    """:raise 422: with one field message, in the shape webargs gives validation errors."""
    abort(422, message="The request is not valid.", errors={location: {field: [message]}})


def paginate(query, pagination_parameters) -> list:
    """One page of a ``select()``; sets the item count for the ``X-Pagination`` header.

    A page beyond any possible row is empty, like any page past the last.
    """
    if pagination_parameters.first_item > MAX_ID:  # a larger offset would overflow SQL
        pagination_parameters.item_count = db.session.scalar(
            select(func.count()).select_from(query.order_by(None).subquery())
        )
        return []
    count = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    pagination_parameters.item_count = count
    page = query.offset(pagination_parameters.first_item).limit(pagination_parameters.page_size)
    return db.session.scalars(page).all()


#: The optional body of a DELETE: the version the client saw (see :func:`body_version`).
VERSION_BODY = {
    "required": False,
    "content": {
        "application/json": {
            "schema": {
                "type": "object",
                "properties": {"version": {"type": "integer", "minimum": 1, "maximum": MAX_ID}},
            },
            "example": {"version": 3},
        }
    },
}


def body_version() -> int | None:
    """The ``version`` of an optional JSON body (``{"version": 3}``) of a DELETE; None
    without a body or without the key.

    :raise 422: a body that is not a JSON object, or a version that is not a whole number.
    """
    if not request.get_data(cache=True):
        return None
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        field_error("version", 'Send no body, or a JSON object such as {"version": 3}.')
    if "version" not in body:
        return None
    if body["version"] is None:
        field_error("version", "Send a whole number, or leave version out.")
    try:
        return Version().deserialize(body["version"])
    except ValidationError as exc:
        field_error("version", " ".join(exc.messages))


class VersionConflict(Schema):
    """409 for a stale ``version``: the error shape plus the object as it is now."""

    code = fields.Integer()
    status = fields.String()
    message = fields.String()
    errors = fields.Dict()
    current = fields.Dict(metadata={"description": "The object's current representation"})


#: The schema that shows each versioned model in a 409 (filled by the API modules).
CURRENT_SCHEMAS: dict[type, type[Schema]] = {}


def answer_stale_version(error: StaleVersion):
    """A stale ``version`` (409): nothing changed; the body adds ``current``, the object
    as it is now, so an editor can show what changed. 404 when it is gone meanwhile."""
    db.session.rollback()
    obj = db.session.get(type(error.obj), error.obj.id, populate_existing=True)
    if obj is None:
        abort(404, message=f"No {type(error.obj).__name__.lower()} with id {error.obj.id}.")
    body = domain_error_body(error)
    body["current"] = CURRENT_SCHEMAS[type(obj)]().dump(obj)
    return jsonify(body), 409
