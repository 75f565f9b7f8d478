"""A throwaway app with the demo organisation for benchmarks, and gunicorn serving it."""
from __future__ import annotations

import http.client
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

DEMO_PASSWORD = "bench-password-1"


def make_app(workdir: Path):
    from engine.db import db  # noqa: F401 - imported for side effects of models
    from web import create_app
    from web.cli import initialise
    from web.collector import settle_after_startup

    config = {
        "TESTING": True, "SECRET_KEY": os.urandom(16).hex(),
        "SQLALCHEMY_DATABASE_URI": os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{workdir / 'bench.db'}",
        "QOFFICE_DATA": str(workdir), "QOFFICE_FILES_DIR": str(workdir / "files"),
    }
    app = create_app(config)
    with app.app_context():
        initialise(DEMO_PASSWORD)
    settle_after_startup()  # as wsgi.py does for every serving process
    return app


def database_name() -> str:
    """The database the benches run on: SQLite unless ``BENCH_DATABASE_URL`` names PostgreSQL."""
    return "PostgreSQL" if os.environ.get("BENCH_DATABASE_URL", "").startswith("postgresql") else "SQLite"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def gunicorn(workdir: Path, port: int, options: list[str], *, root: Path = ROOT, **popen) -> subprocess.Popen:
    """gunicorn serving the app on ``port`` with ``workdir``'s database and files, once it answers.

    ``root`` is the checkout whose code is served (another one: an earlier version, for comparison).
    """
    database = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{workdir / 'bench.db'}"
    env = {**os.environ, "QOFFICE_DATA": str(workdir), "DATABASE_URL": database,
           "QOFFICE_FILES_DIR": str(workdir / "files"), "PYTHONPATH": str(root)}
    server = subprocess.Popen([sys.executable, "-m", "gunicorn", *options, "--bind", f"127.0.0.1:{port}",
                               "--log-level", "warning", "wsgi:app"], cwd=root, env=env, **popen)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", "/api/v1/openapi.json")
            if connection.getresponse().status == 200:
                return server
        except OSError:
            time.sleep(0.3)
    server.terminate()
    raise RuntimeError("gunicorn did not start")
