"""Checks behind ``tourbuilder check``: each says what is wrong and how to fix it."""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass

from flask import current_app


@dataclass
class Check:
    name: str
    ok: bool
    detail: str
    fix: str = ""


def _program(name: str) -> Check:
    path = shutil.which(name)
    fix = "install it: sudo apt-get install ffmpeg (or your system's ffmpeg package)"
    if path is None:
        return Check(name, False, "not found on PATH", fix)
    try:
        out = subprocess.run(
            [path, "-hide_banner", "-version"], capture_output=True, text=True, timeout=20
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        return Check(name, False, f"{path} does not run: {exc}", fix)
    first = (out.stdout.splitlines() or ["?"])[0]
    return Check(name, out.returncode == 0, f"{path}: {first}", fix)


def database_check() -> Check:
    from sqlalchemy import inspect

    from .database import ping
    from .extensions import db

    url = db.engine.url.render_as_string(hide_password=True)
    try:
        ping()
        tables = inspect(db.engine).get_table_names()
    except Exception as exc:  # any driver error means the database is unusable
        return Check(
            "database",
            False,
            f"{url}: {exc.__class__.__name__}: {exc}".strip(),
            "check DATABASE_URL and that the server is running",
        )
    if "alembic_version" not in tables:
        return Check(
            "database", False, f"{url}: reachable but not set up", "run: tourbuilder db upgrade"
        )
    return Check("database", True, url)


def _media() -> Check:
    from .storage import get_storage

    storage = get_storage()
    problem = storage.usable()
    if problem:
        return Check(
            "media folder",
            False,
            problem,
            "create the folder and make it writable, or set TOURBUILDER_MEDIA_ROOT",
        )
    return Check("media folder", True, storage.describe())


def _jobs() -> Check:
    from .jobs import get_queue

    queue = get_queue()
    problem = queue.usable()
    if problem:
        fix = (
            "check REDIS_URL and that Redis is running"
            if queue.backend == "redis"
            else "make the instance folder writable"
        )
        return Check("job queue", False, problem, fix)
    where = (
        "separate 'tourbuilder worker' processes"
        if queue.backend == "redis"
        else "inside the app process"
    )
    return Check("job queue", True, f"{queue.backend}, workers {where}")


def _tile_cache() -> Check:
    import tempfile
    from pathlib import Path
    from urllib.parse import urlsplit

    from .tiles import CacheSettings
    from .tiles import proxy_enabled

    config = current_app.config
    if not proxy_enabled(config):
        return Check("tile cache", True, "not used: browsers load tiles from TILE_URL")
    folder = Path(CacheSettings.from_config(config, current_app.instance_path).directory)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError as exc:
        fix = "make the folder writable, or set TILE_CACHE_DIR (or TILE_PROXY=false)"
        return Check("tile cache", False, f"{folder}: {exc.strerror or exc}", fix)
    host = urlsplit(config["TILE_URL"]).netloc
    hint = "" if config["TILE_USER_AGENT"] else "; set TILE_USER_AGENT to name your site"
    return Check("tile cache", True, f"{folder}, tiles from {host}{hint}")


def _fonts() -> Check:
    from .fonts import PACKAGE
    from .fonts import report

    found = report()
    if found.problems:
        return Check(
            "fonts for pictures",
            False,
            "; ".join(found.problems),
            f"install it: sudo apt-get install {PACKAGE} (and a Pillow with libraqm)",
        )
    return Check("fonts for pictures", True, f"{found.main}, {found.arabic}, Arabic shaped")


def run_checks() -> list[Check]:
    assert current_app
    return [
        _program("ffmpeg"),
        _program("ffprobe"),
        database_check(),
        _media(),
        _jobs(),
        _tile_cache(),
        _fonts(),
    ]
