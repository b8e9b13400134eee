"""Tours: ``/api/v1/tours``."""

from __future__ import annotations

from .common import make_blueprint

blp = make_blueprint("tours", "Tours")
