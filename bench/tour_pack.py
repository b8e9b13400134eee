"""Building the offline tour pack of the demo tour: cold, rebuilt, and downloaded again.

Makes a fresh SQLite deployment in a temporary folder with the demo tour (six stops, photos,
a video with captions, a sound recording, a 360° panorama; not timed), with
tests/tile_server.py on loopback as the tile provider (each tile answered after
``--tile-delay`` seconds, a stand-in for a real server's latency), then times:

- **cold**: an empty tile cache and no pack built: every tile fetched from the tile server;
- **rebuild**: the tour changed and published again (a stop's title), so a new pack is
  built; tiles come from the tile cache, panorama scripts from the per-file cache;
- **again**: the same pack asked for again ("download again"): the built zip is reused.

It prints the time of each, the zip's size, the tiles and media files in it, the tile
server's requests, and the ratios rebuild/cold and again/cold.

    .venv/bin/python bench/tour_pack.py [--tile-delay 0.05] [--max-zoom Z]

Goal (issue 11): cold under 30 s on this machine.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tile-delay", type=float, default=0.05)
    parser.add_argument("--max-zoom", type=int, default=None)
    args = parser.parse_args()

    from sqlalchemy import select

    from tests.tile_server import TileServer
    from tourbuilder import create_app
    from tourbuilder.extensions import db
    from tourbuilder.models import Tour
    from tourbuilder.services import commit
    from tourbuilder.services import pack_build
    from tourbuilder.services import publishing
    from tourbuilder.services import tour_pack
    from tourbuilder.services.demo import create_demo

    tiles = TileServer()
    tiles.delay = args.tile_delay
    with tempfile.TemporaryDirectory(prefix="tb-bench-pack-") as folder:
        root = Path(folder)
        app = create_app(
            {
                "SECRET_KEY": "bench",
                "INSTANCE_PATH": str(root / "instance"),
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{root / 'tourbuilder.db'}",
                "MEDIA_ROOT": str(root / "media"),
                "JOB_QUEUE_IMMEDIATE": True,
                "TILE_URL": tiles.url + "/{z}/{x}/{y}.png",
                "PUBLIC_URL": "https://tours.example.org",
            }
        )
        with app.app_context():
            db.create_all()
            started = time.perf_counter()
            create_demo()
            commit()
            print(f"demo tour made in {time.perf_counter() - started:.1f} s (not timed below)")
            tour = db.session.scalar(select(Tour).where(Tour.slug == "sevilla-solidaria"))
            url = "https://tours.example.org/tours/sevilla-solidaria"

            def build(label: str):
                requests_before = len(tiles.requests)
                started = time.perf_counter()
                plan = tour_pack.plan_pack(tour, max_zoom=args.max_zoom, public_url=url)
                result = pack_build.build_pack(plan)
                seconds = time.perf_counter() - started
                fetched = len(tiles.requests) - requests_before
                area = plan.area
                print(
                    f"{label:<8} {seconds:7.2f} s  {result.size / 1e6:6.1f} MB  "
                    f"{area.count} tiles (zoom {area.min_zoom}-{area.max_zoom})  "
                    f"{len(plan.media)} media files  {fetched} tile requests  "
                    f"{'reused' if result.reused else 'built'}"
                )
                return seconds

            cold = build("cold")
            tour.stops[0].title = {**tour.stops[0].title, "en": "A changed title"}
            db.session.flush()
            publishing.publish(tour, tour.visibility)
            commit()
            rebuild = build("rebuild")
            again = build("again")
            print(f"rebuild/cold: {rebuild / cold:.2f}   again/cold: {again / cold:.3f}")
            print(f"goal: cold under 30 s: {'met' if cold < 30 else 'NOT met'}")
    tiles.close()


if __name__ == "__main__":
    main()
