"""Load test of follow-along: 30 phones on one session receive every stop change.

    .venv/bin/python bench/follow_along.py              # waitress, then gunicorn + Redis
    .venv/bin/python bench/follow_along.py --clients 30 --changes 20 --only waitress

Each server is started as a user would: ``tourbuilder serve`` (waitress, as ``make run``
does) on a fresh instance with the demo tour; then ``gunicorn -k gthread`` with 2 workers
sharing the session through Redis (``REDIS_URL``; skipped when Redis is unreachable).
The presenter (signed in with the session cookie and CSRF token, as the presentation
window is) starts a session; the clients open the event stream
(``/live/<code>/events``) on threads; the presenter changes stop ``--changes`` times,
1 s apart, and each client notes when each change arrives. Printed: for each change the
worst delay across clients, then the worst and the median (p50) of all deliveries, beside
a baseline from the same run: the same changes delivered to a single client.

Every stream holds one server thread while it is open, so the servers get enough:
``tourbuilder serve`` has 64 threads by default, gunicorn is given 2 × 24 here (2 × 4 would
hold only 8 phones: docs/presenting-live.md). Not a test: it asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import requests

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")
EMAIL = "bench@example.org"
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def prepare(folder: Path) -> dict:
    """A fresh instance with the demo tour and a site admin; its environment."""
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("TOURBUILDER_")},
        "TOURBUILDER_INSTANCE_PATH": str(folder / "instance"),
        "TOURBUILDER_MEDIA_ROOT": str(folder / "media"),
        "TOURBUILDER_TILE_URL": "http://127.0.0.1:9/{z}/{x}/{y}.png",
        "TOURBUILDER_ADMIN_PASSWORD": "bench password 1",
        "TOURBUILDER_RATELIMIT_ENABLED": "false",
    }
    env.pop("REDIS_URL", None)
    run = [str(BIN / "tourbuilder")]
    for args in (["db", "upgrade"], ["demo"], ["create-admin", EMAIL]):
        subprocess.run(run + args, env=env, check=True, capture_output=True)
    return env


def presenter_session(base: str, password: str) -> requests.Session:
    """Signed in with the session cookie, sending the page's CSRF token, like the
    presentation window's script."""
    browser = requests.Session()
    page = browser.get(f"{base}/login").text
    token = next(filter(None, re.search(CSRF, page).groups()))
    answer = browser.post(f"{base}/login", data={
        "email": EMAIL, "password": password, "csrf_token": token,
    })  # fmt: skip
    answer.raise_for_status()
    page = browser.get(f"{base}/dashboard").text
    token = next(filter(None, re.search(CSRF, page).groups()))
    browser.headers.update({"X-CSRFToken": token, "Accept": "application/json"})
    return browser


