"""``/tiles/{z}/{x}/{y}.png``: base-map tiles through the app's cache (tourbuilder.tiles).

Only HTTP here: the coordinates come as integers from the route, the cache checks their
range and does the rest. A failure answers at once with a small text body (404, 502 or
504), and the page's map then shows its built-in basemap (static/js/map.js).
"""

from __future__ import annotations

from flask import Blueprint
from flask import current_app
from flask import make_response
from flask import request

from .. import tiles

bp = Blueprint("tiles", __name__)


@bp.route("/tiles/<int:z>/<int:x>/<int:y>.png")
def tile(z: int, x: int, y: int):
    if not tiles.proxy_enabled(current_app.config):
        return _refusal(404, "tiles are not served here")
    try:
        found = tiles.cache_for(current_app).get(z, x, y)
    except tiles.TileError as exc:
        return _refusal(exc.status, str(exc))
    response = make_response(found.data)
    response.mimetype = found.content_type
    response.headers["Cache-Control"] = f"public, max-age={found.max_age()}"
    response.set_etag(found.etag)
    return response.make_conditional(request)


def _refusal(status: int, message: str):
    response = make_response(message + "\n", status)
    response.mimetype = "text/plain"
    response.headers["Cache-Control"] = "no-store"
    return response
