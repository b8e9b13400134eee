"""HTML pages, one blueprint per area."""


def init_app(app) -> None:
    from . import account
    from . import auth
    from . import library
    from . import media
    from . import public
    from . import teams
    from . import tiles
    from . import tour_files

    app.register_blueprint(public.bp)
    app.register_blueprint(auth.bp)
    app.register_blueprint(teams.bp)
    app.register_blueprint(media.bp)
    app.register_blueprint(library.bp)
    app.register_blueprint(account.bp)
    app.register_blueprint(tiles.bp)
    app.register_blueprint(tour_files.bp)
