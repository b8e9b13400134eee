"""Pages per second under gunicorn, as the README's production section runs it.

Makes a fresh SQLite deployment in a temporary folder with the demo data (``tourbuilder
demo``), starts gunicorn on loopback (2 workers x 4 threads, ``gthread``), warms every URL
up, then loads each one with wrk (``-t2 -c8 -d10s``: two threads, eight connections, ten
seconds) and prints requests per second, p99 latency and the ratio to ``/healthz`` measured
in the same run (the app's floor: a request that touches the database once).

URLs: ``/healthz``, the home page ``/``, the demo tour page ``/tours/<demo slug>``, the
page of the layer's first site ``/sites/<id>`` and the GeoJSON layer
``/api/v1/sites.geojson``. Requests are anonymous, as the public's are.

    .venv/bin/python bench/serving.py [--duration 10] [--sites 0] [--workers 2] [--threads 4]

Needs wrk (``apt-get install wrk``). Target (issue 9): at least 300 requests/s each for
the home page and the tour page on a 2-core machine.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

BIN = Path(sys.executable).parent
# wrk's --latency output: "     99%   12.34ms"
P99 = re.compile(r"^\s*99%\s+([\d.]+)(us|ms|s)\s*$", re.MULTILINE)
RATE = re.compile(r"^Requests/sec:\s+([\d.]+)", re.MULTILINE)
ERRORS = re.compile(r"Non-2xx or 3xx responses: (\d+)")
UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2).read()
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"server did not answer at {url}")


def run_wrk(url: str, duration: int, connections: int) -> tuple[float, float, int]:
    """Requests/s, p99 latency in ms and the number of non-2xx/3xx answers."""
    out = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--latency", url],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    rate = float(RATE.search(out).group(1))
    value, unit = P99.search(out).groups()
    errors = ERRORS.search(out)
    return rate, float(value) * UNITS[unit], int(errors.group(1)) if errors else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=10, help="seconds of wrk per URL")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--sites", type=int, default=0, help="synthetic public sites to add")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed: apt-get install wrk")

    with tempfile.TemporaryDirectory(prefix="tb-bench-serving-") as tmp:
        tmp = Path(tmp)
        env = {
            **os.environ,
            "TOURBUILDER_INSTANCE_PATH": str(tmp / "instance"),
            "TOURBUILDER_MEDIA_ROOT": str(tmp / "media"),
            "TOURBUILDER_TILE_URL": "http://127.0.0.1:9/{z}/{x}/{y}.png",
        }
        for name in ("TOURBUILDER_DATABASE_URL", "REDIS_URL", "TOURBUILDER_REDIS_URL"):
            env.pop(name, None)
        tb = str(BIN / "tourbuilder")
        subprocess.run([tb, "db", "upgrade"], env=env, check=True, capture_output=True)
        demo = [tb, "demo"] + (["--sites", str(args.sites)] if args.sites else [])
        made = subprocess.run(demo, env=env, check=True, capture_output=True, text=True).stdout
        tour_path = re.search(r"(/tours/\S+)", made).group(1)
        port = free_port()
        server = subprocess.Popen(
            [
                str(BIN / "gunicorn"),
                "--workers",
                str(args.workers),
                "--threads",
                str(args.threads),
                "--worker-class",
                "gthread",
                "--bind",
                f"127.0.0.1:{port}",
                "--log-level",
                "warning",
                "tourbuilder:create_app()",
            ],  # fmt: skip
            env=env,
            stdout=subprocess.DEVNULL,
        )
        base = f"http://127.0.0.1:{port}"
        paths = {
            "/healthz": "/healthz",
            "home /": "/",
            "tour page": tour_path,
            "sites.geojson": "/api/v1/sites.geojson",
        }
        results = {}
        try:
            wait_for(base + "/healthz")
            layer = json.loads(urllib.request.urlopen(base + paths["sites.geojson"]).read())
            paths["site page"] = f"/sites/{layer['features'][0]['id']}"
            for path in paths.values():  # every worker builds its caches, imports, templates
                for _ in range(4 * args.workers):
                    urllib.request.urlopen(base + path).read()
            sizes = {n: len(urllib.request.urlopen(base + p).read()) for n, p in paths.items()}
            for name, path in paths.items():
                results[name] = run_wrk(base + path, args.duration, args.connections)
        finally:
            server.terminate()
            server.wait()

    load = os.getloadavg()[0]
    print(
        f"gunicorn {args.workers} workers x {args.threads} threads (gthread), "
        f"wrk -t2 -c{args.connections} -d{args.duration}s, {os.cpu_count()} cores, "
        f"load average {load:.1f}"
    )
    print(f"\n{'URL':<16} {'bytes':>8} {'req/s':>8} {'p99 ms':>8} {'vs /healthz':>12}  errors")
    floor = results["/healthz"][0]
    for name, (rate, p99, errors) in results.items():
        ratio = rate / floor
        print(f"{name:<16} {sizes[name]:>8,} {rate:>8.0f} {p99:>8.1f} {ratio:>11.2f}x  {errors}")


if __name__ == "__main__":
    main()
