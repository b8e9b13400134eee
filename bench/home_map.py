"""The map of every project with 10,000 public sites, against two folium pages.

Makes a fresh SQLite deployment in a temporary folder (``tourbuilder demo --sites N``), runs
the real server (``tourbuilder serve``, waitress) on loopback with a loopback tile server,
and loads four pages in headless Chromium, each in a fresh browser context (empty cache):

- **home**: our home page (``/``): it draws the overview the page carries, while a Web
  Worker downloads the GeoJSON layer and clusters it with supercluster;
- **folium markers**: a page built in this run by folium with one ``folium.Marker`` per site;
- **folium MarkerCluster**: the same with folium's ``MarkerCluster`` plugin;
- **empty Leaflet map**: a folium map without any marker that loads only Leaflet (not
  folium's jQuery, Bootstrap and Font Awesome), the floor: no Leaflet page can be
  interactive sooner on this machine, so MarkerCluster's time over this one is the largest
  ratio any Leaflet page could reach.

The folium pages use the same 10,000 positions and the vendored Leaflet files (no CDN).
"Interactive" is the first animation frame after the map has its markers: for our page when
home-map.js says ``tourbuilder:home-ready`` (the projects are on the map and it answers
the reader), for the folium pages after ``DOMContentLoaded`` (their markers are added by the
page's own script before it; the ``load`` event would also wait for the tiles). For ours,
"indexed" is when the worker has indexed the whole layer (``tourbuilder:home-loaded``: the
filters and search answer). Each page is loaded ``--runs`` times; the median is reported
with the HTML size, the server time to build the page and, for ours, the GeoJSON's
gzipped size per site.

    .venv/bin/python bench/home_map.py [--sites 10000] [--runs 5] [--no-markers]

Targets (issue 9): home interactive in under 1 s; page HTML under 50 KB; GeoJSON under 25
bytes per site gzipped; at least 4x faster than the MarkerCluster page.
"""

from __future__ import annotations

import argparse
import gzip
import io
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from functools import partial
from http.server import BaseHTTPRequestHandler
from http.server import SimpleHTTPRequestHandler
from http.server import ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
CHROMIUM = os.environ.get("TOURBUILDER_CHROMIUM", "/usr/bin/chromium")

