"""The versioned JSON API, ``/api/v1``, described by the OpenAPI document it generates.

Authentication: the session cookie (browser; writes need the ``X-CSRFToken`` header) or a
personal token, ``Authorization: Bearer <token>`` (``tourbuilder token create EMAIL``).
Errors are JSON: ``{"code": 404, "status": "Not Found", "message": "..."}``, with
``"errors"`` holding field messages on validation failures (422).
"""

from __future__ import annotations

from flask.json.provider import DefaultJSONProvider
from flask_smorest import Api

from . import media
from . import sites
from . import teams
from . import tours
from . import uploads

PREFIX = "/api/v1"
BLUEPRINTS = (teams.blp, sites.blp, tours.blp, media.blp)


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
    api = Api(app)
    api.spec.components.security_scheme(
        "bearerAuth", {"type": "http", "scheme": "bearer", "description": "Personal API token"}
    )
    api.spec.components.security_scheme(
        "cookieAuth", {"type": "apiKey", "in": "cookie", "name": "session"}
    )
    api.spec.options["security"] = [{"bearerAuth": []}, {"cookieAuth": []}, {}]
    for blp in BLUEPRINTS:
        api.register_blueprint(blp, url_prefix=PREFIX)
    app.extensions["tourbuilder.api"] = api
    app.register_blueprint(uploads.bp)  # tus: JSON, but its own protocol, not in OpenAPI
