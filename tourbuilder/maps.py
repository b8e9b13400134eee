"""Maps: folium maps rendered into page components, with local assets and no user code.

Two rules hold for every map the app draws (docs/frontend.md explains both):

1. **No CDN.** folium asks for Leaflet and friends from public CDNs; :func:`localise_assets`
   points every element's ``default_js``/``default_css`` at the copies ``make assets``
   vendors into ``static/vendor``, and raises :class:`ExternalAssetError` for any URL it
   does not know, so no CDN can slip in when folium changes.
2. **User text never becomes code.** folium writes popup and tooltip text into JavaScript
   template literals, where ``${...}`` runs even after HTML sanitising. So user text never
   goes through folium: markers travel as JSON in a ``<script type="application/json">``
   (:func:`json_for_script`) and ``static/js/map.js`` builds markers and popups from it
   with DOM APIs and ``textContent``. folium only draws the map, the tiles and geometry.

Nothing here imports Flask: pass ``static_url`` (``filename -> URL``) from the view.

Building a map with folium costs a few milliseconds, more than the rest of a page, and gives
the same parts for the same inputs. :func:`sites_map`, :func:`cluster_map` and
:func:`tour_map` keep the parts they built (per process, the last :data:`MAP_CACHE_SIZE`)
keyed by everything they are built from: markers, labels, tiles and the asset URLs.
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from collections.abc import Callable
from collections.abc import Iterable
from dataclasses import dataclass
from dataclasses import field
from urllib.parse import urlsplit

import folium
from branca.element import CssLink
from branca.element import Element
from branca.element import JavascriptLink
from markupsafe import Markup

# The file name at the end of each CDN URL folium 0.20 uses -> the vendored copy, relative
# to the static folder (scripts/vendor_assets.py puts them there).
VENDORED = {
    "leaflet.js": "vendor/leaflet/dist/leaflet.js",
    "leaflet.css": "vendor/leaflet/dist/leaflet.css",
    "jquery-3.7.1.min.js": "vendor/jquery/dist/jquery.min.js",
    "bootstrap.bundle.min.js": "vendor/bootstrap/dist/js/bootstrap.bundle.min.js",
    "bootstrap.min.css": "vendor/bootstrap/dist/css/bootstrap.min.css",
    "bootstrap-glyphicons.css": "vendor/bootstrap3/dist/css/bootstrap-glyphicons.css",
    "all.min.css": "vendor/@fortawesome/fontawesome-free/css/all.min.css",
    "leaflet.awesome-markers.js": "vendor/leaflet.awesome-markers/dist/leaflet.awesome-markers.js",
    "leaflet.awesome-markers.css": (
        "vendor/leaflet.awesome-markers/dist/leaflet.awesome-markers.css"
    ),
    "leaflet.awesome.rotate.min.css": "vendor/folium/leaflet.awesome.rotate.min.css",
    # folium.plugins.MarkerCluster (bench/home_map.py compares the home map with it)
    "leaflet.markercluster.js": "vendor/leaflet.markercluster/dist/leaflet.markercluster.js",
    "MarkerCluster.css": "vendor/leaflet.markercluster/dist/MarkerCluster.css",
    "MarkerCluster.Default.css": "vendor/leaflet.markercluster/dist/MarkerCluster.Default.css",
}

# The folium libraries our maps load. Markers, popups and icons are drawn by map.js with
# Leaflet alone, so Bootstrap (whose CSS would restyle the whole page), jQuery, Font
# Awesome and Awesome Markers stay out: about 500 kB less on a phone. Pass
# ``libraries=None`` to keep all of them (still local).
MAP_LIBRARIES = frozenset({"leaflet", "leaflet_css"})

# The built-in basemap map.js draws when tiles cannot load: Natural Earth 1:110m land and
# countries (TopoJSON from world-atlas, public domain) and the client that reads it, both
# vendored and loaded only after a tile fails.
BASEMAP = {
    "atlas": "vendor/world-atlas/countries-110m.json",
    "client": "vendor/topojson-client/dist/topojson-client.min.js",
}

JSON_SCRIPT_ESCAPES = {
    "<": "\\u003c",
    ">": "\\u003e",
    "&": "\\u0026",
    "\u2028": "\\u2028",
    "\u2029": "\\u2029",
}


class ExternalAssetError(ValueError):
    """A map element asked for a script or stylesheet that is not vendored."""


def default_static_url(filename: str) -> str:
    return "/static/" + filename


def local_asset_url(url: str, static_url: Callable[[str], str] = default_static_url) -> str:
    """The local URL for a folium asset URL.

    :raise ExternalAssetError: the URL is external and not one we vendor.
    """
    parts = urlsplit(url)
    if not parts.scheme and not parts.netloc:
        return url  # already ours
    name = parts.path.rsplit("/", 1)[-1]
    if name not in VENDORED:
        raise ExternalAssetError(f"map asset not vendored: {url}")
    return static_url(VENDORED[name])


def iter_elements(element: Element) -> Iterable[Element]:
    """The element and all its descendants."""
    yield element
    for child in list(element._children.values()):
        yield from iter_elements(child)


def localise_assets(
    element: Element,
    static_url: Callable[[str], str] = default_static_url,
    libraries: Iterable[str] | None = MAP_LIBRARIES,
) -> None:
    """Point every element's ``default_js``/``default_css`` at vendored files.

    The lists are replaced on each instance, never mutated: folium shares them between
    all instances of a class. Every URL is checked before ``libraries`` filters them, so
    an unknown asset raises even when it would be left out.
    """
    keep = None if libraries is None else set(libraries)
    for item in iter_elements(element):
        for attribute in ("default_js", "default_css"):
            links = getattr(item, attribute, None)
            if links is None:
                continue
            local = [(name, local_asset_url(url, static_url)) for name, url in links]
            setattr(item, attribute, [(n, u) for n, u in local if keep is None or n in keep])


@dataclass(frozen=True)
class MapParts:
    """A map's pieces for a Jinja page: ``header`` in <head>, ``html`` where the map goes,
    ``script`` in a <script> after it, ``data`` (JSON for map.js) next to the html."""

    header: Markup
    html: Markup
    script: Markup
    data: Markup
    name: str


def json_for_script(value) -> Markup:
    """JSON that is safe inside ``<script type="application/json">``: no ``<``, ``>``,
    ``&`` or line separators can end the element or be read as markup."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    for char, escape in JSON_SCRIPT_ESCAPES.items():
        text = text.replace(char, escape)
    return Markup(text)


