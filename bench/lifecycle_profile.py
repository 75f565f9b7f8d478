"""Where an incoming lifecycle's time goes, by library (issue 13 D): what a faster version of our own
code could remove, and what stays whatever it does.

Runs the ``lifecycle`` bench's requests in process, first plain (milliseconds per lifecycle), then
under cProfile, and splits the profiled self time by the library the function belongs to. cProfile
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
LIBRARIES = {"sqlalchemy": "SQLAlchemy", "SpiffWorkflow": "SpiffWorkflow", "werkzeug": "Flask and Werkzeug",
             "flask": "Flask and Werkzeug", "/json/": "JSON", "uuid": "uuid",
             "/engine/": "our code", "/web/": "our code", "/integrations/": "our code", "/reports/": "our code"}
STAYS = ("SpiffWorkflow", "Flask and Werkzeug", "sqlite3", "JSON", "uuid")


def _library(path: str, name: str) -> str:
    if path == "~":  # a built-in: named by the function, not a file
        return "sqlite3" if "sqlite3" in name else "built-ins (called from anywhere)"
    return next((library for fragment, library in LIBRARIES.items() if fragment in path), "other")


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
    with pinned_to_one_cpu():
        started = time.process_time()
        for n in range(WARM_UP, WARM_UP + count):
            client.lifecycle(n + 1, pdfs[n])
        plain_ms = (time.process_time() - started) / count * 1000
        profiler = cProfile.Profile()
        profiler.enable()
        for n in range(WARM_UP + count, WARM_UP + 2 * count):
            client.lifecycle(n + 1, pdfs[n])
        profiler.disable()
    shares: Counter[str] = Counter()
    for (path, _line, name), (_calls, _primitive, self_time, _cumulative, _callers) in \
            pstats.Stats(profiler).stats.items():  # type: ignore[attr-defined]
        shares[_library(path, name)] += self_time
    total = sum(shares.values())
    print(f"   {count} lifecycles, SQLite: {plain_ms:.1f} ms of CPU per lifecycle without the profiler")
    for library, seconds in shares.most_common():
        print(f"   {library:<34} {100 * seconds / total:5.1f} %   ~{plain_ms * seconds / total:5.1f} ms")
    stays = sum(shares[library] for library in STAYS) / total
    print(f"   stays whatever our code does ({', '.join(STAYS)}): {100 * stays:.0f} %, "
          f"~{plain_ms * stays:.1f} ms per lifecycle")
