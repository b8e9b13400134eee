"""A bounded schemathesis pass over the API: the document and the server must agree.

Serves the app on a loopback port with a small world (two teams, a site, a tour with
stops, a photo), then runs schemathesis (``--checks all``, a fixed seed, a few examples
per operation) as anonymous, a team editor and a site admin, side by side. Prints the
figures of each run; exits non-zero when any run finds a server error or a disagreement
with the document. Run by ``make api-fuzz`` (and CI).

    python scripts/api_fuzz.py [--max-examples N] [--seed S]
"""

from __future__ import annotations

import argparse
import io
import logging
import os
import re
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

from PIL import Image
from werkzeug.serving import make_server

from tourbuilder import create_app
from tourbuilder.extensions import db
from tourbuilder.models import Membership
from tourbuilder.models import Role
from tourbuilder.models import SiteVisibility
from tourbuilder.models import TourVisibility
from tourbuilder.services import accounts
from tourbuilder.services import commit
from tourbuilder.services import library
from tourbuilder.services import sites
from tourbuilder.services import teams
from tourbuilder.services import tours

ACTORS = ("anon", "editor", "site_admin")
PASSWORD = "api fuzz password"


def build_world(app) -> dict[str, str]:
    """Two teams, their people, a public site, a tour with stops and a photo; returns an
    API token per signed-in actor."""
    with app.app_context():
        db.create_all()
        admin = accounts.create_account("admin@fuzz.example", "Site admin", PASSWORD)
        admin.is_site_admin = True
        team = teams.create_team("Fuzz A", "ES", ["es", "en"], creator=admin)
        other = teams.create_team("Fuzz B", "GR", ["el", "en"], creator=admin)
        editor = accounts.create_account("editor@fuzz.example", "Editor", PASSWORD)
        db.session.add(Membership(user=editor, team=team, role=Role.EDITOR))
        site = sites.create_site(
            team, name={"es": "Huerto"}, lat=37.39, lon=-5.98, visibility=SiteVisibility.PUBLIC
        )
        sites.create_site(other, name={"el": "Κήπος"}, lat=40.6, lon=22.9)
        photo = io.BytesIO()
        Image.new("RGB", (64, 48), (90, 140, 60)).save(photo, "JPEG")
        photo.seek(0)
        item, _ = library.store_upload(team, photo, "huerto.jpg", editor, "image/jpeg")
        tour = tours.create_tour(team, {"es": "Ruta"}, languages=["es", "en"])
        tours.add_stop(tour, title={"es": "Uno"}, site_id=site.id)
        tours.add_stop(tour, title={"es": "Dos"}, lat=37.4, lon=-5.99)
        tours.update_tour(tour, visibility=TourVisibility.WORKSHOP)
        tokens = {
            "editor": accounts.create_token(editor, "fuzz"),
            "site_admin": accounts.create_token(admin, "fuzz"),
        }
        commit()
        db.session.refresh(item)
    return tokens


def run(url: str, actor: str, token: str | None, args) -> tuple[int, str]:
    command = [
        str(Path(sys.executable).with_name("schemathesis")),
        "--config-file",
        args.config,
        "run",
        f"{url}/api/v1/openapi.json",
        "--checks",
        "all",
        "--max-examples",
        str(args.max_examples),
        "--seed",
        str(args.seed),
        "--generation-deterministic",
        "--request-timeout",
        "30",
        "--workers",
        "1",
    ]
    if token:
        command += ["-H", f"Authorization: Bearer {token}"]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    return done.returncode, done.stdout + done.stderr


def figures(output: str) -> str:
    tested = re.search(r"Tested: (\d+)", output)
    cases = re.search(r"(\d+) generated, (.*)", output)
    parts = [f"{tested[1]} operations" if tested else "operations: ?"]
    parts.append(f"{cases[1]} cases, {cases[2].strip()}" if cases else "cases: ?")
    return "; ".join(parts)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max-examples", type=int, default=8)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--config", default=str(Path(__file__).with_name("schemathesis.toml")))
    args = parser.parse_args()
    for var in list(os.environ):
        if var.startswith("TOURBUILDER_") or var in ("DATABASE_URL", "REDIS_URL"):
            os.environ.pop(var)
    root = Path(tempfile.mkdtemp(prefix="api-fuzz-"))
    app = create_app(
        {
            "SECRET_KEY": "api-fuzz",
            "INSTANCE_PATH": str(root / "instance"),
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{root / 'fuzz.db'}",
            "MEDIA_ROOT": str(root / "media"),
            "JOB_QUEUE_IMMEDIATE": True,
            "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
            "TILE_URL": "http://127.0.0.1:9/{z}/{x}/{y}.png",
        }
    )
    tokens = build_world(app)
    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # one line a request: too many
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_port}"
    results: dict[str, tuple[int, str]] = {}

    def fuzz(actor):
        results[actor] = run(url, actor, tokens.get(actor), args)

    threads = [threading.Thread(target=fuzz, args=(actor,)) for actor in ACTORS]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    server.shutdown()
    failed = 0
    for actor in ACTORS:
        code, output = results[actor]
        print(f"schemathesis as {actor}: {figures(output)}")
        if code != 0:
            failed += 1
            print(output)
    print(f"api-fuzz: {len(ACTORS) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
