"""tourbuilder.maps: local assets only, and user text reaches a map only as escaped JSON."""

from __future__ import annotations

import json
import re

import folium
import pytest
from folium.folium import _default_css
from folium.folium import _default_js

from tourbuilder import maps
from tourbuilder.config import DEFAULTS
from tourbuilder.config import PROJECT_ROOT

TILES = maps.TileSettings(
    "http://127.0.0.1:9/{z}/{x}/{y}.png", DEFAULTS["TILE_ATTRIBUTION"], DEFAULTS["TILE_MAX_ZOOM"]
)
HOSTILE = [
    "${alert(1)}",
    "</script><script>alert(2)</script>",
    '"><img src=x onerror=alert(3)>',
    "line\u2028separator\u2029paragraph",
    "`backticks` and ${`nested`}",
    "&amp; &lt;b&gt; <!--",
]
URL = re.compile(r"https?://[^\s\"'<>\\]+")
DATA = re.compile(r'<script type="application/json" class="tb-map-data">(.*?)</script>', re.S)


def markers(titles):
    return [
        maps.Marker(round(37.38 + i / 100, 5), -5.99, title, subtitle=title, number=i + 1)
        for i, title in enumerate(titles)
    ]


def page_of(parts: maps.MapParts) -> str:
    return "\n".join([parts.header, parts.html, parts.data, parts.script])


@pytest.mark.parametrize("url", [url for _name, url in _default_js + _default_css])
def test_every_folium_default_asset_is_vendored(url):
    local = maps.local_asset_url(url)
    assert local.startswith("/static/vendor/")
    built = PROJECT_ROOT / "static" / local.removeprefix("/static/")
    assert built.is_file(), f"{built} missing: run `make assets`"


def test_vendored_versions_are_recorded():
    versions = json.loads((PROJECT_ROOT / "static/vendor/VERSIONS.json").read_text())
    by_folder = {entry["folder"]: entry for entry in versions}
    assert by_folder["leaflet"]["version"] == "1.9.4"
    for entry in versions:
        assert entry["licence"] and entry["version"] and entry["files"]
        for name in entry["files"]:
            assert (PROJECT_ROOT / "static/vendor" / name).is_file()


def test_an_unknown_external_asset_raises():
    m = maps.base_map(TILES, [])

    class Plugin(folium.MacroElement):
        default_js = [("evil", "https://cdn.example.org/evil.js")]

    Plugin().add_to(m)
    with pytest.raises(maps.ExternalAssetError, match="evil.js"):
        maps.render_parts(m, {})


def test_localising_leaves_folium_class_lists_alone():
    maps.tour_map(markers(["a", "b"]), TILES, {})
    assert folium.Map.default_js[0][1].startswith("https://")


def test_rendered_map_has_no_url_but_tiles_and_attribution():
    parts = maps.tour_map(markers(["a", "b", "c"]), TILES, {"stop": "Stop"})
    found = set(URL.findall(page_of(parts)))
    assert found == {TILES.url, "https://www.openstreetmap.org/copyright"}
    assert 'src="/static/vendor/leaflet/dist/leaflet.js"' in parts.header
    assert "bootstrap" not in parts.header  # its CSS would restyle the page


def test_all_libraries_can_be_kept_and_stay_local():
    m = maps.base_map(TILES, [])
    parts = maps.render_parts(m, {}, libraries=None)
    assert "bootstrap.min.css" in parts.header
    assert not URL.findall(parts.header)


def test_sites_map_uses_the_tile_settings():
    parts = maps.sites_map(markers(["x"]), TILES, {})
    assert json.dumps(TILES.url) in parts.script
    assert '"maxZoom": 19' in parts.script


def test_every_map_knows_where_its_built_in_basemap_is():
    """map.js draws it when tiles fail: local, vendored files (make assets), small enough."""
    parts = maps.tour_map(markers(["x"]), TILES, {})
    data = json.loads(DATA.search(str(parts.data)).group(1))
    assert data["basemap"] == {
        "atlas": "/static/vendor/world-atlas/countries-110m.json",
        "client": "/static/vendor/topojson-client/dist/topojson-client.min.js",
    }
    for path in maps.BASEMAP.values():
        file = PROJECT_ROOT / "static" / path
        assert file.is_file(), f"{file}: run make assets"
        assert file.stat().st_size < 200 * 1024
    atlas = json.loads((PROJECT_ROOT / "static" / maps.BASEMAP["atlas"]).read_text())
    assert {"land", "countries"} <= set(atlas["objects"])


def test_pages_can_point_tiles_at_the_tile_cache():
    config = {**DEFAULTS}
    local = maps.TileSettings.from_config(config, "/tiles/{z}/{x}/{y}.png")
    assert local.url == "/tiles/{z}/{x}/{y}.png"
    assert local.attribution == DEFAULTS["TILE_ATTRIBUTION"]  # still the provider's
    assert maps.TileSettings.from_config(config).url == DEFAULTS["TILE_URL"]


@pytest.mark.parametrize("render", [maps.tour_map, maps.sites_map])
def test_hostile_titles_reach_the_page_only_as_escaped_json(render):
    parts = render(markers(HOSTILE), TILES, {"more": "</script><b>"})
    page = page_of(parts)
    code = "\n".join([parts.header, parts.html, parts.script])
    for title in HOSTILE:
        assert title not in code  # no user text in anything a browser runs
        assert str(maps.json_for_script(title)) in parts.data  # only as JSON, escaped
    assert "${" not in parts.script and "alert" not in parts.script
    assert parts.data.count("</script>") == 1  # the JSON element's own end
    (payload,) = DATA.findall(page)
    for char in "<>&\u2028\u2029":
        assert char not in payload
    data = json.loads(payload)
    assert data["map"] == parts.name
    assert [m["title"] for m in data["markers"]] == HOSTILE
    assert data["labels"]["more"] == "</script><b>"


def test_json_for_script_escapes_what_could_end_the_element():
    text = maps.json_for_script({"t": "</script>&<!--\u2028"})
    assert str(text) == '{"t":"\\u003c/script\\u003e\\u0026\\u003c!--\\u2028"}'
    assert json.loads(str(text)) == {"t": "</script>&<!--\u2028"}


def test_tour_map_joins_stops_in_order():
    parts = maps.tour_map(markers(["a", "b", "c"]), TILES, {})
    assert "L.polyline" in parts.script
    assert "[[37.38, -5.99], [37.39, -5.99], [37.4, -5.99]]" in parts.script
    data = json.loads(DATA.findall(parts.data)[0])
    assert [m["number"] for m in data["markers"]] == [1, 2, 3]
