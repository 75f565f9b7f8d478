"""Where an incoming lifecycle's time goes, by library (issue 13 D): what a faster version of our own
code could remove, and what stays whatever it does.

Runs the ``lifecycle`` bench's requests in process, first plain, then under cProfile, each time
counting only the app's side of a request (from the WSGI call to the finished answer, as a server
would run it, not the test client building requests and reading answers), and splits the profiled
self time by the library the function belongs to. cProfile
slows Python calls more than C calls, so the shares are estimates: the C ones (sqlite3) are if anything
too small. "Stays" is what the stack of the design card costs however little our code asks of it:
SpiffWorkflow running the diagrams, Flask and Werkzeug serving the requests, sqlite3 and its commits,
JSON, uuid (SpiffWorkflow's task ids).

``BENCH_LIFECYCLES`` (default 100). Long: run by name only, `python -m bench lifecycle_profile`.
"""
from __future__ import annotations

import cProfile
import os
import pstats
import time
from collections import Counter
from pathlib import Path

WARM_UP = 10

# Path fragments naming each library; the first that matches a function's file wins.
LIBRARIES = {
    "sqlalchemy": "SQLAlchemy",  # flask_sqlalchemy too, before "flask" below
    "SpiffWorkflow": "SpiffWorkflow",
    "werkzeug": "Flask and Werkzeug", "flask": "Flask and Werkzeug",
    "/json/": "JSON", "uuid": "uuid",
    "/engine/": "our code", "/web/": "our code", "/integrations/": "our code", "/reports/": "our code",
}
STAYS = ("SpiffWorkflow", "Flask and Werkzeug", "sqlite3", "JSON", "uuid")


def _library(path: str, name: str) -> str:
    if path == "~":  # a built-in: named by the function, not a file
        return "sqlite3" if "sqlite3" in name else "built-ins (called from anywhere)"
    return next((library for fragment, library in LIBRARIES.items() if fragment in path), "other")


class _ServerSide:
    """Wraps the app's WSGI callable: adds up its CPU time, and profiles it once given a profiler."""

    def __init__(self, app):
        self.wsgi_app, app.wsgi_app = app.wsgi_app, self
        self.cpu_seconds = 0.0
        self.profiler: cProfile.Profile | None = None

    def __call__(self, environ, start_response):
        started = time.process_time()
        if self.profiler is not None:
            self.profiler.enable()
        try:
            return self.wsgi_app(environ, start_response)  # the app's answers are built whole, not streamed
        finally:
            if self.profiler is not None:
                self.profiler.disable()
            self.cpu_seconds += time.process_time() - started


def run(workdir: Path) -> None:
    import logging

    from bench.common import make_app
    from bench.lifecycle import Client, _pdfs, pinned_to_one_cpu

    count = int(os.environ.get("BENCH_LIFECYCLES", "100"))
    logging.getLogger().setLevel(logging.WARNING)
    app = make_app(workdir)
    pdfs = _pdfs(WARM_UP + 2 * count)
    client = Client(app, [0])
    for i in range(WARM_UP):
        client.lifecycle(i + 1, pdfs[i])
    server = _ServerSide(app)
    with pinned_to_one_cpu():
        for n in range(WARM_UP, WARM_UP + count):
            client.lifecycle(n + 1, pdfs[n])
        plain_ms = server.cpu_seconds / count * 1000
        server.profiler = cProfile.Profile()
        for n in range(WARM_UP + count, WARM_UP + 2 * count):
            client.lifecycle(n + 1, pdfs[n])
    profiler = server.profiler
    shares: Counter[str] = Counter()
    for (path, _line, name), (_calls, _primitive, self_time, _cumulative, _callers) in \
            pstats.Stats(profiler).stats.items():  # type: ignore[attr-defined]
        shares[_library(path, name)] += self_time
    total = sum(shares.values())
    print(f"   {count} lifecycles, SQLite: {plain_ms:.1f} ms of the app's CPU per lifecycle without the profiler")
    for library, seconds in shares.most_common():
        print(f"   {library:<34} {100 * seconds / total:5.1f} %   ~{plain_ms * seconds / total:5.1f} ms")
    stays = sum(shares[library] for library in STAYS) / total
    print(f"   stays whatever our code does ({', '.join(STAYS)}): {100 * stays:.0f} %, "
          f"~{plain_ms * stays:.1f} ms per lifecycle")
