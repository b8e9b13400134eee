"""Background jobs on huey.

Embedded default: SQLite storage in the instance folder and a consumer thread inside the
web process (``tourbuilder serve``). With ``REDIS_URL`` set: Redis storage and separate
``tourbuilder worker`` processes. ``JOB_QUEUE_IMMEDIATE`` runs tasks inline (tests).

Tasks are thin wrappers that open an app context and call domain code.
"""

from __future__ import annotations

import functools
import logging
import signal
import threading
from pathlib import Path

from flask import current_app
from huey import MemoryHuey
from huey import RedisHuey
from huey import SqliteHuey

log = logging.getLogger(__name__)


class JobQueue:
    """The app's huey instance and the tasks registered on it."""

    def __init__(self, app):
        self.app = app
        config = app.config
        name = config["JOB_QUEUE_NAME"]
        if config.get("JOB_QUEUE_IMMEDIATE"):
            self.huey = MemoryHuey(name, immediate=True)
            self.backend = "immediate"
        elif config.get("REDIS_URL"):
            self.huey = RedisHuey(name, url=config["REDIS_URL"])
            self.backend = "redis"
        else:
            path = config.get("JOB_DB_PATH") or str(Path(app.instance_path) / "jobs.db")
            self.huey = SqliteHuey(name, filename=path)
            self.backend = "sqlite"
        self.tasks = {}

    @property
    def runs_in_process(self) -> bool:
        """The embedded default runs its consumer inside the web process."""
        return self.backend == "sqlite"

    def _in_app(self, fn):
        @functools.wraps(fn)
        def run_in_app(*args, **kwargs):
            with self.app.app_context():
                return fn(*args, **kwargs)

        return run_in_app

    def task(self, name: str, **options):
        """Register ``fn`` as a task that runs inside an app context."""

        def register(fn):
            self.tasks[name] = self.huey.task(name=name, **options)(self._in_app(fn))
            return self.tasks[name]

        return register

    def periodic_task(self, name: str, schedule):
        """Register ``fn`` to run on ``schedule`` (a huey crontab) inside an app context."""

        def register(fn):
            self.tasks[name] = self.huey.periodic_task(schedule, name=name)(self._in_app(fn))
            return self.tasks[name]

        return register

    def enqueue(self, name: str, *args, **kwargs):
        return self.tasks[name](*args, **kwargs)

    def consumer(self, workers: int | None = None):
        workers = workers or self.app.config["JOB_WORKERS"]
        return self.huey.create_consumer(workers=workers, worker_type="thread", periodic=True)

    def start_in_process(self):
        """Start a consumer on background threads of this process; returns it.

        huey's ``Consumer.start`` installs SIGINT/SIGTERM/SIGHUP handlers that only set
        flags for its own ``run`` loop, which the web server never runs: the process would
        then ignore Ctrl-C and ``kill``. The handlers the process had are put back.
        """
        consumer = self.consumer()
        saved = {}
        if threading.current_thread() is threading.main_thread():
            for name in ("SIGINT", "SIGTERM", "SIGHUP"):
                if hasattr(signal, name):
                    signum = getattr(signal, name)
                    saved[signum] = signal.getsignal(signum)
        consumer.start()
        for signum, handler in saved.items():
            signal.signal(signum, handler)
        log.info("job queue: %s consumer running inside the app process", self.backend)
        return consumer

    def usable(self) -> str | None:
        """None when jobs can be queued and stored, else why not."""
        try:
            self.huey.storage.put_data("tourbuilder:check", b"1")
            self.huey.storage.pop_data("tourbuilder:check")
        except Exception as exc:  # the storage backends raise their own error types
            return f"{self.backend} job storage: {exc}"
        return None


def get_queue() -> JobQueue:
    return current_app.extensions["tourbuilder.jobs"]


def init_app(app) -> None:
    queue = JobQueue(app)
    app.extensions["tourbuilder.jobs"] = queue

    @queue.task("ping")
    def ping(value):
        return value
