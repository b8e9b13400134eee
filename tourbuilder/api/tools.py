"""What editing screens ask the server while people type: a Markdown preview rendered
exactly as it will be published, and coordinates read from what was typed.

``POST /api/v1/markdown`` and ``GET /api/v1/coordinates``; both change nothing.
"""

from __future__ import annotations

from flask.views import MethodView
from marshmallow import fields
from marshmallow import Schema
from marshmallow import validate

from ..coordinates import CoordinateError
from ..coordinates import format_position
from ..coordinates import MAX_LENGTH
from ..coordinates import parse_position
from ..text import render_markdown
from . import schemas
from .common import field_error
from .common import make_blueprint
from .common import require_user

blp = make_blueprint(
    "tools",
    "Helpers for editing screens: a Markdown preview sanitised as published, and reading "
    "typed coordinates (decimal or degrees, minutes and seconds).",
)


class MarkdownIn(Schema):
    text = schemas.Text(required=True, validate=validate.Length(max=50_000))


class MarkdownOut(Schema):
    html = fields.String(metadata={"description": "Sanitised HTML, as published"})


class CoordinatesArgs(Schema):
    q = schemas.Text(required=True, validate=validate.Length(min=1, max=MAX_LENGTH))


class CoordinatesOut(Schema):
    lat = fields.Float()
    lon = fields.Float()
    text = fields.String(metadata={"description": "The pair written back in decimal degrees"})


@blp.route("/markdown")
class MarkdownPreview(MethodView):
    @blp.arguments(MarkdownIn)
    @blp.response(200, MarkdownOut)
    @blp.alt_response(401, description="Not signed in")
    @blp.alt_response(403, description="Never: anyone signed in may preview")
    def post(self, data):
        """Render a narrative as a published page shows it (raw HTML off, then sanitised)."""
        require_user()
        return {"html": render_markdown(data["text"])}


@blp.route("/coordinates")
class Coordinates(MethodView):
    @blp.arguments(CoordinatesArgs, location="query")
    @blp.response(200, CoordinatesOut)
    def get(self, args):
        """Read a typed latitude and longitude: ``37.3891, -5.9845`` or
        ``37°23'21"N 5°59'4"W`` (422 naming ``q`` when it is not a pair in range)."""
        try:
            position = parse_position(args["q"])
        except CoordinateError as exc:
            field_error("q", str(exc.message), location="query")
        if position is None:
            field_error("q", "Type a latitude and a longitude.", location="query")
        lat, lon = position
        return {"lat": lat, "lon": lon, "text": format_position(lat, lon)}
