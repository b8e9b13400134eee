"""The versioned JSON API, ``/api/v1``, described by the OpenAPI document it generates.

Authentication: the session cookie (browser; writes need the ``X-CSRFToken`` header) or a
personal token, ``Authorization: Bearer <token>`` (``tourbuilder token create EMAIL``).
Errors are JSON: ``{"code": 404, "status": "Not Found", "message": "..."}``, with
``"errors"`` holding field messages on validation failures (422).
"""

from __future__ import annotations

from flask.json.provider import DefaultJSONProvider
from flask_smorest import Api

from . import live
from . import media
from . import publishing
from . import schemas
from . import sites
from . import stops  # noqa: F401  (its routes join the tours blueprint)
from . import teams
from . import tools
from . import tour_exchange
from . import tour_pack
from . import tours
from . import uploads
from . import workshops

PREFIX = "/api/v1"
BLUEPRINTS = (
    teams.blp,
    sites.blp,
    tours.blp,
    tour_exchange.blp,
    tour_pack.blp,
    publishing.blp,
    media.blp,
    tools.blp,
    live.blp,
    workshops.blp,
)


class JSONProvider(DefaultJSONProvider):
    """Flask's JSON, where a body nested too deeply for the parser is malformed input
    (400), not a crash."""

    def loads(self, s, **kwargs):
        try:
            return super().loads(s, **kwargs)
        except RecursionError:
            raise ValueError("The JSON body is nested too deeply.") from None


def init_app(app) -> None:
    app.json = JSONProvider(app)
    app.url_map.converters["language"] = schemas.LanguageConverter
    api = Api(app)
    api.register_converter(schemas.LanguageConverter, lambda converter: converter.openapi)
    api.ma_plugin.converter.add_attribute_function(schemas.document_field)
    api.spec.components.security_scheme(
        "bearerAuth", {"type": "http", "scheme": "bearer", "description": "Personal API token"}
    )
    api.spec.components.security_scheme(
        "cookieAuth", {"type": "apiKey", "in": "cookie", "name": "session"}
    )
    api.spec.options["security"] = [{"bearerAuth": []}, {"cookieAuth": []}, {}]
    # flask-smorest documents X-Pagination with a schema as if it were a header object; it is
    # JSON text, so the document says so (OpenAPI's ``content`` form for headers).
    api.spec.components.headers_lazy.pop("PAGINATION", None)
    api.spec.components.headers["PAGINATION"] = {
        "description": "Pagination metadata, a JSON object",
        "content": {
            "application/json": {
                "schema": {
                    "type": "object",
                    "properties": {
                        name: {"type": "integer"}
                        for name in (
                            "total",
                            "total_pages",
                            "first_page",
                            "last_page",
                            "page",
                            "previous_page",
                            "next_page",
                        )  # fmt: skip
                    },
                }
            }
        },
    }
    for blp in BLUEPRINTS:
        api.register_blueprint(blp, url_prefix=PREFIX)
    for name in schemas.COORDINATE_PAIR_SCHEMAS:
        api.spec.components.schemas[name].update(schemas.COORDINATE_PAIR)
    for name in schemas.NEW_COORDINATE_PAIR_SCHEMAS:
        api.spec.components.schemas[name].update(schemas.NEW_COORDINATE_PAIR)
    app.extensions["tourbuilder.api"] = api
    app.register_blueprint(uploads.bp)  # tus: JSON, but its own protocol, not in OpenAPI
