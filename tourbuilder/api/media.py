"""Media: ``/api/v1/media``."""

from __future__ import annotations

from .common import make_blueprint

blp = make_blueprint("media", "Media")