def render_parts(
    m: folium.Map,
    data: dict,
    static_url: Callable[[str], str] = default_static_url,
    libraries: Iterable[str] | None = MAP_LIBRARIES,
) -> MapParts:
    """Render ``m`` into page components, as folium's Flask example does, keeping only the
    asset links from the header (folium's full-page styles and its zoom-locking viewport
    tag would break the page around the map).

    :raise ExternalAssetError: an element asks for a script or stylesheet not vendored.
    """
    localise_assets(m, static_url, libraries)
    root = m.get_root()
    root.render()
    links = [c for c in root.header._children.values() if isinstance(c, JavascriptLink | CssLink)]
    for link in links:
        if urlsplit(link.url).netloc:
            raise ExternalAssetError(f"map asset not vendored: {link.url}")
    name = m.get_name()
    payload = {"map": name, "basemap": {k: static_url(v) for k, v in BASEMAP.items()}, **data}
    return MapParts(
        header=Markup("\n".join(link.render() for link in links)),
        html=Markup(root.html.render()),
        script=Markup(root.script.render()),
        data=Markup('<script type="application/json" class="tb-map-data">')
        + json_for_script(payload)
        + Markup("</script>"),
        name=name,
    )


MAP_CACHE_SIZE = 256
_built: OrderedDict[str, MapParts] = OrderedDict()
_built_lock = threading.Lock()


def remembered(
    kind: str, inputs: dict, static_url: Callable[[str], str], build: Callable[[], MapParts]
) -> MapParts:
    """The parts ``build()`` made before from the same ``inputs`` and asset URLs, else
    ``build()``'s (kept). Map element names stay those of the first build: one page has
    one map of a kind with given inputs."""
    assets = [static_url(path) for path in (*VENDORED.values(), *BASEMAP.values())]
    key = json.dumps([kind, inputs, assets], sort_keys=True, default=str)
    with _built_lock:
        parts = _built.get(key)
        if parts is not None:
            _built.move_to_end(key)
            return parts
    parts = build()
    with _built_lock:
        _built[key] = parts
        while len(_built) > MAP_CACHE_SIZE:
            _built.popitem(last=False)
    return parts


