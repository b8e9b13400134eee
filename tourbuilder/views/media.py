"""Serving media derivatives, with the same permission rules as the pages that show them."""

from __future__ import annotations

import mimetypes

from flask import abort
from flask import Blueprint
from flask import current_app
from flask import send_file
from flask import session
from flask_login import current_user

from ..extensions import db
from ..models import MediaItem
from ..models.tours import media_visible_to
from ..services import follow_along
from ..storage import get_storage

bp = Blueprint("media", __name__)


def get_visible_item(item_id: int) -> MediaItem:
    """:raise 404: no such item, or the current user may not see it (a phone following a
    presentation also sees the publishable media of the tour it follows)."""
    item = db.session.get(MediaItem, item_id)
    if item is None:
        abort(404)
    if not media_visible_to(item, current_user):
        if not follow_along.media_followed(item, session.get("live", [])):
            abort(404)
    return item


@bp.route("/media/<int:item_id>/<variant>")
def derivative(item_id: int, variant: str):
    """A web derivative by its name in ``item.derivatives`` (e.g. ``640.webp``, ``poster``)."""
    item = get_visible_item(item_id)
    entry = item.derivatives.get(variant)
    if not entry:
        abort(404)
    storage = get_storage()
    key = entry["key"]
    if not storage.exists(key):
        abort(404)
    mime = entry.get("mime") or mimetypes.guess_type(key)[0] or "application/octet-stream"
    response = send_file(
        storage.open(key),
        mimetype=mime,
        conditional=True,
        etag=f"{item.id}-{entry.get('bytes', '')}-{item.updated_at.timestamp():.0f}",
        max_age=current_app.config["MEDIA_CACHE_SECONDS"],
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    if item.is_publishable:
        # Publication hangs on consent, which can be withdrawn: caches keep a copy only
        # briefly and then ask again (a 304 while nothing changed, a 404 once it did).
        response.headers["Cache-Control"] = (
            f"public, max-age={current_app.config['MEDIA_CACHE_SECONDS']}, must-revalidate"
        )
    else:
        response.headers["Cache-Control"] = "private, no-store"
    return response
