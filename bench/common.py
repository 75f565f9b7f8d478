"""A throwaway app with the demo organisation for benchmarks."""
from __future__ import annotations

import os
from pathlib import Path

DEMO_PASSWORD = "bench-password-1"


def make_app(workdir: Path):
    from engine.db import db  # noqa: F401 - imported for side effects of models
    from web import create_app
    from web.cli import initialise

    config = {
        "TESTING": True, "SECRET_KEY": os.urandom(16).hex(),
        "SQLALCHEMY_DATABASE_URI": os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{workdir / 'bench.db'}",
        "QOFFICE_DATA": str(workdir), "QOFFICE_FILES_DIR": str(workdir / "files"),
    }
    app = create_app(config)
    with app.app_context():
        initialise(DEMO_PASSWORD)
    return app