@dataclass
class Marker:
    """A place on a map; ``title`` and ``subtitle`` are user text, shown by map.js as text."""

    lat: float
    lon: float
    title: str
    lang: str = ""
    subtitle: str = ""
    url: str = ""
    target: str = ""  # id of the element on the page this marker stands for
    number: int | None = None
    extra: dict = field(default_factory=dict)

    def as_json(self) -> dict:
        data = {"lat": self.lat, "lon": self.lon, "title": self.title, "lang": self.lang}
        for key in ("subtitle", "url", "target", "number"):
            if getattr(self, key):
                data[key] = getattr(self, key)
        return {**data, **self.extra}


@dataclass(frozen=True)
class TileSettings:
    url: str
    attribution: str
    max_zoom: int = 19
    #: more Leaflet TileLayer options, as ``(name, value)`` pairs: an offline pack gives
    #: ``bounds``, ``min_zoom`` and ``max_native_zoom`` so only the tiles it holds are asked for
    options: tuple = ()

    @classmethod
    def from_config(cls, config, local_url: str | None = None) -> TileSettings:
        """The configured tile layer; ``local_url`` (the app's tile cache) replaces the
        tile server's URL in pages, the attribution stays the server's."""
        url = local_url or config["TILE_URL"]
        return cls(url, config["TILE_ATTRIBUTION"], int(config["TILE_MAX_ZOOM"]))


def base_map(
    tiles: TileSettings, markers: list[Marker], view: tuple | None = None, **options
) -> folium.Map:
    """A map centred on ``markers`` (map.js then fits it to them), else on ``view``
    (``([lat, lon], zoom)``), with our tile layer."""
    if view is not None:
        location, zoom = view
    elif markers:
        lat = sum(m.lat for m in markers) / len(markers)
        lon = sum(m.lon for m in markers) / len(markers)
        location, zoom = [lat, lon], 13
    else:
        location, zoom = [20.0, 10.0], 2
    m = folium.Map(location=location, zoom_start=zoom, tiles=None, **options)
    folium.TileLayer(
        tiles=tiles.url,
        attr=tiles.attribution,
        max_zoom=tiles.max_zoom,
        name="base",
        **dict(tiles.options),
    ).add_to(m)
    return m


def sites_map(
    markers: list[Marker],
    tiles: TileSettings,
    labels: dict,
    static_url: Callable[[str], str] = default_static_url,
) -> MapParts:
    """Projects as pins; popups with name, themes and a link (built by map.js)."""
    data = {"kind": "sites", "markers": [mk.as_json() for mk in markers], "labels": labels}

    def build():
        m = base_map(tiles, markers, scroll_wheel_zoom=False)
        return render_parts(m, data, static_url)

    return remembered("sites", {"tiles": tiles, **data}, static_url, build)


# Where the map of every project opens: the Mediterranean.
MEDITERRANEAN = ([38.0, 15.0], 4)


def cluster_map(
    tiles: TileSettings,
    data: dict,
    static_url: Callable[[str], str] = default_static_url,
) -> MapParts:
    """An empty map of the Mediterranean for ``static/js/home-map.js``, which loads the
    points named in ``data`` (URLs of the layer, search and cards) and clusters them."""
    data = {"kind": "cluster", "markers": [], **data}

    def build():
        m = base_map(tiles, [], view=MEDITERRANEAN, scroll_wheel_zoom=False)
        return render_parts(m, data, static_url)

    return remembered("cluster", {"tiles": tiles, **data}, static_url, build)


def tour_map(
    markers: list[Marker],
    tiles: TileSettings,
    labels: dict,
    static_url: Callable[[str], str] = default_static_url,
    start: int | None = None,
    **options,
) -> MapParts:
    """Numbered stops joined by a line in their order (geometry only goes through folium);
    with ``start``, map.js opens at that stop's number rather than showing them all;
    ``options`` go to ``folium.Map`` (``scroll_wheel_zoom=False`` for an embedded map)."""
    data = {"kind": "tour", "markers": [mk.as_json() for mk in markers], "labels": labels}
    if start:
        data["start"] = start

    def build():
        m = base_map(tiles, markers, **options)
        if len(markers) > 1:
            folium.PolyLine(
                [[mk.lat, mk.lon] for mk in markers],
                color="#0b6e4f",
                weight=4,
                opacity=0.75,
                dash_array="6 8",
            ).add_to(m)
        return render_parts(m, data, static_url)

    return remembered("tour", {"tiles": tiles, "options": options, **data}, static_url, build)
