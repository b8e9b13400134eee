"""HTML pages, one blueprint per area, and the Jinja helpers the position picker uses."""

from flask import current_app
from flask import request

from .. import maps
from ..coordinates import format_position
from ..tiles import proxy_enabled


def map_tiles() -> maps.TileSettings:
    """The basemap of every map a page draws (folium's, the editor's, the position
    picker's): through the app's tile cache (``/tiles/...``) unless ``TILE_PROXY`` is off;
    the attribution stays the tile provider's."""
    config = current_app.config
    local = request.script_root + "/tiles/{z}/{x}/{y}.png" if proxy_enabled(config) else None
    return maps.TileSettings.from_config(config, local)


def position_text(value) -> str:
    """A ``(lat, lon)`` pair as the picker's text field shows it."""
    return format_position(*value) if value else ""


def init_app(app) -> None:
    from . import account
    from . import auth
    from . import discovery
    from . import editor
    from . import library
    from . import live
    from . import media
    from . import present
    from . import public
    from . import publishing
    from . import sharing
    from . import sites
    from . import team_settings
    from . import teams
    from . import tiles
    from . import tour_files
    from . import tour_pack
    from . import workshops

    app.register_blueprint(public.bp)
    app.register_blueprint(auth.bp)
    app.register_blueprint(teams.bp)
    app.register_blueprint(media.bp)
    app.register_blueprint(library.bp)
    app.register_blueprint(account.bp)
    app.register_blueprint(sharing.bp)
    app.register_blueprint(discovery.bp)
    app.register_blueprint(tiles.bp)
    app.register_blueprint(tour_files.bp)
    app.register_blueprint(sites.bp)
    app.register_blueprint(team_settings.bp)
    app.register_blueprint(editor.bp)
    app.add_template_global(map_tiles)
    app.add_template_filter(position_text)
    app.register_blueprint(publishing.bp)
    app.register_blueprint(live.bp)
    app.register_blueprint(present.bp)
    workshops.init_app(app)
    app.register_blueprint(tour_pack.bp)
