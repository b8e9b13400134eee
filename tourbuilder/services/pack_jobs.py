"""Building offline tour packs in the background, and their status for the download page.

``start(tour, lang, interface_lang)`` answers at once: the pack when it is already built
(same published version, language and assets), else it queues the ``build_tour_pack`` job.
The job writes its progress to a small JSON file per tour and language beside the packs
(``PACK_CACHE_DIR/status/``), which :func:`status` reads, so the web process sees the
progress of a job that runs in a separate worker (deployments with Redis share the
instance folder, as they share the media folder).
"""

from __future__ import annotations

import json
import os
import time
import uuid
from pathlib import Path

from flask import current_app

from ..extensions import db
from ..jobs import get_queue
from ..models import Tour
from . import pack_build
from . import tour_pack
from .errors import DomainError

#: A "building" status without news for this long is taken as a crashed job.
STALE_SECONDS = 300


def _status_path(tour_id: int, lang: str) -> Path:
    folder = tour_pack.pack_dir() / "status"
    folder.mkdir(exist_ok=True)
    return folder / f"{int(tour_id)}-{lang}.json"


def _write_status(tour_id: int, lang: str, **values) -> dict:
    values["updated"] = time.time()
    path = _status_path(tour_id, lang)
    temporary = path.with_name(f"{path.name}.{uuid.uuid4().hex}.part")
    temporary.write_text(json.dumps(values))
    os.replace(temporary, path)
    return values


def _read_status(tour_id: int, lang: str) -> dict:
    try:
        return json.loads(_status_path(tour_id, lang).read_text())
    except (OSError, ValueError):
        return {}


def status(plan: tour_pack.PackPlan) -> dict:
    """The state of ``plan``'s pack: ``ready`` (built: its size), ``queued`` or
    ``building`` (``progress`` 0–1 and the step), ``failed`` (``error``) or ``none``;
    always the ``estimate`` in bytes and the counts of stops, media files and tiles."""
    answer = {
        "state": "none",
        "progress": 0.0,
        "step": "",
        "error": "",
        "size": None,
        "estimate": plan.estimate_bytes(),
        "filename": plan.filename,
        "lang": plan.lang,
        "key": plan.key,
        "stops": plan.manifest["stops"],
        "media": len(plan.media),
        "tiles": len(plan.manifest["tiles"]),
    }
    found = tour_pack.cached_pack(plan)
    if found is not None:
        return {**answer, "state": "ready", "progress": 1.0, "size": found.stat().st_size}
    recorded = _read_status(plan.tour.id, plan.lang)
    if recorded.get("key") != plan.key:
        return answer  # about another version of the tour: no longer relevant
    state = recorded.get("state", "none")
    if state in ("queued", "building") and time.time() - recorded["updated"] > STALE_SECONDS:
        state = "none"
    if state == "ready":  # built, then pruned from the cache
        state = "none"
    return {
        **answer,
        "state": state,
        "progress": recorded.get("progress", 0.0) if state != "none" else 0.0,
        "step": recorded.get("step", ""),
        "error": recorded.get("error", "") if state == "failed" else "",
    }


def start(plan: tour_pack.PackPlan, max_zoom: int | None = None) -> dict:
    """Queue the build of ``plan``'s pack unless it is built or being built; its status.
    The job plans again with the same language, interface language and public address."""
    current = status(plan)
    if current["state"] in ("ready", "queued", "building"):
        return current
    _write_status(plan.tour.id, plan.lang, key=plan.key, state="queued", progress=0.0)
    get_queue().enqueue(
        "build_tour_pack",
        plan.tour.id,
        plan.lang,
        plan.manifest["interface_lang"],
        plan.public_url,
        max_zoom,
    )
    return status(plan)


def run_build(
    tour_id: int, lang: str, interface_lang: str, public_url: str, max_zoom: int | None
) -> str:
    """The job: plan again (the tour may have changed since), build, record the outcome."""
    tour = db.session.get(Tour, tour_id)
    if tour is None:
        return "gone"
    key = ""
    try:
        plan = tour_pack.plan_pack(
            tour,
            lang=lang,
            interface_lang=interface_lang,
            public_url=public_url,
            max_zoom=max_zoom,
        )
        key = plan.key

        def progress(step, done, total):
            _write_status(
                tour_id, lang, key=key, state="building", step=step,
                progress=round(done / max(total, 1), 3),
            )  # fmt: skip

        result = pack_build.build_pack(plan, progress)
    except DomainError as exc:
        _write_status(tour_id, lang, key=key, state="failed", error=exc.message)
        return "failed"
    except Exception as exc:  # a failed job must say so on the page, whatever the cause
        current_app.logger.exception("offline pack of tour %s failed", tour_id)
        _write_status(tour_id, lang, key=key, state="failed", error=exc.__class__.__name__)
        return "failed"
    _write_status(tour_id, lang, key=key, state="ready", progress=1.0, size=result.size)
    return "ready"


def init_app(app) -> None:
    queue = app.extensions["tourbuilder.jobs"]

    @queue.task("build_tour_pack")
    def build_tour_pack(tour_id, lang, interface_lang, public_url, max_zoom=None) -> str:
        return run_build(tour_id, lang, interface_lang, public_url, max_zoom)