# Marks the first frame after the page's map is complete (see the module docstring).
MARK_SCRIPT = """
(() => {
  const done = () => requestAnimationFrame(() => { window.__interactive = performance.now(); });
  if (location.pathname === "/") {
    document.addEventListener("tourbuilder:home-ready", done);
    document.addEventListener("tourbuilder:home-loaded", () => {
      window.__indexed = performance.now();
    });
  } else {
    document.addEventListener("DOMContentLoaded", () => {
      done();
      window.__indexed = null;
    });
  }
})();
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def tile_png() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (256, 256), (238, 234, 224)).save(out, "PNG")
    return out.getvalue()


def start_tile_server() -> str:
    tile = tile_png()

    class Tiles(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (http.server's name)
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.send_header("Content-Length", str(len(tile)))
            self.end_headers()
            try:
                self.wfile.write(tile)
            except (BrokenPipeError, ConnectionResetError):
                pass

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Tiles)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_port}"


def serve_folder(folder: Path) -> str:
    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(Quiet, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_port}"


def wait_for(url: str, seconds: float = 180) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=1).read()
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"server did not answer at {url}")


def folium_pages(points, app_url: str, tile_url: str, out: Path, markers: bool = True) -> dict:
    """The folium baselines (without ``markers``, not the one with a Marker per site) and
    the empty map, written to ``out``; returns {name: (file, build seconds)}."""
    import folium
    from folium.plugins import MarkerCluster

    from tourbuilder import maps

    def static(filename):
        return f"{app_url}/static/{filename}"

    built = {}
    kinds = (
        ("folium markers", False, points),
        ("folium MarkerCluster", True, points),
        ("empty Leaflet map", False, []),
    )
    for name, clustered, where in kinds if markers else kinds[1:]:
        start = time.perf_counter()
        m = folium.Map(location=[38, 15], zoom_start=4, tiles=None)
        folium.TileLayer(tiles=tile_url, attr="test tiles").add_to(m)
        target = MarkerCluster().add_to(m) if clustered else m
        for lat, lon in where:
            folium.Marker([lat, lon]).add_to(target)
        # folium's pages load what folium loads; the empty map only Leaflet, as ours do
        maps.localise_assets(m, static, libraries=maps.MAP_LIBRARIES if not where else None)
        html = m.get_root().render()
        seconds = time.perf_counter() - start
        path = out / (name.replace(" ", "-") + ".html")
        path.write_text(html)
        built[name] = (path.name, seconds)
    return built


def load_times(browser, url: str, runs: int) -> tuple[list[float], list[float]]:
    """Seconds to interactive and (our page only) to indexed, one of each per run."""
    times, indexed = [], []
    for _ in range(runs):
        context = browser.new_context(viewport={"width": 1366, "height": 768})
        context.add_init_script(MARK_SCRIPT)
        page = context.new_page()
        page.goto(url, wait_until="commit")
        page.wait_for_function(
            "() => window.__interactive !== undefined && window.__indexed !== undefined",
            timeout=120_000,
        )
        interactive, index = page.evaluate("() => [window.__interactive, window.__indexed]")
        times.append(interactive / 1000)
        if index is not None:
            indexed.append(index / 1000)
        context.close()
    return times, indexed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sites", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument(
        "--no-markers",
        action="store_true",
        help="leave out the page with one folium.Marker per site (over 30 s a load when busy)",
    )
    args = parser.parse_args()

    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="tb-bench-home-") as tmp:
        tmp = Path(tmp)
        tile_url = start_tile_server() + "/{z}/{x}/{y}.png"
        env = {
            **os.environ,
            "TOURBUILDER_INSTANCE_PATH": str(tmp / "instance"),
            "TOURBUILDER_MEDIA_ROOT": str(tmp / "media"),
            "TOURBUILDER_TILE_URL": tile_url,
        }
        env.pop("TOURBUILDER_DATABASE_URL", None)
        tb = str(BIN / "tourbuilder")
        subprocess.run([tb, "db", "upgrade"], env=env, check=True, capture_output=True)
        start = time.perf_counter()
        subprocess.run(
            [tb, "demo", "--sites", str(args.sites)], env=env, check=True, capture_output=True
        )
        print(f"demo with {args.sites} sites made in {time.perf_counter() - start:.1f} s")
        port = free_port()
        server = subprocess.Popen(
            [tb, "serve", "--port", str(port)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        app_url = f"http://127.0.0.1:{port}"
        try:
            wait_for(app_url + "/healthz")
            request = urllib.request.Request(
                app_url + "/api/v1/sites.geojson?lang=en", headers={"Accept-Encoding": "gzip"}
            )
            start = time.perf_counter()
            packed = urllib.request.urlopen(request).read()
            first_layer = time.perf_counter() - start
            layer = json.loads(gzip.decompress(packed))
            count = len(layer["features"])
            points = [tuple(reversed(f["geometry"]["coordinates"])) for f in layer["features"]]
            start = time.perf_counter()
            home_html = urllib.request.urlopen(app_url + "/?lang=en").read()
            home_build = time.perf_counter() - start

            pages = tmp / "pages"
            pages.mkdir()
            baselines = folium_pages(points, app_url, tile_url, pages, not args.no_markers)
            pages_url = serve_folder(pages)

            rows = [("home (ours)", app_url + "/?lang=en", len(home_html), home_build)]
            for name, (file, seconds) in baselines.items():
                rows.append((name, f"{pages_url}/{file}", (pages / file).stat().st_size, seconds))

            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path=CHROMIUM, args=["--no-sandbox"], headless=True
                )
                results = {}
                for name, url, size, build in rows:
                    load_times(browser, url, 1)  # warm the server's and the OS's caches
                    times, indexed = load_times(browser, url, args.runs)
                    results[name] = (size, build, statistics.median(times), times, indexed)
                browser.close()
        finally:
            server.terminate()
            server.wait()

    print(
        f"\n{count} public sites; GeoJSON layer {len(packed):,} bytes gzipped "
        f"= {len(packed) / count:.1f} bytes per site (first build {first_layer * 1000:.0f} ms)"
    )
    print(f"\n{'page':<22} {'HTML':>12} {'server build':>13} {'interactive (median)':>21}  runs")
    for name, (size, build, median, times, _) in results.items():
        runs = ", ".join(f"{t:.2f}" for t in times)
        kib, ms = size / 1024, build * 1000
        print(f"{name:<22} {kib:>9.1f} KB {ms:>10.0f} ms {median:>19.3f} s  {runs}")
    ours = results["home (ours)"][2]
    indexed = results["home (ours)"][4]
    print(
        f"\nhome: whole layer indexed in the worker after {statistics.median(indexed):.3f} s "
        f"(median; {', '.join(f'{t:.2f}' for t in indexed)})"
    )
    for name in [n for n in ("folium markers", "folium MarkerCluster") if n in results]:
        print(f"home is {results[name][2] / ours:.1f}x faster to interactive than {name}")
    floor = results["empty Leaflet map"][2]
    print(
        f"an empty Leaflet map is {results['folium MarkerCluster'][2] / floor:.1f}x faster than "
        f"folium MarkerCluster: the most any Leaflet page could reach here "
        f"(home takes {ours / floor:.2f}x the empty map's time)"
    )


if __name__ == "__main__":
    main()
