"""A real HTTP server on a loopback port for an app, for tests that go through sockets
(browser tests, concurrency, hostile requests a test client would tidy up)."""

from __future__ import annotations

import threading

from werkzeug.serving import make_server


class LiveServer:
    """``app`` served on 127.0.0.1 by werkzeug's threaded server; ``url`` is its base."""

    def __init__(self, app):
        self.app = app
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()
