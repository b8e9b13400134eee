"""Presentation mode and the presenter view of a tour (docs/presenting.md).

``/tours/<slug>/present`` is the audience window (the projector), ``.../presenter`` the
facilitator's second window. Both are rendered by
:func:`tourbuilder.services.presenting.render_presentation` with the app's addresses; the
offline tour pack renders the same pages with relative ones.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import abort
from flask import Blueprint
from flask import current_app
from flask import request
from flask import url_for
from flask_babel import get_locale
from flask_login import current_user
from flask_login import login_required

from ..headers import csp_nonce
from ..i18n import content_language
from ..links import absolute_url
from ..models import Tour
from ..models import Workshop
from ..services import presenting
from ..services import tours
from ..services import workshops
from . import map_tiles
from .live import live_settings

bp = Blueprint("present", __name__)


def get_presentable_tour(slug: str) -> Tour:
    """The tour at ``slug`` if the current user may present it.

    :raise 404: no such tour, or one the user may not see (a draft of another team).
    :raise 403: the user sees the tour (a public one) but may not present it.
    """
    tour = tours.viewable_tour(slug, current_user)
    if not presenting.can_present(current_user, tour):
        abort(403)
    return tour


def online_urls(slug: str) -> presenting.PresentUrls:
    """The app's own addresses for a presentation page."""
    pages = {
        "audience": "present.audience",
        "presenter": "present.presenter",
        "exit": "public.tour",
    }
    return presenting.PresentUrls(
        static=lambda path: url_for("static", filename=path),
        media=lambda item, name: url_for("media.derivative", item_id=item.id, variant=name),
        tiles_template=map_tiles().url,
        page=lambda name: url_for(pages[name], slug=slug),
    )


@dataclass(frozen=True)
class Programme:
    """A workshop's programme as presentation mode moves through it: the tours before and
    after this one, each a link to the same window (audience or presenter) of that tour,
    still in the workshop. Tours the user may not present are passed over."""

    workshop: Workshop
    endpoint: str

    def neighbours(self, tour: Tour) -> tuple[dict | None, dict | None]:
        before, after = workshops.neighbours(
            self.workshop, tour, lambda entry: entry.can_present(current_user)
        )
        return self.link(before), self.link(after)

    def link(self, tour: Tour | None) -> dict | None:
        if tour is None:
            return None
        view = presenting.shown_version(tour)
        lang = content_language(view.languages, view.fallback_language())
        url = url_for(self.endpoint, slug=tour.slug, workshop=self.workshop.id)
        return {"title": view.text("title", lang), "url": url}


def programme_of(presenter: bool) -> Programme | None:
    """The workshop programme named by ``?workshop=<id>``, if the user may see it.

    :raise 404: the workshop does not exist or is not shared with the user.
    """
    asked = request.args.get("workshop", "")
    if not asked:
        return None
    if not asked.isdigit() or len(asked) > 9:
        abort(404)
    workshop = workshops.get_workshop(int(asked), current_user)
    return Programme(workshop, "present.presenter" if presenter else "present.audience")


def render(slug: str, presenter: bool) -> str:
    draft = get_presentable_tour(slug)
    tour = presenting.shown_version(draft)
    lang = content_language(tour.languages, tour.fallback_language())
    return presenting.render_presentation(
        tour,
        lang=lang,
        interface_lang=current_language_of_interface(),
        urls=online_urls(slug),
        presenter=presenter,
        public_url=absolute_url("public.tour", slug=tour.slug),
        programme=programme_of(presenter),
        nonce=csp_nonce(),
        tile_attribution=map_tiles().attribution,
        live=live_settings(tour, presenter),
    )


def current_language_of_interface() -> str:
    """The interface language (the usual selection: ``?lang=``, session, account, browser)."""
    return str(get_locale() or current_app.config["BABEL_DEFAULT_LOCALE"])


@bp.route("/tours/<slug>/present")
@login_required
def audience(slug: str):
    """Presentation mode: the window the room sees."""
    return render(slug, presenter=False)


@bp.route("/tours/<slug>/present/presenter")
@login_required
def presenter(slug: str):
    """The presenter view: notes, prompts, next stop, timer; drives the audience window."""
    return render(slug, presenter=True)
