"""Sharing a tour: the embed view other sites frame, oEmbed, QR codes (of the tour's
address and of each stop's, ``/tours/<slug>/stops/<n>``, served by the tour page) and the
printable handout. sitemap.xml and robots.txt are in :mod:`.discovery`.

The embed view and oEmbed show what the public sees, whoever asks (a framed page must
not show a signed-in member's drafts to the site around it). QR codes and the handout
follow the tour page's rule (``Tour.can_view``): others get 404.
"""

from __future__ import annotations

from urllib.parse import parse_qs
from urllib.parse import urlsplit

from flask import abort
from flask import Blueprint
from flask import current_app
from flask import make_response
from flask import render_template
from flask import request
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup

from .. import maps
from .. import qr
from .. import sharing
from .. import stopmap
from ..extensions import db
from ..headers import embeddable
from ..i18n import current_language
from ..links import absolute_url
from ..links import local_path
from ..models import Tour
from ..services import publishing
from ..services import tours
from ..services.errors import BadRequest
from ..text import markdown_text
from . import map_tiles
from .public import map_notes
from .public import static_url

bp = Blueprint("sharing", __name__)

EXCERPT_MAX = 160
#: The pages an oEmbed ``url`` may name: the tour or one of its stops, its embed view.
OEMBED_ENDPOINTS = {"public.tour", "sharing.embed"}


def stops_of(tour: Tour, user, lang: str) -> tuple[list[dict], list[maps.Marker]]:
    """The numbered stops (title, its language, a short text, on the map or not) and the
    markers of those with a place, as ``user`` may see them."""
    stops, markers = [], []
    for number, stop in enumerate(tour.stops, start=1):
        title_lang = stop.text_language("title", lang)
        if title_lang is None and stop.site is not None:
            title_lang = stop.site.text_language("name", lang)
        entry = {
            "number": number,
            "title": stop.display_title(lang),
            "title_lang": title_lang or "",
            "excerpt": sharing.plain_excerpt(
                markdown_text(stop.text("narrative", lang)), EXCERPT_MAX
            ),
            "excerpt_lang": stop.text_language("narrative", lang) or "",
            "position": stop.position_for(user),
            "on_map": False,
        }
        if entry["position"] is not None:
            entry["on_map"] = True
            markers.append(
                maps.Marker(
                    lat=entry["position"][0],
                    lon=entry["position"][1],
                    title=entry["title"],
                    lang=entry["title_lang"],
                    target=f"stop-{number}",
                    number=number,
                    extra={"zoom": stop.zoom or 16},
                )
            )
        stops.append(entry)
    return stops, markers


def stop_number(tour: Tour, number: int | None) -> int | None:
    """:raise NotFound: ``number`` is given and is not one of the tour's stops."""
    if number is not None and not 1 <= number <= len(tour.stops):
        abort(404, description=_("This tour has no stop %(num)d.", num=number))
    return number


def shared_tour(slug: str) -> Tour:
    """The published version of the tour at ``slug``, as the public sees it.

    :raise NotFound: no such tour, or one that is not shared (draft, workshop)."""
    return publishing.shown_tour(tours.viewable_tour(slug, None), None)


def shown_tour(slug: str) -> Tour:
    """The tour at ``slug`` as the current user sees it on the tour page (the team the
    draft, others the published version). :raise NotFound: as the tour page."""
    return publishing.shown_tour(tours.viewable_tour(slug, current_user), current_user)


@bp.route("/tours/<slug>/embed")
@embeddable
def embed(slug: str):
    """The tour's map and stops for a frame on another site: no site header, a link to
    the full tour; ``?stop=N`` starts at stop N."""
    tour = shared_tour(slug)
    start = stop_number(tour, request.args.get("stop", type=int))
    lang = current_language()
    stops, markers = stops_of(tour, None, lang)
    labels = {
        "map": _("Map of the tour's stops"),
        "stop": _("Stop %(num)s: %(title)s"),
        **map_notes(),
    }
    parts = maps.tour_map(
        markers, map_tiles(), labels, static_url, start=start, scroll_wheel_zoom=False
    )
    return render_template("public/embed.html", tour=tour, stops=stops, parts=parts)


