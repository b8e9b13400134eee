"""The tile cache against a real loopback tile server: hits and misses, expiry and
revalidation, stale tiles when the server fails, eviction under the size limit with many
threads, and no open proxy (hostile coordinates, other hosts, redirects, odd answers)."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.tile_server import tile_png
from tests.tile_server import TileServer
from tourbuilder import tiles
from tourbuilder.tile_store import TileStore


@pytest.fixture(scope="module")
def upstream():
    server = TileServer()
    yield server
    server.close()


@pytest.fixture
def server(upstream):
    upstream.reset()
    yield upstream
    upstream.reset()


def make_cache(tmp_path, server, **options) -> tiles.TileCache:
    settings = tiles.CacheSettings(
        upstream=server.template, directory=str(tmp_path / "tiles"), **options
    )
    return tiles.TileCache(settings)


def test_a_tile_is_fetched_once_then_served_from_the_cache(tmp_path, server):
    cache = make_cache(tmp_path, server)
    first = cache.get(3, 4, 2)
    again = cache.get(3, 4, 2)
    assert first.data == again.data == server.tile
    assert first.content_type == "image/png"
    assert server.requests == ["/3/4/2.png"]
    assert server.request_headers[0]["User-Agent"] == tiles.DEFAULT_USER_AGENT
    # a new cache on the same folder (a restart) still has it
    assert make_cache(tmp_path, server).fetch(3, 4, 2) == server.tile
    assert len(server.requests) == 1


def test_expiry_follows_the_servers_cache_headers_within_bounds(tmp_path, server):
    cache = make_cache(tmp_path, server, min_age=60, max_age=3600)
    server.headers = {"Cache-Control": "public, max-age=600"}
    assert 590 < cache.get(1, 0, 0).max_age() <= 600
    server.headers = {"Cache-Control": "max-age=99999999"}
    assert cache.get(1, 1, 0).max_age() <= 3600
    server.headers = {"Cache-Control": "max-age=0"}
    assert 50 < cache.get(1, 0, 1).max_age() <= 60


def test_an_expired_tile_is_revalidated_with_its_etag(tmp_path, server):
    cache = make_cache(tmp_path, server, min_age=0, max_age=0)
    server.headers = {"ETag": '"v1"'}
    cache.get(2, 1, 1)
    tile = cache.get(2, 1, 1)  # expired at once: asks again, conditionally
    assert tile.data == server.tile
    assert len(server.requests) == 2
    assert server.request_headers[1].get("If-None-Match") == '"v1"'


def test_a_stale_tile_is_served_when_the_server_fails(tmp_path, server):
    cache = make_cache(tmp_path, server, min_age=0, max_age=0)
    cache.get(4, 3, 3)
    server.status = 500
    tile = cache.get(4, 3, 3)
    assert tile.stale and tile.data == server.tile
    assert tile.max_age() == 60  # browsers ask again soon
    # and a tile never cached fails at once (the server failed a moment ago)
    before = len(server.requests)
    with pytest.raises(tiles.TileUnavailable) as failure:
        cache.get(4, 3, 4)
    assert failure.value.status == 502
    assert len(server.requests) == before


def test_a_dead_server_fails_fast(tmp_path):
    settings = tiles.CacheSettings(
        upstream="http://127.0.0.1:9/{z}/{x}/{y}.png", directory=str(tmp_path)
    )
    cache = tiles.TileCache(settings)
    started = time.monotonic()
    for x in range(8):
        with pytest.raises(tiles.TileUnavailable):
            cache.get(3, x, 0)
    assert time.monotonic() - started < 3


def test_a_slow_server_times_out_with_504(tmp_path, server):
    server.delay = 1.5
    cache = make_cache(tmp_path, server, timeout=0.5)
    with pytest.raises(tiles.TileTimeout) as failure:
        cache.get(5, 1, 1)
    assert failure.value.status == 504


@pytest.mark.parametrize(
    "change",
    [
        {"content_type": "text/html", "body": b"<script>alert(1)</script>"},
        {"content_type": "image/svg+xml", "body": b"<svg/>"},
        {"content_type": "application/octet-stream"},
        {"body": b"x" * (64 * 1024 + 1)},
        {"redirect": "http://127.0.0.1:9/elsewhere.png"},
        {"status": 403},
    ],
    ids=["html", "svg", "octet-stream", "too-large", "redirect", "forbidden"],
)
def test_only_real_tiles_are_kept(tmp_path, server, change):
    for name, value in change.items():
        setattr(server, name, value)
    cache = make_cache(tmp_path, server, upstream_max_bytes=64 * 1024)
    with pytest.raises(tiles.TileUnavailable):
        cache.get(6, 10, 20)
    assert cache.store.total_bytes == 0
    assert not list((tmp_path / "tiles").rglob("*.tile"))


def test_the_servers_404_is_a_404(tmp_path, server):
    server.status = 404
    with pytest.raises(tiles.TileNotFound):
        make_cache(tmp_path, server).get(2, 0, 0)


@pytest.mark.parametrize(
    "zxy",
    [
        (-1, 0, 0),
        (20, 0, 0),
        (2, 4, 0),
        (2, 0, 4),
        (2, -1, 0),
        (10**30, 0, 0),
        (3, 10**30, 1),
        ("1", "0", "0"),
        (1.0, 0, 0),
        ("../../etc", 0, 0),
    ],
)
def test_coordinates_outside_the_grid_never_reach_the_server(tmp_path, server, zxy):
    with pytest.raises(tiles.TileNotFound):
        make_cache(tmp_path, server).get(*zxy)
    assert server.requests == []


def test_concurrent_requests_for_one_tile_fetch_it_once(tmp_path, server):
    server.delay = 0.3
    cache = make_cache(tmp_path, server)
    with ThreadPoolExecutor(12) as pool:
        results = list(pool.map(lambda _: cache.fetch(7, 64, 42), range(12)))
    assert all(r == server.tile for r in results)
    assert server.requests == ["/7/64/42.png"]


def test_the_size_limit_holds_under_load(tmp_path, server):
    tile_bytes = len(server.tile) + 120  # the picture and its facts
    limit = tile_bytes * 20
    cache = make_cache(tmp_path, server, max_bytes=limit)
    keys = [(8, x, y) for x in range(10) for y in range(10)]

    def size_on_disk():
        total = 0
        for path in (tmp_path / "tiles").rglob("*.*"):
            try:
                total += path.stat().st_size
            except FileNotFoundError:
                pass  # evicted while we looked
        return total

    def fetch(key):
        cache.get(*key)
        return size_on_disk()

    with ThreadPoolExecutor(8) as pool:
        sizes = list(pool.map(fetch, keys))
    on_disk = size_on_disk()
    assert on_disk <= limit
    assert cache.store.total_bytes == on_disk
    assert max(sizes) <= limit + 8 * tile_bytes  # temporary files of tiles being written
    assert len(list((tmp_path / "tiles").rglob("*.tile"))) >= 15


def test_least_recently_used_tiles_go_first(tmp_path):
    store = TileStore(tmp_path, max_bytes=3 * 1100)
    blob = b"x" * 1000
    for y in range(3):
        store.put((5, 0, y), blob, {"type": "image/png"})
    assert store.get((5, 0, 0)) is not None  # used again: now the most recent
    store.put((5, 0, 3), blob, {"type": "image/png"})
    assert store.get((5, 0, 1)) is None
    assert all(store.get((5, 0, y)) is not None for y in (0, 2, 3))
    # the order survives a restart
    restarted = TileStore(tmp_path, max_bytes=3 * 1100)
    restarted.get((5, 0, 2))
    time.sleep(0.01)
    restarted.put((5, 0, 4), blob, {"type": "image/png"})
    assert restarted.get((5, 0, 2)) is not None


def test_tiles_in_bbox_cover_seville(tmp_path):
    # the demo tour: central Seville
    found = list(tiles.tiles_in_bbox(37.37, -6.01, 37.40, -5.98, 12, 14))
    assert (12, 1979, 1594) in found or any(z == 12 for z, _x, _y in found)
    for z, x, y in found:
        tiles.check_coordinates(z, x, y, 19)
    per_zoom = {z: sum(1 for t in found if t[0] == z) for z in (12, 13, 14)}
    assert per_zoom[12] <= per_zoom[13] <= per_zoom[14]
    assert tiles.count_tiles(-90, -180, 90, 180, 0, 2) == 1 + 4 + 16
    assert tiles.count_tiles(37.37, -6.01, 37.40, -5.98, 12, 14) == len(found)
    assert tiles.count_tiles(-90, -180, 90, 180, 0, 20) > 10**12  # counted, not listed
    with pytest.raises(ValueError):
        list(tiles.tiles_in_bbox(40, 0, 30, 1, 0, 3))
    with pytest.raises(ValueError):
        tiles.count_tiles(0, 0, 1, 1, 0, 10**6)


def test_tiles_in_bbox_across_the_antimeridian():
    found = set(tiles.tiles_in_bbox(-10, 170, 10, -170, 3, 3))
    assert {x for _z, x, _y in found} == {7, 0}


def test_the_upstream_url_is_built_from_integers_only():
    url = tiles.upstream_url("https://{s}.tile.example.org/{z}/{x}/{y}{r}.png", 3, 1, 2)
    assert url == "https://a.tile.example.org/3/1/2.png"


def test_keyed_locks_are_released():
    locks = tiles.KeyedLocks()
    with locks.hold("a"):
        pass
    assert locks._locks == {}
    done = threading.Event()

    def other_key():
        with locks.hold("b"):
            done.set()

    with locks.hold("a"):
        threading.Thread(target=other_key).start()
        assert done.wait(2)  # another key is not blocked


def test_tile_png_differs_by_seed():
    assert tile_png(1) != tile_png(2)
