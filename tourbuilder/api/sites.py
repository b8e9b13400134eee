"""Sites: ``/api/v1/sites``."""

from __future__ import annotations

from .common import make_blueprint

blp = make_blueprint("sites", "Sites")