def qr_response(payload: str, fmt: str, public: bool):
    scale = qr.PNG_SCALE
    if fmt == "png":
        scale = positive_int("scale") or qr.PNG_SCALE
        if scale not in qr.SCALE_RANGE:
            raise BadRequest("scale", _("Choose a scale from 1 to 40."), location="query")
    body = qr.svg(payload) if fmt == "svg" else qr.png(payload, scale)
    response = make_response(body)
    response.mimetype = "image/svg+xml" if fmt == "svg" else "image/png"
    response.set_etag(qr.etag(payload, fmt, scale))
    seconds = current_app.config["SHARE_CACHE_SECONDS"]
    response.cache_control.max_age = seconds
    response.cache_control.public = public
    response.cache_control.private = not public
    return response.make_conditional(request)


@bp.route("/tours/<slug>/qr.<any(svg, png):fmt>")
def tour_qr(slug: str, fmt: str):
    """A QR code of the tour's public address (``?scale=`` pixels per module, PNG)."""
    tour = shown_tour(slug)
    url = absolute_url("public.tour", slug=tour.slug)
    return qr_response(url, fmt, sharing.is_shareable(tour))


@bp.route("/tours/<slug>/stops/<int:number>/qr.<any(svg, png):fmt>")
def stop_qr(slug: str, number: int, fmt: str):
    """A QR code of one stop's address."""
    tour = shown_tour(slug)
    stop_number(tour, number)
    url = absolute_url("public.tour", slug=tour.slug, number=number)
    return qr_response(url, fmt, sharing.is_shareable(tour))


def positive_int(name: str) -> int | None:
    """:raise BadRequest: the query parameter is there but not a whole number above 0."""
    value = request.args.get(name)
    if value is None or value == "":
        return None
    if not value.isascii() or not value.isdigit() or int(value) < 1:
        raise BadRequest(name, _("Give a whole number of pixels."), location="query")
    return int(value)


@bp.route("/oembed")
def oembed():
    """oEmbed (https://oembed.com): a public tour's embed snippet for ``?url=``.

    :raise 400: no ``url``, or a ``maxwidth``/``maxheight`` that is not a number.
    :raise 404: a URL of another host, malformed, or of a tour that is not public.
    :raise 501: a ``format`` other than json.
    """
    url = request.args.get("url", "")
    if not url:
        raise BadRequest("url", _("Give the address of a tour."), location="query")
    if request.args.get("format", "json") != "json":
        abort(501, description=_("Only the json format is available."))
    maxwidth, maxheight = positive_int("maxwidth"), positive_int("maxheight")
    path = local_path(url)
    if path is None:
        abort(404)
    try:
        endpoint, values = current_app.url_map.bind("localhost").match(path, method="GET")
    except Exception:  # werkzeug's NotFound, MethodNotAllowed or a redirect: no tour page
        abort(404)
    if endpoint not in OEMBED_ENDPOINTS:
        abort(404)
    draft = db.session.scalar(db.select(Tour).where(Tour.slug == values["slug"]))
    tour = publishing.published_view(draft) if draft is not None and draft.is_public else None
    if tour is None:
        abort(404)
    start = values.get("number")  # a stop's address: the frame opens at that stop
    if endpoint == "sharing.embed":
        start = parse_qs(urlsplit(url).query).get("stop", [None])[0]
        start = int(start) if start and start.isascii() and start.isdigit() else None
    stop_number(tour, start)
    answer = sharing.oembed_answer(tour, current_language(), maxwidth, maxheight, start)
    response = make_response(answer)
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.vary.add("Accept-Language")  # the title is in the asker's language
    response.cache_control.public = True
    response.cache_control.max_age = current_app.config["SHARE_CACHE_SECONDS"]
    return response


@bp.route("/tours/<slug>/handout")
def handout(slug: str):
    """A page to print: title, summary, the stops drawn on a map, the list of stops and
    the tour's QR code; no site header or controls in print."""
    tour = shown_tour(slug)
    lang = current_language()
    stops, _markers = stops_of(tour, current_user, lang)
    points = [stopmap.Point(s["number"], *s["position"]) for s in stops if s["on_map"]]
    drawing = stopmap.stop_map_svg(points, _("Map of the tour's stops"))
    return render_template(
        "public/handout.html",
        tour=tour,
        stops=stops,
        stop_map=Markup(drawing),
        url=absolute_url("public.tour", slug=tour.slug),
    )
