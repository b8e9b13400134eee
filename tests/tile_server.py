"""A loopback tile server: real PNG tiles over HTTP, every request counted, and switches
to make it slow, failing, redirecting or odd, for the tile cache's tests and the browser
tests (tests/browser/conftest.py)."""

from __future__ import annotations

import io
import threading
import time
from http.server import BaseHTTPRequestHandler
from http.server import ThreadingHTTPServer

from PIL import Image
from PIL import ImageDraw


def tile_png(seed: int = 0) -> bytes:
    """A light 256 px tile with a street grid, so screenshots look like a map."""
    img = Image.new("RGB", (256, 256), (238, 234, 224))
    draw = ImageDraw.Draw(img)
    for pos in range(0, 256, 64):
        draw.line([(pos, 0), (pos, 256)], fill=(255, 255, 255), width=6)
        draw.line([(0, pos), (256, pos)], fill=(255, 255, 255), width=6)
    draw.rectangle([90, 150, 170, 210], fill=(200, 225, 190 - seed % 50))
    out = io.BytesIO()
    img.save(out, "PNG")
    return out.getvalue()


class TileServer:
    """Answers ``/{z}/{x}/{y}.png`` with a real PNG and records each request's path and
    headers. Set ``status``, ``content_type``, ``headers``, ``body``, ``delay`` or
    ``redirect`` to change how it answers; ``reset()`` puts everything back."""

    def __init__(self):
        self.tile = tile_png()
        self.requests: list[str] = []
        self.request_headers: list[dict] = []
        self._lock = threading.Lock()
        self.reset()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 (http.server's name)
                parts = self.path.strip("/").split("/")
                if not (len(parts) == 3 and parts[2].endswith(".png")):
                    self.send_error(404)
                    return
                with server._lock:
                    server.requests.append(self.path)
                    server.request_headers.append(dict(self.headers))
                if server.delay:
                    time.sleep(server.delay)
                if server.redirect:
                    self.send_response(302)
                    self.send_header("Location", server.redirect)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                body = server.body if server.body is not None else server.tile
                etag = server.headers.get("ETag")
                if etag and self.headers.get("If-None-Match") == etag and server.status == 200:
                    self.send_response(304)
                    for name, value in server.headers.items():
                        self.send_header(name, value)
                    self.end_headers()
                    return
                self.send_response(server.status)
                self.send_header("Content-Type", server.content_type)
                self.send_header("Content-Length", str(len(body)))
                self.send_header("Access-Control-Allow-Origin", "*")
                for name, value in server.headers.items():
                    self.send_header(name, value)
                self.end_headers()
                try:
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # Leaflet cancels tiles it no longer needs

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_port}"
        self.template = self.url + "/{z}/{x}/{y}.png"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def reset(self):
        self.status = 200
        self.content_type = "image/png"
        self.headers: dict[str, str] = {}
        self.body: bytes | None = None
        self.delay = 0.0
        self.redirect = ""
        with self._lock:
            self.requests.clear()
            self.request_headers.clear()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()
