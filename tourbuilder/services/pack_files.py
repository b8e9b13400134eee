"""The files of an offline tour pack besides its pages: which static files and media the
pages refer to, and the few files made for ``file://`` (where a page may load scripts,
styles, pictures and videos by relative address, but may not fetch or XHR anything).

- :class:`PackUrls` gives the presentation's renderer relative addresses and records every
  static file and media derivative asked for, so the pack holds exactly those.
- :func:`static_files` adds what stylesheets load (``url(...)``: Leaflet's images, fonts).
- The built-in basemap's TopoJSON becomes a script that sets ``window.tourbuilderAtlas``
  (static/js/map.js loads it as a script); a panorama's image becomes a script that sets
  ``window.tourbuilderPanoramaImages[src]`` to a ``data:`` URL, because Pannellum reads its
  image with XHR and WebGL refuses pictures of another origin (every file is one, in
  ``file://``).

No Flask here.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path
from urllib.parse import unquote
from urllib.parse import urlsplit

from ..maps import BASEMAP

ASSETS = "assets/"
MEDIA = "media/"
TILES_TEMPLATE = "tiles/{z}/{x}/{y}.png"
#: the atlas as a script: same folder and name as the vendored JSON, ``.js`` at the end
ATLAS_SCRIPT = BASEMAP["atlas"].removesuffix(".json") + ".js"
_CSS_URL = re.compile(r"""url\(\s*(['"]?)([^'")]+)\1\s*\)""")
_SAFE_NAME = re.compile(r"^[A-Za-z0-9._-]+$")
_ASSET_REF = re.compile(r"(?<![\w/.-])assets/([A-Za-z0-9_@%+./-]+)")


def media_name(item_id: int, derivative: str) -> str:
    """A derivative's path in the pack: ``media/<item id>-<derivative name>``."""
    if not _SAFE_NAME.match(derivative) or derivative.startswith("."):
        raise ValueError(f"unexpected derivative name {derivative!r}")
    return f"{MEDIA}{int(item_id)}-{derivative}"


def panorama_script(path: str) -> str:
    """The script beside a panorama image of the pack that holds it as a ``data:`` URL."""
    return path + ".js"


@dataclass
class PackUrls:
    """Relative addresses for pages at the root of the pack; records what they use.

    ``static(path)``, ``media(item, derivative)``, ``tiles_template`` and ``page(name)``
    follow :class:`tourbuilder.services.presenting.PresentUrls`. Static files are taken
    from the pages themselves (:func:`referenced_statics`): folium asks for the address of
    libraries the map then leaves out.
    """

    media_files: dict = field(default_factory=dict)  # pack path -> (item, derivative name)
    tiles_template: str = TILES_TEMPLATE
    #: ``read(item, derivative) -> bytes``, for captions: Chromium refuses a <track> from
    #: another origin, and every file:// file is one, so WebVTT goes inline as data: URLs
    read: Callable | None = None

    def static(self, path: str) -> str:
        if path == BASEMAP["atlas"]:
            return ASSETS + ATLAS_SCRIPT  # written by atlas_script(), not copied
        return ASSETS + path

    def media(self, item, derivative: str) -> str:
        if derivative.endswith(".vtt") and self.read is not None:
            encoded = base64.b64encode(self.read(item, derivative)).decode("ascii")
            return f"data:text/vtt;base64,{encoded}"
        path = media_name(item.id, derivative)
        self.media_files[path] = (item, derivative)
        return path

    def page(self, name: str) -> str:
        # "exit" (where Esc leads at the end): nowhere, inside a pack
        return {"audience": "index.html", "presenter": "presenter.html"}.get(name, "")


def referenced_statics(pages) -> set[str]:
    """Paths under ``static/`` that the pages' HTML (attributes and inlined JSON) name."""
    found = set()
    for html in pages:
        found.update(match.rstrip(".") for match in _ASSET_REF.findall(html))
    return found - {ATLAS_SCRIPT}


def _inside(root: Path, relative: str) -> Path | None:
    path = (root / relative).resolve()
    return path if path.is_file() and path.is_relative_to(root.resolve()) else None


def static_files(static_root: Path, paths: set[str]) -> dict[str, Path]:
    """``{path under static/: file}`` for ``paths`` and every file their stylesheets load
    by relative ``url()`` (recursively). Missing files and addresses outside ``static/``
    are left out (the pack test checks each page's references exist)."""
    found: dict[str, Path] = {}
    todo = sorted(paths)
    while todo:
        relative = todo.pop()
        if relative in found:
            continue
        path = _inside(static_root, relative)
        if path is None:
            continue
        found[relative] = path
        if path.suffix == ".css":
            base = Path(relative).parent
            for _quote, url in _CSS_URL.findall(path.read_text("utf-8", errors="replace")):
                parts = urlsplit(url)
                if parts.scheme or parts.netloc or url.startswith(("#", "/")):
                    continue  # data: URLs, VML behaviours, absolute addresses
                normal = _normalise((base / unquote(parts.path)).as_posix())
                if normal:
                    todo.append(normal)
    return found


def _normalise(path: str) -> str:
    parts: list[str] = []
    for part in path.split("/"):
        if part == "..":
            if not parts:
                return ""
            parts.pop()
        elif part not in ("", "."):
            parts.append(part)
    return "/".join(parts)


def atlas_script(static_root: Path) -> bytes:
    """The built-in basemap's TopoJSON as a script setting ``window.tourbuilderAtlas``."""
    text = (static_root / BASEMAP["atlas"]).read_text("utf-8")
    json.loads(text)  # a broken vendored file fails the build, not the projector
    return b"window.tourbuilderAtlas = " + text.strip().encode("utf-8") + b";\n"


def data_url_script(path: str, data: bytes, mime: str = "image/jpeg") -> bytes:
    """A script registering ``data`` under ``path`` in ``window.tourbuilderPanoramaImages``."""
    encoded = base64.b64encode(data).decode("ascii")
    return (
        "(window.tourbuilderPanoramaImages = window.tourbuilderPanoramaImages || {})"
        f'[{json.dumps(path)}] = "data:{mime};base64,{encoded}";\n'
    ).encode("ascii")
