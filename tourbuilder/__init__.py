"""tourbuilder: map-based virtual visit tours from photos, videos, panoramas and places."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from .config import DEFAULTS
from .config import from_environment
from .config import normalise_database_url
from .config import persistent_secret_key
from .config import PROJECT_ROOT

if TYPE_CHECKING:
    from flask import Flask

__version__ = "0.1.0"


def create_app(test_config: dict | None = None) -> Flask:
    """Build the application: code defaults, then ``instance/config.py``, then the
    environment, then ``test_config``.

    Flask is imported here, not at the top, so that ``tourbuilder.media`` (the pipeline)
    can be imported and run without the web framework.
    """
    from flask import Flask

    instance_path = (test_config or {}).get("INSTANCE_PATH") or os.environ.get(
        "TOURBUILDER_INSTANCE_PATH"
    )
    app = Flask(
        __name__,
        instance_path=instance_path,
        instance_relative_config=True,
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
    )
    app.config.from_mapping(DEFAULTS)
    app.config.from_pyfile("config.py", silent=True)
    app.config.update(from_environment())
    if test_config:
        app.config.update(test_config)

    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    app.config.setdefault(
        "SQLALCHEMY_DATABASE_URI", f"sqlite:///{Path(app.instance_path) / 'tourbuilder.db'}"
    )
    app.config["SQLALCHEMY_DATABASE_URI"] = normalise_database_url(
        app.config["SQLALCHEMY_DATABASE_URI"]
    )
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = persistent_secret_key(app.instance_path)

    from . import auth
    from . import database
    from . import errors
    from . import headers
    from . import i18n
    from . import jobs
    from . import labels
    from . import live
    from . import static_files
    from . import storage
    from . import throttle
    from .api import init_app as init_api
    from .cli import init_app as init_cli
    from .services import pack_jobs
    from .services import processing
    from .views import init_app as init_views

    database.init_app(app)
    i18n.init_app(app)
    labels.init_app(app)
    auth.init_app(app)
    throttle.init_app(app)
    headers.init_app(app)
    static_files.init_app(app)
    storage.init_app(app)
    jobs.init_app(app)
    live.init_app(app)
    processing.init_app(app)
    pack_jobs.init_app(app)
    init_api(app)
    init_views(app)
    errors.init_app(app)
    init_cli(app)
    return app
