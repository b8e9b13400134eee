"""What a tour page costs a phone before the reader scrolls: bytes over the wire in Chromium.

Makes a fresh SQLite deployment in a temporary folder with the demo (``create_demo``: six
stops, a video with captions, a sound recording and a 360° panorama) and a **20-stop tour**
of the same team, made through the real pipeline: twenty 1600 x 1067 photos drawn by the
demo's code (``services/demo.py``) are stored and processed like uploads, and the demo's
video, panorama and recording are added to some of the stops (video at stops 2, 8 and 14,
panorama at 5, 11 and 17, sound at 10). Both tours are published.

The app runs on loopback with tiles from a loopback tile server (``tests/tile_server.py``)
through the app's tile cache. Each page opens in a fresh Chromium context (empty cache),
waits until the network is idle, and then sums ``encodedDataLength`` (the bytes received:
headers and body, compressed as sent) of every request the page made, without scrolling.
Printed per viewport (phone 390 x 844, laptop 1366 x 768) beside the page's HTML size and
the demo tour measured in the same run, with the split by kind (photos, video, map tiles,
scripts and styles).

    .venv/bin/python bench/tour_weight.py [--runs 2]

Target (issue 9): a 20-stop tour transfers under 1.5 MB before the viewer scrolls.
"""

from __future__ import annotations

import argparse
import logging
import os
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CHROMIUM = os.environ.get("TOURBUILDER_CHROMIUM", "/usr/bin/chromium")
VIEWPORTS = {"phone 390x844": (390, 844), "laptop 1366x768": (1366, 768)}
STOPS = 20


def kind_of(url: str, mime: str) -> str:
    if "/tiles/" in url:
        return "map tiles"
    if mime.startswith("video/") or mime.startswith("audio/"):
        return "video/audio"
    if "/media/" in url:
        return "photos"
    if mime.startswith("text/html"):
        return "html"
    return "scripts, styles, other"


def build(root: Path, tile_url: str):
    """The app with the demo and the 20-stop tour; returns (app, demo path, tour path)."""
    from tourbuilder import create_app
    from tourbuilder.extensions import db
    from tourbuilder.models import MediaKind
    from tourbuilder.models import TourVisibility
    from tourbuilder.services import commit
    from tourbuilder.services.demo import create_demo
    from tourbuilder.services.demo import draw_photo
    from tourbuilder.services.demo import STOPS as DEMO_STOPS
    from tourbuilder.services.demo import store_demo_file
    from tourbuilder.services.library import team_library
    from tourbuilder.services.library import update_item
    from tourbuilder.services.publishing import publish
    from tourbuilder.services.tours import add_stop
    from tourbuilder.services.tours import create_tour

    app = create_app(
        {
            "SECRET_KEY": "bench",
            "INSTANCE_PATH": str(root / "instance"),
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{root / 'tourbuilder.db'}",
            "MEDIA_ROOT": str(root / "media"),
            "JOB_QUEUE_IMMEDIATE": True,
            "TILE_URL": tile_url,
        }
    )
    with app.app_context():
        db.create_all()
        demo = create_demo()
        commit()
        team = demo.team
        extra = {item.kind: item for item in team_library(team)}
        started = time.perf_counter()
        photos = []
        for n in range(STOPS):
            spec = DEMO_STOPS[n % len(DEMO_STOPS)]
            photo = store_demo_file(
                team, draw_photo(f"Stop {n + 1}", spec["colour"], 100 + n), f"w{n}.jpg"
            )
            update_item(photo, alt_text={"es": f"Parada {n + 1}", "en": f"Stop {n + 1}"})
            photos.append(photo)
        print(f"{STOPS} photos processed in {time.perf_counter() - started:.1f} s")
        tour = create_tour(
            team, {"es": "Veinte paradas", "en": "Twenty stops"}, slug="twenty-stops",
            languages=["es", "en"],
        )  # fmt: skip
        adds = {1: MediaKind.VIDEO, 7: MediaKind.VIDEO, 13: MediaKind.VIDEO,
                4: MediaKind.PANORAMA, 10: MediaKind.PANORAMA, 16: MediaKind.PANORAMA,
                9: MediaKind.AUDIO}  # fmt: skip
        for n, photo in enumerate(photos):
            spec = DEMO_STOPS[n % len(DEMO_STOPS)]
            media = [photo.id] + ([extra[adds[n]].id] if n in adds else [])
            add_stop(
                tour,
                title={"es": f"Parada {n + 1}", "en": f"Stop {n + 1}"},
                narrative=spec["narrative"],
                lat=spec["lat"] + n / 2000,
                lon=spec["lon"],
                zoom=16,
                media_ids=media,
            )
        publish(tour, TourVisibility.PUBLIC)
        commit()
        return app, f"/tours/{demo.slug}", f"/tours/{tour.slug}"


