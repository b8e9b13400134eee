"""The job queue, embedded (SQLite, consumer thread in-process) and Redis (separate worker)."""

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import redis

from tourbuilder import create_app
from tourbuilder.database import upgrade
from tourbuilder.extensions import db
from tourbuilder.jobs import get_queue
from tourbuilder.models import MediaItem
from tourbuilder.models import MediaStatus
from tourbuilder.models import Team
from tourbuilder.services import commit
from tourbuilder.services.library import store_upload

REDIS_URL = os.environ.get("TOURBUILDER_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def _redis_problem():
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        return str(exc)
    return None


REDIS_PROBLEM = _redis_problem()
if os.environ.get("TOURBUILDER_REQUIRE_REDIS") == "1" and REDIS_PROBLEM:
    raise RuntimeError(f"TOURBUILDER_REQUIRE_REDIS=1 but Redis is unreachable: {REDIS_PROBLEM}")


def _app(tmp_path, **config):
    return create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "x",
            "INSTANCE_PATH": str(tmp_path / "instance"),
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'db.sqlite'}",
            "MEDIA_ROOT": str(tmp_path / "media"),
            "JOB_QUEUE_NAME": f"test-{uuid.uuid4().hex[:8]}",
            **config,
        }
    )


def start_worker(app):
    """``tourbuilder worker`` in a process of its own, configured like ``app``."""
    env = {
        **os.environ,
        "REDIS_URL": app.config["REDIS_URL"],
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "TOURBUILDER_INSTANCE_PATH": app.instance_path,
        "TOURBUILDER_MEDIA_ROOT": app.config["MEDIA_ROOT"],
        "TOURBUILDER_JOB_QUEUE_NAME": app.config["JOB_QUEUE_NAME"],
        "TOURBUILDER_SECRET_KEY": "x",
    }
    return subprocess.Popen(
        [sys.executable, "-m", "tourbuilder.cli", "worker", "-w", "1"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def test_embedded_queue_runs_jobs_in_process(tmp_path):
    app = _app(tmp_path)
    with app.app_context():
        queue = get_queue()
        assert queue.backend == "sqlite" and queue.runs_in_process
        consumer = queue.start_in_process()
        try:
            result = queue.enqueue("ping", "hello")
            assert result.get(blocking=True, timeout=20) == "hello"
        finally:
            consumer.stop(graceful=True)
    assert (tmp_path / "instance" / "jobs.db").exists()


@pytest.mark.skipif(REDIS_PROBLEM is not None, reason=f"Redis unreachable: {REDIS_PROBLEM}")
def test_redis_queue_runs_jobs_in_a_separate_worker_process(tmp_path):
    app = _app(tmp_path, REDIS_URL=REDIS_URL)
    with app.app_context():
        upgrade()
    worker = start_worker(app)
    try:
        with app.app_context():
            queue = get_queue()
            assert queue.backend == "redis" and not queue.runs_in_process
            result = queue.enqueue("ping", {"from": "web"})
            assert result.get(blocking=True, timeout=30) == {"from": "web"}
    finally:
        worker.terminate()
        worker.wait(timeout=20)
        with app.app_context():
            get_queue().huey.storage.flush_all()


FIXTURES = Path(__file__).resolve().parents[2] / "shared" / "fixtures"


@pytest.mark.skipif(REDIS_PROBLEM is not None, reason=f"Redis unreachable: {REDIS_PROBLEM}")
@pytest.mark.skipif(not FIXTURES.exists(), reason="../shared/fixtures is absent")
def test_redis_worker_processes_an_upload(tmp_path):
    """Web app and worker as separate processes sharing the database and the media folder."""
    app = _app(tmp_path, REDIS_URL=REDIS_URL)
    with app.app_context():
        upgrade()
        team = Team(name="Redis team", languages=["en"])
        db.session.add(team)
        db.session.commit()
        with open(FIXTURES / "flower.webp", "rb") as stream:
            item, created = store_upload(team, stream, "flower.webp", None)
        commit()  # queues the job for the worker process
        assert created and item.status is MediaStatus.PENDING
        item_id = item.id
    worker = start_worker(app)
    try:
        with app.app_context():
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                db.session.expire_all()
                item = db.session.get(MediaItem, item_id)
                if item.status in (MediaStatus.READY, MediaStatus.FAILED):
                    break
                time.sleep(0.2)
            assert item.status is MediaStatus.READY, item.error
            assert "320.webp" in item.derivatives
    finally:
        worker.terminate()
        worker.wait(timeout=20)
        with app.app_context():
            get_queue().huey.storage.flush_all()
            db.engine.dispose()
