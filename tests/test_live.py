"""The follow-along store, in memory and in Redis: sessions, state, events, expiry."""

from __future__ import annotations

import threading
import time
import uuid

import pytest

from tourbuilder import live

from .test_jobs import REDIS_PROBLEM  # one probe (and TOURBUILDER_REQUIRE_REDIS) for all
from .test_jobs import REDIS_URL


def make_store(kind: str, idle_seconds: float = 3600) -> live.LiveStore:
    if kind == "memory":
        return live.MemoryStore(idle_seconds)
    if REDIS_PROBLEM:
        pytest.skip(f"Redis unreachable: {REDIS_PROBLEM}")
    return live.RedisStore(REDIS_URL, idle_seconds, prefix=f"test-{uuid.uuid4().hex[:8]}")


@pytest.fixture(params=["memory", "redis"])
def store(request):
    return make_store(request.param)


def test_a_code_is_six_characters_without_look_alikes():
    codes = {live.new_code() for _ in range(200)}
    assert len(codes) > 190
    for code in codes:
        assert len(code) == 6 and not set(code) & set("0O1IL2Z5S8B")
    assert live.normalise_code(" acd-efg ") == "ACDEFG"
    assert live.normalise_code("ACDEF0") is None and live.normalise_code("ACD") is None


def test_a_session_keeps_its_state(store):
    session = store.create("sevilla", presenter_id=7, workshop_id=3)
    assert store.get(session.code).state() == {"slug": "sevilla", "stop": 0, "step": 0, "title": ""}
    store.set_state(session.code, stop=2, step=1, title="La Corrala")
    again = store.get(session.code)
    assert (again.stop, again.step, again.title) == (2, 1, "La Corrala")
    assert (again.presenter_id, again.workshop_id) == (7, 3)
    assert store.get("ACDEFG") is None and store.set_state("ACDEFG", stop=1) is None


def test_events_arrive_in_order_after_the_id_given(store):
    session = store.create("sevilla", presenter_id=1)
    start = store.last_event_id(session.code)
    store.set_state(session.code, stop=1)
    store.publish(session.code, "reflection", {"body": "Bonito"})
    store.set_state(session.code, stop=2)
    events = store.events(session.code, start, timeout=1)
    assert [(e.kind, e.data.get("stop"), e.data.get("body")) for e in events] == [
        ("state", 1, None),
        ("reflection", None, "Bonito"),
        ("state", 2, None),
    ]
    # a stream that saw the first two picks up at the third
    assert [e.data["stop"] for e in store.events(session.code, events[1].id, timeout=1)] == [2]
    assert store.last_event_id(session.code) == events[-1].id


def test_a_waiting_reader_wakes_when_the_state_changes(store):
    session = store.create("sevilla", presenter_id=1)
    after = store.last_event_id(session.code)
    got = []
    reader = threading.Thread(target=lambda: got.extend(store.events(session.code, after, 10)))
    reader.start()
    time.sleep(0.2)
    store.set_state(session.code, stop=4)
    reader.join(10)
    assert not reader.is_alive() and [e.data["stop"] for e in got] == [4]


def test_nothing_new_returns_nothing_after_the_timeout(store):
    session = store.create("sevilla", presenter_id=1)
    assert store.events(session.code, store.last_event_id(session.code), timeout=0.2) == []


def test_ending_a_session_tells_its_readers_and_forgets_it(store):
    session = store.create("sevilla", presenter_id=1)
    after = store.last_event_id(session.code)
    store.end(session.code)
    assert [e.kind for e in store.events(session.code, after, timeout=1)] == ["end"]
    assert store.get(session.code) is None
    assert store.publish(session.code, "reflection", {}) is None


@pytest.mark.parametrize("kind", ["memory", "redis"])
def test_an_idle_session_expires(kind):
    store = make_store(kind, idle_seconds=1)
    session = store.create("sevilla", presenter_id=1)
    store.set_state(session.code, stop=1)
    time.sleep(1.3)  # Redis counts its expiry in whole seconds
    assert store.get(session.code) is None
    assert store.set_state(session.code, stop=2) is None


def test_two_redis_stores_share_sessions():
    """Two processes (gunicorn workers) with the same Redis see one session."""
    first = make_store("redis")
    second = live.RedisStore(REDIS_URL, 3600, prefix=first.prefix.removesuffix(":live"))
    session = first.create("sevilla", presenter_id=1)
    after = second.last_event_id(session.code)
    first.set_state(session.code, stop=5)
    assert second.get(session.code).stop == 5
    assert [e.data["stop"] for e in second.events(session.code, after, timeout=1)] == [5]