def weigh(browser, url: str, viewport: tuple[int, int]) -> tuple[int, Counter, int]:
    """Bytes received by a fresh context loading ``url`` until the network is idle:
    (total, by kind, HTML bytes)."""
    width, height = viewport
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    requests, received = {}, {}

    def on_response(event):
        response = event["response"]
        requests[event["requestId"]] = (response["url"], response.get("mimeType", ""))

    def on_finished(event):
        received[event["requestId"]] = event["encodedDataLength"]

    cdp.on("Network.responseReceived", on_response)
    cdp.on("Network.loadingFinished", on_finished)
    page.goto(url, wait_until="networkidle")
    page.wait_for_timeout(500)  # anything a script starts after idle
    by_kind, html = Counter({"photos": 0, "video/audio": 0}), 0
    for request_id, size in received.items():
        address, mime = requests.get(request_id, ("", ""))
        by_kind[kind_of(address, mime)] += size
        if address == url:
            html = size
    context.close()
    return sum(by_kind.values()), by_kind, html


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=2, help="loads of each page (median)")
    args = parser.parse_args()

    from playwright.sync_api import sync_playwright
    from werkzeug.serving import make_server

    from tests.tile_server import TileServer

    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    for var in [v for v in os.environ if v.startswith("TOURBUILDER_")]:
        os.environ.pop(var)
    tiles = TileServer()
    with tempfile.TemporaryDirectory(prefix="tb-bench-weight-") as tmp:
        app, demo_path, tour_path = build(Path(tmp), tiles.url + "/{z}/{x}/{y}.png")
        server = make_server("127.0.0.1", 0, app, threaded=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        base = f"http://127.0.0.1:{server.server_port}"
        rows = []
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path=CHROMIUM, args=["--no-sandbox"], headless=True
                )
                for view_name, viewport in VIEWPORTS.items():
                    for name, path in (("demo tour (6 stops)", demo_path),
                                       (f"{STOPS}-stop tour", tour_path)):  # fmt: skip
                        url = base + path + "?lang=en"
                        weigh(browser, url, viewport)  # fills the tile cache and page cache
                        loads = [weigh(browser, url, viewport) for _ in range(args.runs)]
                        total = statistics.median(load[0] for load in loads)
                        rows.append((view_name, name, total, loads[-1][1], loads[-1][2]))
                browser.close()
        finally:
            server.shutdown()
            tiles.close()

    print(f"\n{'viewport':<16} {'page':<20} {'HTML':>9} {'before scroll':>14}  vs demo  split")
    demo_total = {}
    for view_name, name, total, by_kind, html in rows:
        demo_total.setdefault(view_name, total)
        split = ", ".join(f"{k} {v / 1024:.0f} KiB" for k, v in by_kind.most_common())
        print(
            f"{view_name:<16} {name:<20} {html / 1024:>7.1f} K {total / 1024**2:>11.2f} MB"
            f"  {total / demo_total[view_name]:>5.2f}x  {split}"
        )
    print("\nTarget: under 1.5 MB before the viewer scrolls (a 20-stop tour).")


if __name__ == "__main__":
    main()
