"""Changes to a tour's stops made at the same moment, by real threads over real HTTP, on
both databases: each is atomic and they queue per tour, so no order nobody sent, no
duplicated or missing position, and a delete that lost the race is 404, never a 500."""

from __future__ import annotations

import random
import threading

import pytest
import requests

from tourbuilder.extensions import db
from tourbuilder.models import Site
from tourbuilder.models import Stop
from tourbuilder.models import Tour

V1 = "/api/v1"
pytestmark = pytest.mark.real_db  # a live server: requests on connections of their own


@pytest.fixture
def world(committed_world):
    return committed_world


STOPS = 20


@pytest.fixture
def tour(app, make, world):
    tour = make.tour(world.team, stops=STOPS)
    with app.app_context():
        return tour.id, [s.id for s in db.session.get(Tour, tour.id).stops]


def at_once(calls):
    """Run every ``call()`` on its own thread, released together; their results in order."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(n, call):
        barrier.wait()
        results[n] = call()

    threads = [threading.Thread(target=run, args=(n, c)) for n, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


def request(live, world, method, path, **kwargs):
    headers = {"Authorization": f"Bearer {world.tokens['editor']}"}
    return lambda: (
        requests.request(method, live.url + path, headers=headers, timeout=60, **kwargs).status_code
    )


def stored_order(app, tour_id) -> list[tuple[int, int]]:
    """``(position, stop id)`` of the tour's stops as the database has them."""
    with app.app_context():
        rows = db.session.execute(
            db.select(Stop.position, Stop.id).where(Stop.tour_id == tour_id).order_by(Stop.id)
        ).all()
    return sorted((position, stop_id) for position, stop_id in rows)


def test_simultaneous_reorders_leave_one_of_the_orders_sent(app, live, world, tour):
    tour_id, stop_ids = tour
    orders = [random.Random(seed).sample(stop_ids, len(stop_ids)) for seed in range(10)]
    path = f"{V1}/tours/{tour_id}/stops/order"
    statuses = at_once([request(live, world, "PUT", path, json=order) for order in orders])
    assert statuses == [200] * 10
    stored = stored_order(app, tour_id)
    assert [position for position, _ in stored] == list(range(STOPS))
    assert [stop_id for _, stop_id in stored] in orders


def test_simultaneous_deletes_of_different_stops_all_succeed(app, live, world, tour):
    tour_id, stop_ids = tour
    calls = [request(live, world, "DELETE", f"{V1}/tours/{tour_id}/stops/{s}") for s in stop_ids]
    assert at_once(calls) == [200] * STOPS  # each answers the deleted stop (for undo)
    assert stored_order(app, tour_id) == []


def test_simultaneous_deletes_of_one_stop_one_wins_the_rest_are_404(app, live, world, tour):
    tour_id, stop_ids = tour
    path = f"{V1}/tours/{tour_id}/stops/{stop_ids[3]}"
    statuses = at_once([request(live, world, "DELETE", path) for _ in range(10)])
    assert sorted(statuses) == [200] + [404] * 9
    stored = stored_order(app, tour_id)
    assert [position for position, _ in stored] == list(range(STOPS - 1))


def test_simultaneous_adds_deletes_and_edits_keep_positions_whole(app, live, world, tour):
    tour_id, stop_ids = tour
    base = f"{V1}/tours/{tour_id}/stops"
    calls = [request(live, world, "POST", base, json={"title": f"New {n}"}) for n in range(8)]
    calls += [request(live, world, "DELETE", f"{base}/{s}") for s in stop_ids[:8]]
    calls += [request(live, world, "PATCH", f"{base}/{s}", json={"zoom": 12}) for s in stop_ids[:4]]
    statuses = at_once(calls)
    assert 500 not in statuses
    assert statuses[:8] == [201] * 8 and statuses[8:16] == [200] * 8
    assert all(status in (200, 404) for status in statuses[16:])  # edited, or deleted first
    stored = stored_order(app, tour_id)
    assert [position for position, _ in stored] == list(range(STOPS))


@pytest.mark.parametrize("kind", ["stop", "tour", "site"])
def test_simultaneous_changes_with_the_same_version_one_wins_the_rest_are_409(
    app, live, world, tour, kind
):
    """Editors who all loaded version 1 and save at once: the database lets one through."""
    tour_id, stop_ids = tour
    path, field, model, ident = {
        "stop": (f"{V1}/tours/{tour_id}/stops/{stop_ids[0]}", "title", Stop, stop_ids[0]),
        "tour": (f"{V1}/tours/{tour_id}", "title", Tour, tour_id),
        "site": (f"{V1}/sites/{world.draft_site.id}", "name", Site, world.draft_site.id),
    }[kind]
    calls = [
        request(live, world, "PATCH", path, json={field: {"en": f"Editor {n}"}, "version": 1})
        for n in range(8)
    ]
    assert sorted(at_once(calls)) == [200] + [409] * 7
    with app.app_context():
        obj = db.session.get(model, ident)
        assert obj.version == 2 and getattr(obj, field)["en"].startswith("Editor ")
