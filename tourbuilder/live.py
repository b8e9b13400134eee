"""Follow-along sessions: the state of a presentation that phones in the room follow live.

A live session has a short code people type (six letters and digits from an alphabet with
no look-alikes), the tour being shown, an optional workshop, the presenter's stop and
step, and the presenter's user id. Every change is an **event** (``state``, ``reflection``
or ``end``) with an id that only grows, so a stream can pick up where it left off
(Server-Sent Events' ``Last-Event-ID``).

Two stores behind one interface, chosen by ``REDIS_URL``:

- :class:`MemoryStore` (the default, ``tourbuilder serve``): a dictionary and a
  ``threading.Condition``, for one process with many threads;
- :class:`RedisStore`: the state as a JSON key and the events as a Redis stream (``XADD``
  capped at :data:`BACKLOG`, read with ``XREAD BLOCK``), so several processes (gunicorn
  workers) see the same session and a stream can replay what it missed. Both keys expire
  after ``LIVE_IDLE_HOURS`` without a change.

No Flask import: views pass plain values.
"""

from __future__ import annotations

import json
import secrets
import threading
import time
from collections import deque
from dataclasses import asdict
from dataclasses import dataclass
from dataclasses import field

#: Letters and digits that cannot be mistaken for each other when read off a screen
#: (no 0/O, 1/I/L, 2/Z, 5/S, 8/B).
ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"
CODE_LENGTH = 6
#: Events a stream can catch up on after a reconnection.
BACKLOG = 200
KINDS = ("state", "reflection", "end")


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(text: str) -> str | None:
    """The code people typed (any case, spaces or dashes) or None if it cannot be one."""
    code = "".join(ch for ch in (text or "").upper() if ch not in " -")
    if len(code) != CODE_LENGTH or any(ch not in ALPHABET for ch in code):
        return None
    return code


@dataclass
class LiveSession:
    code: str
    slug: str
    presenter_id: int
    workshop_id: int | None = None
    stop: int = 0
    step: int = 0
    title: str = ""
    started_at: float = field(default_factory=time.time)
    touched_at: float = field(default_factory=time.time)

    def state(self) -> dict:
        """What a ``state`` event carries."""
        return {"slug": self.slug, "stop": self.stop, "step": self.step, "title": self.title}


@dataclass(frozen=True)
class Event:
    id: str
    kind: str
    data: dict


class LiveStore:
    """The interface both stores implement."""

    idle_seconds: float

    def create(self, slug: str, presenter_id: int, workshop_id: int | None = None):
        raise NotImplementedError

    def get(self, code: str) -> LiveSession | None:
        """The session, or None when it never existed, ended or expired."""
        raise NotImplementedError

    def set_state(self, code: str, **state) -> LiveSession | None:
        """Change ``slug``, ``stop``, ``step`` and ``title``; publishes a ``state`` event."""
        raise NotImplementedError

    def publish(self, code: str, kind: str, data: dict) -> str | None:
        """Add an event; its id, or None when the session is gone."""
        raise NotImplementedError

    def end(self, code: str) -> None:
        """Publish ``end`` and forget the session."""
        raise NotImplementedError

    def last_event_id(self, code: str) -> str:
        """The id of the newest event ("0" when there is none)."""
        raise NotImplementedError

    def events(self, code: str, after: str, timeout: float) -> list[Event]:
        """Events newer than ``after``, waiting up to ``timeout`` seconds for one."""
        raise NotImplementedError

    def _new_session(self, slug, presenter_id, workshop_id) -> LiveSession:
        return LiveSession(new_code(), slug, presenter_id, workshop_id)


def _order(event_id: str) -> tuple[int, int]:
    """Ids compare as Redis stream ids do: ``<ms>-<seq>``, or a plain counter."""
    first, _, second = (event_id or "0").partition("-")
    try:
        return int(first), int(second or 0)
    except ValueError:
        return 0, 0


