"""The task list under load (issue 13 D): 200,000 documents, gunicorn, 20 concurrent API clients.

Documents and inbox rows are bulk-inserted as in bench/inbox.py (one open task for one document in
ten: 20,000 open tasks). gunicorn serves the app on a free local port (two workers per CPU, threads);
20 clients — threads with keep-alive connections, each signed in as one of eight people — read
``GET /api/v1/tasks`` (first page and the four tabs) back to back. Prints the latency one client
alone sees, then throughput and latency percentiles under the 20 clients.

``BENCH_DOCUMENTS``, ``BENCH_CLIENTS``, ``BENCH_SECONDS``, ``BENCH_WORKERS`` and ``BENCH_THREADS`` change
200,000, 20, 20, two per CPU and 5; on PostgreSQL:
``BENCH_DATABASE_URL=postgresql+psycopg2://… python -m bench task_list_load`` (an empty database).
"""
from __future__ import annotations

import http.client
import json
import os
import random
import statistics
import threading
import time
from pathlib import Path

from bench.common import free_port, gunicorn

# Two worker processes per CPU (gunicorn's advice is two to four), five threads each: with ten threads
# in a process, requests queued behind one interpreter lock and the slowest waited longest.
WORKERS = int(os.environ.get("BENCH_WORKERS", 2 * (os.cpu_count() or 1)))
THREADS = int(os.environ.get("BENCH_THREADS", 5))
PEOPLE = ("giamdoc", "phogiamdoc", "tp.ldvl", "cv.ldvl", "tp.ncc", "cv.ncc", "vanthu", "tp.vp")


def _seed(workdir: Path, documents: int) -> dict[str, str]:
    """Bulk-insert the documents; sign the people in. Returns their bearer tokens."""
    from bench.common import make_app
    from bench.inbox import populate
    from engine.db import db
    from engine.models import User
    from engine.people import sessions

    app = make_app(workdir)
    with app.app_context():
        started = time.perf_counter()
        _users, task_rows = populate(db, random.Random(2026), documents)
        print(f"   {documents:,} documents, {task_rows:,} inbox rows bulk-inserted in "
              f"{time.perf_counter() - started:.0f} s ({db.engine.dialect.name})")
        if db.engine.dialect.name == "postgresql":  # what autovacuum does to a live database: statistics,
            db.session.commit()                        # and the visibility map index-only scans rely on
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
                connection.execute(db.text("VACUUM ANALYZE"))
        tokens = {u.username: sessions.start(u, "api") for u in
                  db.session.query(User).filter(User.username.in_(PEOPLE))}
        db.session.remove()
        db.engine.dispose()
    return tokens


def _reader(port: int, token: str, until: float, samples: list[float], errors: list[str]) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Authorization": "Bearer " + token}
    while time.perf_counter() < until:
        started = time.perf_counter()
        connection.request("GET", "/api/v1/tasks", headers=headers)
        response = connection.getresponse()
        body = response.read()
        samples.append(time.perf_counter() - started)
        if response.status != 200 or "counts" not in json.loads(body):
            errors.append(f"{response.status} {body[:200]!r}")


def _percentiles(samples: list[float]) -> str:
    ordered = sorted(samples)

    def at(share: float) -> float:
        return ordered[min(len(ordered) - 1, int(share * len(ordered)))] * 1000

    return f"p50 {statistics.median(ordered) * 1000:6.1f} ms, p95 {at(0.95):6.1f} ms, p99 {at(0.99):6.1f} ms"


def run(workdir: Path) -> None:
    documents = int(os.environ.get("BENCH_DOCUMENTS", "200000"))
    clients = int(os.environ.get("BENCH_CLIENTS", "20"))
    seconds = float(os.environ.get("BENCH_SECONDS", "20"))
    tokens = _seed(workdir, documents)
    port = free_port()
    server = gunicorn(workdir, port, ["--workers", str(WORKERS), "--threads", str(THREADS),
                                      "--worker-class", "gthread"])
    try:
        alone: list[float] = []
        errors: list[str] = []
        for username in PEOPLE:  # each person's first list, then one client at a time
            _reader(port, tokens[username], time.perf_counter() + 0.5, [], errors)
        _reader(port, tokens["giamdoc"], time.perf_counter() + 5, alone, errors)
        print(f"   one client (giamdoc, {len(alone)} lists): {_percentiles(alone)}")
        samples: list[list[float]] = [[] for _ in range(clients)]
        until = time.perf_counter() + seconds
        threads = [threading.Thread(target=_reader, args=(port, tokens[PEOPLE[i % len(PEOPLE)]], until,
                                                          samples[i], errors)) for i in range(clients)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        every = [s for per_client in samples for s in per_client]
        print(f"   {clients} clients for {seconds:.0f} s on gunicorn ({WORKERS} workers x {THREADS} threads): "
              f"{len(every) / seconds:.0f} lists/s, {_percentiles(every)}, {len(errors)} errors")
        if errors:
            print("   first error:", errors[0])
    finally:
        server.terminate()
        server.wait(timeout=30)
