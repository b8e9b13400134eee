"""Server memory while receiving a large upload.

Starts the real server (``tourbuilder serve``, waitress) on loopback with a fresh SQLite
deployment in a temporary folder, then sends a 1 GiB file twice: through the resumable
tus endpoint in 8 MiB chunks (what the browser uploader does) and as one multipart
``POST /api/v1/media`` (what scripts do). The server's resident memory is sampled every
20 ms; the baseline is the same server's memory just before each upload.

    .venv/bin/python bench/upload.py [--mib 1024]

Target: peak RSS rises by less than 50 MB.
"""

from __future__ import annotations

import argparse
import base64
import http.client
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

MIB = 1024 * 1024


def rss_bytes(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    return 0


class Sampler:
    def __init__(self, pid: int):
        self.pid, self.peak, self.running = pid, 0, True
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def run(self):
        while self.running:
            self.peak = max(self.peak, rss_bytes(self.pid))
            time.sleep(0.02)

    def stop(self) -> int:
        self.running = False
        self.thread.join()
        return self.peak


def chunks(total: int, size: int):
    block = os.urandom(size)
    sent = 0
    while sent < total:
        n = min(size, total - sent)
        yield block[:n]
        sent += n


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def setup(root: Path) -> tuple[dict, str]:
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{root / 'tb.db'}",
        "TOURBUILDER_INSTANCE_PATH": str(root / "instance"),
        "TOURBUILDER_MEDIA_ROOT": str(root / "media"),
        "TOURBUILDER_SECRET_KEY": "bench",
        "TOURBUILDER_ADMIN_PASSWORD": "benchmark password",
        "TOURBUILDER_UPLOAD_LIMITS": "{}",
    }
    env.pop("REDIS_URL", None)
    cli = [sys.executable, "-m", "tourbuilder.cli"]
    subprocess.run([*cli, "db", "upgrade"], env=env, check=True, capture_output=True)
    subprocess.run(
        [*cli, "create-admin", "bench@example.org"], env=env, check=True, capture_output=True
    )
    subprocess.run([*cli, "demo"], env=env, check=True, capture_output=True)  # team 1
    token = subprocess.run(
        [*cli, "token", "create", "bench@example.org"],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    return env, token


def tus_upload(port: int, token: str, total: int) -> None:
    auth = {"Authorization": f"Bearer {token}", "Tus-Resumable": "1.0.0"}
    meta = ",".join(
        f"{k} {base64.b64encode(v.encode()).decode()}"
        for k, v in {"filename": "big.bin", "team_id": "1"}.items()
    )
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    conn.request(
        "POST",
        "/uploads/tus",
        headers={**auth, "Upload-Length": str(total), "Upload-Metadata": meta},
    )
    response = conn.getresponse()
    response.read()
    location = response.getheader("Location")
    offset = 0
    for chunk in chunks(total, 8 * MIB):
        conn.request(
            "PATCH",
            location,
            body=chunk,
            headers={
                **auth,
                "Upload-Offset": str(offset),
                "Content-Type": "application/offset+octet-stream",
            },
        )
        response = conn.getresponse()
        response.read()
        assert response.status == 204, response.status
        offset += len(chunk)
    conn.close()


def multipart_upload(port: int, token: str, total: int) -> None:
    boundary = "benchboundary"
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="team_id"\r\n\r\n1\r\n'
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
        f'filename="big2.bin"\r\nContent-Type: application/octet-stream\r\n\r\n'
    ).encode()
    tail = f"\r\n--{boundary}--\r\n".encode()

    def body():
        yield head
        yield from chunks(total, 4 * MIB)
        yield tail

    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    conn.putrequest("POST", "/api/v1/media")
    conn.putheader("Authorization", f"Bearer {token}")
    conn.putheader("Content-Type", f"multipart/form-data; boundary={boundary}")
    conn.putheader("Content-Length", str(len(head) + total + len(tail)))
    conn.endheaders()
    for part in body():
        conn.send(part)
    response = conn.getresponse()
    response.read()
    assert response.status in (200, 201), response.status
    conn.close()


def measure(name, upload, pid, port, token, total):
    time.sleep(0.5)
    baseline = rss_bytes(pid)
    sampler = Sampler(pid)
    started = time.perf_counter()
    upload(port, token, total)
    seconds = time.perf_counter() - started
    peak = sampler.stop()
    rise = peak - baseline
    print(
        f"{name:<22} {total / MIB:>7.0f} MiB in {seconds:6.1f} s ({total / MIB / seconds:6.1f}"
        f" MiB/s)  server RSS {baseline / MIB:6.1f} -> peak {peak / MIB:6.1f} MiB:"
        f" rise {rise / MIB:5.1f} MiB = {rise / total:.3f}x the file"
        f" [{'ok' if rise < 50e6 else 'OVER'} target < 50 MB]"
    )
    return rise


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mib", type=int, default=1024, help="upload size in MiB")
    args = parser.parse_args()
    total = args.mib * MIB
    with tempfile.TemporaryDirectory(prefix="tb-bench-upload-") as tmp:
        env, token = setup(Path(tmp))
        port = free_port()
        server = subprocess.Popen(
            [sys.executable, "-m", "tourbuilder.cli", "serve", "--port", str(port)],
            env=env,
            start_new_session=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            for _ in range(100):
                try:
                    http.client.HTTPConnection("127.0.0.1", port, timeout=2).request("GET", "/")
                    break
                except OSError:
                    time.sleep(0.2)
            print(f"tourbuilder serve (waitress), 1 process; upload of {args.mib} MiB")
            rises = [
                measure("tus, 8 MiB chunks", tus_upload, server.pid, port, token, total),
                measure("multipart POST", multipart_upload, server.pid, port, token, total),
            ]
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
                server.wait()
    return 0 if max(rises) < 50e6 else 1


if __name__ == "__main__":
    sys.exit(main())
