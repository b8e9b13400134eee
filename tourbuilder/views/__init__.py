"""HTML pages, one blueprint per area."""


def init_app(app) -> None:
    from . import account
    from . import auth
    from . import library
    from . import media
    from . import public
    from . import publishing
    from . import teams

    app.register_blueprint(public.bp)
    app.register_blueprint(auth.bp)
    app.register_blueprint(teams.bp)
    app.register_blueprint(media.bp)
    app.register_blueprint(library.bp)
    app.register_blueprint(account.bp)
    app.register_blueprint(publishing.bp)