def start_server(kind: str, env: dict, port: int) -> subprocess.Popen:
    if kind == "waitress":
        command = [str(BIN / "tourbuilder"), "serve", "--port", str(port)]
    else:
        env = {**env, "REDIS_URL": REDIS_URL, "TOURBUILDER_JOB_QUEUE_NAME": f"bench{port}"}
        command = [
            str(BIN / "gunicorn"), "-k", "gthread", "-w", "2", "--threads", "24",
            "-b", f"127.0.0.1:{port}", "--timeout", "120", "tourbuilder:create_app()",
        ]  # fmt: skip
    server = subprocess.Popen(
        command, env=env, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if requests.get(f"http://127.0.0.1:{port}/healthz", timeout=5).ok:
                return server
        except requests.RequestException:  # not listening yet, or still loading the app
            time.sleep(0.2)
    server.kill()
    raise SystemExit(f"{kind} did not start on port {port}")


class Client(threading.Thread):
    """One phone: reads the stream, notes when each change (its ``step``) arrived."""

    def __init__(self, url: str):
        super().__init__(daemon=True)
        self.url = url
        self.arrived: dict[int, float] = {}
        self.ready = threading.Event()

    def run(self):
        with requests.get(self.url, stream=True, timeout=(5, 60)) as response:
            kind = None
            for line in response.iter_lines(decode_unicode=True):
                if line.startswith("event: "):
                    kind = line[7:]
                elif line.startswith("data: ") and kind == "state":
                    self.arrived.setdefault(json.loads(line[6:])["step"], time.monotonic())
                    self.ready.set()
                elif line.startswith("data: ") and kind == "end":
                    return


def round_of(base: str, presenter, tour_id: int, clients: int, changes: int) -> list[list]:
    """Delays (seconds) of each change at each client, then the presenter's request time:
    ``[[client delays..., request] per change]``."""
    code = presenter.post(f"{base}/api/v1/live", json={"tour_id": tour_id}).json()["code"]
    readers = [Client(f"{base}/live/{code}/events") for _ in range(clients)]
    for reader in readers:
        reader.start()
    for reader in readers:
        if not reader.ready.wait(30):
            raise SystemExit("a client never received the session's state")
    sent, posted = {}, {}
    for n in range(1, changes + 1):
        sent[n] = time.monotonic()
        answer = presenter.post(
            f"{base}/api/v1/live/{code}/state", json={"stop": 1 + n % 6, "step": n}
        )
        answer.raise_for_status()
        posted[n] = time.monotonic() - sent[n]
        time.sleep(max(0.0, sent[n] + 1.0 - time.monotonic()))
    time.sleep(1.0)
    presenter.delete(f"{base}/api/v1/live/{code}")
    for reader in readers:
        reader.join(10)
    return [
        [reader.arrived[n] - sent[n] if n in reader.arrived else float("inf") for reader in readers]
        + [posted[n]]
        for n in range(1, changes + 1)
    ]


def report(name: str, rows: list[list], baseline_rows: list[list]) -> None:
    """Each row: the clients' delays, then how long the presenter's request took."""
    ms = 1000
    delays = [row[:-1] for row in rows]
    baseline = [row[:-1] for row in baseline_rows]
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"\n== {name}: {len(delays[0])} clients, {len(delays)} changes 1 s apart ==")
    print(f"load average after the run: {load} ({os.cpu_count()} cores)")
    print("change  worst delay (ms)  received by  presenter's request (ms)")
    for n, row in enumerate(delays, start=1):
        got = sum(d != float("inf") for d in row)
        print(f"{n:6d}  {max(row) * ms:16.1f}  {got:>7}/{len(row)}  {rows[n - 1][-1] * ms:24.1f}")
    every = [d for row in delays for d in row]
    base = [d for row in baseline for d in row]
    worst, p50 = max(every), statistics.median(every)
    base_worst, base_p50 = max(base), statistics.median(base)
    print(f"worst {worst * ms:.1f} ms, p50 {p50 * ms:.1f} ms  "
          f"(baseline, 1 client: worst {base_worst * ms:.1f} ms, p50 {base_p50 * ms:.1f} ms; "
          f"ratio p50 {p50 / base_p50:.1f}x)")  # fmt: skip
    missed = sum(d == float("inf") for d in every)
    after = [max(0.0, max(row[:-1]) - row[-1]) for row in rows]
    print(f"after the presenter's request returned: worst {max(after) * ms:.1f} ms "
          "(the rest of each delay is that request: authentication, database, rules)")  # fmt: skip
    verdict = "every client received every change within 1 s" if worst <= 1 else "NOT within 1 s"
    print(f"{verdict}" + (f"; {missed} deliveries missing" if missed else ""))


def redis_reachable() -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping())
    except redis.RedisError:
        return False


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=30)
    parser.add_argument("--changes", type=int, default=20)
    parser.add_argument("--only", choices=["waitress", "gunicorn"])
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="tb-follow-") as folder:
        env = prepare(Path(folder))
        kinds = [args.only] if args.only else ["waitress", "gunicorn"]
        for kind in kinds:
            if kind == "gunicorn" and not redis_reachable():
                print(f"\n== gunicorn: skipped, Redis unreachable at {REDIS_URL} ==")
                continue
            port = free_port()
            server = start_server(kind, env, port)
            try:
                base = f"http://127.0.0.1:{port}"
                tours = requests.get(f"{base}/api/v1/tours", timeout=10).json()
                tour_id = next(t["id"] for t in tours if t["slug"] == "sevilla-solidaria")
                presenter = presenter_session(base, env["TOURBUILDER_ADMIN_PASSWORD"])
                baseline = round_of(base, presenter, tour_id, 1, min(5, args.changes))
                delays = round_of(base, presenter, tour_id, args.clients, args.changes)
                label = (
                    "tourbuilder serve (waitress, 64 threads)"
                    if kind == "waitress"
                    else "gunicorn gthread 2 workers x 24 threads, Redis"
                )
                report(label, delays, baseline)
            finally:
                server.terminate()
                server.wait(20)


if __name__ == "__main__":
    main()
