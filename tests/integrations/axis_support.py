"""The stand-in axis served over real HTTP on loopback, for tests that exchange packages."""
from __future__ import annotations

import logging
import socket
import threading

from werkzeug.serving import make_server

from integrations.axis.standin import create_app


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class StandInAxis:
    """``start()`` may come late (the axis "down" until then) on a port chosen early."""

    def __init__(self, folder, tokens: dict[str, str], port: int | None = None):
        self.port = port or free_port()
        self.app = create_app({"AXIS_STANDIN_DIR": str(folder), "AXIS_STANDIN_TOKENS": tokens})
        self.server = None
        self.thread = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self):
        self.server = make_server("127.0.0.1", self.port, self.app, threaded=True)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        return self

    def stop(self):
        if self.server is not None:
            self.server.shutdown()
            self.thread.join(timeout=10)
            self.server = None


logging.getLogger("werkzeug").setLevel(logging.WARNING)  # one line per request of the stand-in is noise here
