"""HTML pages, one blueprint per area."""


def init_app(app) -> None:
    from . import account
    from . import auth
    from . import discovery
    from . import library
    from . import media
    from . import public
    from . import sharing
    from . import teams

    app.register_blueprint(public.bp)
    app.register_blueprint(auth.bp)
    app.register_blueprint(teams.bp)
    app.register_blueprint(media.bp)
    app.register_blueprint(library.bp)
    app.register_blueprint(account.bp)
    app.register_blueprint(sharing.bp)
    app.register_blueprint(discovery.bp)
