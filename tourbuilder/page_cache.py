"""Public pages rendered once and served again to anonymous readers, until their data change.

A tour shared on social media, or thirty phones at a workshop opening one tour, ask for
the same page many times. For a reader who is not signed in, the home page, a tour page
and a site's page depend only on public data, so each process keeps the HTML it rendered (the last
``PAGE_CACHE_SIZE`` pages, 0 turns it off) under a key made of:

- the page and its arguments (a tour's id and stop number, the home page's filters), the
  interface language and the content language, and the host the links point to;
- a **version read from the database on every request**, which changes with whatever the
  page shows: for a tour page, the tour's row (publishing, unpublishing, discarding
  changes and visibility all update it) and the team's sites and media items (count, ids,
  last change) and the team itself (:func:`tour_version`); for the home page, the public
  tours, their publications and covers, and the public sites and teams
  (:func:`home_version`); for a site's page, its team's sites, media and row, and the
  public tours and their publications (the tours that stop there: :func:`site_version`).

Reading the version is one small query, so every gunicorn worker sees a change on its next
request, with no message between processes (no Redis needed) and nothing to clear by hand.

What is never kept: pages for a signed-in user (team members see drafts, and their pages
carry their own links and form tokens), requests with a message waiting (``flash``), and
anything but ``GET``. The one per-request value in a kept page, the CSP nonce of the inline
map script (:func:`tourbuilder.headers.csp_nonce`), is rendered as a random placeholder
that never leaves the process and replaced with the request's own nonce on the way out.
"""

from __future__ import annotations

import secrets
import threading
from collections import OrderedDict
from collections.abc import Callable

from flask import current_app
from flask import g
from flask import request
from flask import session
from flask_babel import get_locale
from flask_login import current_user
from sqlalchemy import text

from .extensions import db
from .headers import csp_nonce
from .models import Tour
from .services.publishing import published_document

# Stands for the nonce in kept pages; random per process, so no user text can contain it.
NONCE_PLACEHOLDER = "tb-nonce-" + secrets.token_hex(16)


class PageStore:
    """The last ``size`` pages rendered, least recently used dropped first."""

    def __init__(self, size: int):
        self.size = size
        self._pages: OrderedDict[tuple, str] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple) -> str | None:
        with self._lock:
            page = self._pages.get(key)
            if page is not None:
                self._pages.move_to_end(key)
            return page

    def put(self, key: tuple, page: str) -> None:
        with self._lock:
            self._pages[key] = page
            while len(self._pages) > self.size:
                self._pages.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._pages.clear()


def store() -> PageStore:
    app = current_app
    if "page_cache" not in app.extensions:
        app.extensions["page_cache"] = PageStore(int(app.config.get("PAGE_CACHE_SIZE", 256)))
    return app.extensions["page_cache"]


def clear() -> None:
    """Forget every page and outline this process keeps (for the app in context)."""
    store().clear()
    with _outlines_lock:
        _outlines.clear()


def cacheable() -> bool:
    """May this request get (and leave) a kept page? Anonymous ``GET`` with no flashed
    message waiting."""
    return (
        request.method == "GET"
        and not current_user.is_authenticated
        and "_flashes" not in session
        and int(current_app.config.get("PAGE_CACHE_SIZE", 256)) > 0
    )


# Settings whose values appear in a page: the public address (links, share snippets, QR
# codes) and the tile provider. A change to either needs no restart to show.
PRINTED_SETTINGS = ("PUBLIC_URL", "TILE_URL", "TILE_ATTRIBUTION")


def page(key: Callable[[], tuple], render: Callable[[], str]) -> str:
    """The page ``render()`` makes, from the store when an anonymous reader asked for it
    before under the same ``key()`` (the view's arguments, content language and data
    version; the page, interface language, host and the settings pages print are added
    here)."""
    if not cacheable():
        return render()
    config = current_app.config
    settings = tuple(str(config.get(name, "")) for name in PRINTED_SETTINGS)
    full_key = (request.endpoint, request.host_url, str(get_locale()), settings, key())
    kept = store().get(full_key)
    if kept is None:
        own = g.pop("csp_nonce", None)
        g.csp_nonce = NONCE_PLACEHOLDER
        try:
            kept = render()
        finally:
            g.pop("csp_nonce", None)
            if own is not None:
                g.csp_nonce = own
        store().put(full_key, kept)
    return kept.replace(NONCE_PLACEHOLDER, csp_nonce())


# Count, sum of ids and last change of the rows a page shows: a row added, deleted or
# changed moves one of them. Plain SQL (the same on SQLite and PostgreSQL), built once:
# this runs on every anonymous request, and building SQLAlchemy statements costs more than
# running them.
TEAM_VERSION = text(
    """
    SELECT 'site', count(id), coalesce(sum(id), 0), max(updated_at) FROM site
     WHERE team_id = :team
    UNION ALL
    SELECT 'media', count(id), coalesce(sum(id), 0), max(updated_at) FROM media_item
     WHERE team_id = :team
    UNION ALL
    SELECT 'team', 1, id, updated_at FROM team WHERE id = :team
    """
)
HOME_VERSION = text(
    """
    SELECT 'tour', count(id), coalesce(sum(id), 0), max(updated_at) FROM tour
     WHERE visibility = 'public'
    UNION ALL
    SELECT 'publication', count(tour_id), coalesce(sum(tour_id), 0), max(published_at)
      FROM tour_publication
    UNION ALL
    SELECT 'media', count(id), coalesce(sum(id), 0), max(updated_at) FROM media_item
     WHERE team_id IN (SELECT team_id FROM tour WHERE visibility = 'public')
    """
)


def _read(statement, **values) -> tuple:
    rows = db.session.execute(statement, values).all()
    return tuple(sorted(tuple(str(value) for value in row) for row in rows))


_outlines: OrderedDict[tuple, tuple] = OrderedDict()
_outlines_lock = threading.Lock()


def published_outline(tour: Tour) -> tuple[list[str], int] | None:
    """The languages and number of stops of ``tour``'s published version (None when it is
    not published), remembered per state of the tour row, so a kept page is served
    without reading the published document again."""
    key = (db.engine.url.render_as_string(), tour.id, str(tour.updated_at), tour.version)
    with _outlines_lock:
        outline = _outlines.get(key)
    if outline is None:
        published = published_document(tour)
        outline = (published["tour"]["languages"], len(published["stops"])) if published else ()
        with _outlines_lock:
            _outlines[key] = outline
            while len(_outlines) > 1024:
                _outlines.popitem(last=False)
    return outline or None


def tour_version(tour: Tour) -> tuple:
    """Changes whenever the public page of ``tour`` may change: the tour row (its
    ``updated_at`` moves when it is published, unpublished, discarded, edited or its
    visibility changes), and the team, its sites and media items."""
    return (
        tour.id,
        tour.version,
        str(tour.updated_at),
        str(tour.published_at),
        str(tour.visibility),
        _read(TEAM_VERSION, team=tour.team_id),
    )


def site_version(site) -> tuple:
    """Changes whenever the public page of ``site`` may change: the site and its team's
    other rows (its row, photos and name, as :func:`tour_version`), and the public tours
    and their published versions (the page lists those that stop there)."""
    return (site.id, _read(TEAM_VERSION, team=site.team_id), _read(HOME_VERSION))


def home_version() -> tuple:
    """Changes whenever the home page may change, apart from the map's layer (keyed by
    :func:`tourbuilder.services.site_map.data_version`): the public tours, their published
    versions and the media items of their teams (covers)."""
    return _read(HOME_VERSION)