class MemoryStore(LiveStore):
    """Sessions in this process, safe across its threads."""

    backend = "memory"

    def __init__(self, idle_seconds: float):
        self.idle_seconds = idle_seconds
        self._sessions: dict[str, LiveSession] = {}
        self._events: dict[str, deque[Event]] = {}
        self._ended: dict[str, float] = {}
        self._counter = 0
        self._changed = threading.Condition()

    def _live(self, code: str) -> LiveSession | None:
        session = self._sessions.get(code)
        if session is not None and time.time() - session.touched_at > self.idle_seconds:
            self._forget(code)
            return None
        return session

    def _forget(self, code: str) -> None:
        self._sessions.pop(code, None)
        self._events.pop(code, None)

    def _sweep(self) -> None:
        """Drop the backlogs of sessions that ended over a minute ago (their streams have
        read the end by then) and of sessions idle too long."""
        now = time.time()
        for code, ended_at in list(self._ended.items()):
            if now - ended_at > 60:
                del self._ended[code]
                self._events.pop(code, None)
        for code in list(self._sessions):
            self._live(code)

    def create(self, slug, presenter_id, workshop_id=None):
        with self._changed:
            self._sweep()
            session = self._new_session(slug, presenter_id, workshop_id)
            while session.code in self._sessions or session.code in self._events:
                session = self._new_session(slug, presenter_id, workshop_id)
            self._sessions[session.code] = session
            self._events[session.code] = deque(maxlen=BACKLOG)
            return session

    def get(self, code):
        with self._changed:
            session = self._live(code)
            return None if session is None else LiveSession(**asdict(session))

    def set_state(self, code, **state):
        with self._changed:
            session = self._live(code)
            if session is None:
                return None
            for name in ("slug", "stop", "step", "title"):
                if name in state:
                    setattr(session, name, state[name])
            session.touched_at = time.time()
            self._add(code, "state", session.state())
            return LiveSession(**asdict(session))

    def _add(self, code: str, kind: str, data: dict) -> str:
        self._counter += 1
        event = Event(str(self._counter), kind, data)
        self._events[code].append(event)
        self._changed.notify_all()
        return event.id

    def publish(self, code, kind, data):
        with self._changed:
            session = self._live(code)
            if session is None:
                return None
            session.touched_at = time.time()
            return self._add(code, kind, data)

    def end(self, code):
        with self._changed:
            if self._live(code) is None:
                return
            self._add(code, "end", {})
            del self._sessions[code]
            self._ended[code] = time.time()

    def last_event_id(self, code):
        with self._changed:
            backlog = self._events.get(code)
            return backlog[-1].id if backlog else "0"

    def events(self, code, after, timeout):
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                backlog = self._events.get(code)
                if backlog is None:
                    return []
                newer = [e for e in backlog if _order(e.id) > _order(after)]
                if newer:
                    return newer
                left = deadline - time.monotonic()
                if left <= 0:
                    return []
                self._changed.wait(left)


class RedisStore(LiveStore):
    """Sessions in Redis, shared by every process that uses the same server and prefix."""

    backend = "redis"

    def __init__(self, url: str, idle_seconds: float, prefix: str = "tourbuilder"):
        import redis

        self.idle_seconds = idle_seconds
        self.redis = redis.Redis.from_url(url, decode_responses=True)
        self.prefix = f"{prefix}:live"

    def _state_key(self, code):
        return f"{self.prefix}:{code}:state"

    def _stream_key(self, code):
        return f"{self.prefix}:{code}:events"

    def _ttl(self) -> int:
        return max(1, int(self.idle_seconds))

    def create(self, slug, presenter_id, workshop_id=None):
        while True:
            session = self._new_session(slug, presenter_id, workshop_id)
            if self.redis.set(
                self._state_key(session.code), json.dumps(asdict(session)), nx=True,
                ex=self._ttl(),
            ):  # fmt: skip
                return session

    def get(self, code):
        raw = self.redis.get(self._state_key(code))
        return LiveSession(**json.loads(raw)) if raw else None

    def set_state(self, code, **state):
        key = self._state_key(code)
        with self.redis.pipeline() as pipe:
            # optimistic transaction: two presenters' windows writing at once both land
            while True:
                try:
                    pipe.watch(key)
                    raw = pipe.get(key)
                    if not raw:
                        return None
                    session = LiveSession(**json.loads(raw))
                    for name in ("slug", "stop", "step", "title"):
                        if name in state:
                            setattr(session, name, state[name])
                    session.touched_at = time.time()
                    pipe.multi()
                    pipe.set(key, json.dumps(asdict(session)), ex=self._ttl())
                    self._xadd(pipe, code, "state", session.state())
                    pipe.execute()
                    return session
                except self._watch_error():
                    continue

    @staticmethod
    def _watch_error():
        import redis

        return redis.WatchError

    def _xadd(self, pipe, code, kind, data):
        stream = self._stream_key(code)
        pipe.xadd(stream, {"kind": kind, "data": json.dumps(data)}, maxlen=BACKLOG)
        pipe.expire(stream, self._ttl())

    def publish(self, code, kind, data):
        key = self._state_key(code)
        if not self.redis.expire(key, self._ttl()):
            return None
        with self.redis.pipeline() as pipe:
            self._xadd(pipe, code, kind, data)
            return pipe.execute()[0]

    def end(self, code):
        if self.redis.delete(self._state_key(code)):
            with self.redis.pipeline() as pipe:
                self._xadd(pipe, code, "end", {})
                # readers have a minute to see the end; then the stream goes too
                pipe.expire(self._stream_key(code), 60)
                pipe.execute()

    def last_event_id(self, code):
        newest = self.redis.xrevrange(self._stream_key(code), count=1)
        return newest[0][0] if newest else "0"

    def events(self, code, after, timeout):
        answer = self.redis.xread(
            {self._stream_key(code): after or "0"}, block=max(1, int(timeout * 1000)),
            count=BACKLOG,
        )  # fmt: skip
        return [
            Event(event_id, fields["kind"], json.loads(fields["data"]))
            for _stream, entries in answer
            for event_id, fields in entries
        ]


def store_for(config: dict) -> LiveStore:
    idle = float(config.get("LIVE_IDLE_HOURS", 12)) * 3600
    if config.get("REDIS_URL"):
        return RedisStore(config["REDIS_URL"], idle, config.get("JOB_QUEUE_NAME", "tourbuilder"))
    return MemoryStore(idle)


def get_store() -> LiveStore:
    from flask import current_app

    return current_app.extensions["tourbuilder.live"]


def init_app(app) -> None:
    app.extensions["tourbuilder.live"] = store_for(app.config)
