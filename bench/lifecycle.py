"""Incoming lifecycles per second through the JSON API, on SQLite (or ``BENCH_DATABASE_URL``), on one core
(issue 13 D).

One lifecycle: the clerk receives a document with a one-page PDF, finds the verify task in her
task list and accepts it; the leader finds the route task in his and routes the document to a
specialist; the specialist finds the process task in hers and files it — seven requests through
the in-process Flask test client, each answered as a real client would see it.

The process pins itself to one CPU for the measurement (``BENCH_CPU``, default 0). Prints the
lifecycles per second (median of a few rounds), the time and SQL statements of each request kind.
``BENCH_LIFECYCLES`` changes the number of lifecycles per round (default 100).
"""
from __future__ import annotations

import io
import json
import os
import statistics
import time
from collections import defaultdict
from contextlib import contextmanager
from pathlib import Path

from bench.common import DEMO_PASSWORD, database_name

ROUNDS = 5
WARM_UP = 10


def _pdfs(count: int) -> list[bytes]:
    import pikepdf

    out = []
    for i in range(count):
        pdf = pikepdf.new()
        pdf.add_blank_page()
        pdf.docinfo["/Title"] = f"Công văn số {i} về chính sách lao động"
        buffer = io.BytesIO()
        pdf.save(buffer, static_id=True)
        out.append(buffer.getvalue())
    return out


@contextmanager
def pinned_to_one_cpu():
    """Run the block on one CPU (the figure the issue asks for), then give the others back."""
    before = os.sched_getaffinity(0)
    cpu = int(os.environ.get("BENCH_CPU", "0"))
    os.sched_setaffinity(0, {cpu})
    try:
        yield cpu
    finally:
        os.sched_setaffinity(0, before)


class Client:
    """The API as the clerk, the leader and the specialist, recording time and SQL per request kind.

    Requests go through the in-process Flask test client; :class:`HttpClient` sends the same ones
    to a server over HTTP.
    """

    def __init__(self, app, statements):
        self.http = app.test_client() if app is not None else None
        self.statements = statements
        self.times: dict[str, list[float]] = defaultdict(list)
        self.sql: dict[str, list[int]] = defaultdict(list)
        self.headers = {}
        for username in ("vanthu", "giamdoc", "cv.ldvl"):
            status, body = self.send("POST", "/session", {}, json={"username": username, "password": DEMO_PASSWORD})
            assert status == 200, body
            self.headers[username] = {"Authorization": "Bearer " + body["token"]}

    def send(self, method: str, path: str, headers: dict, **kw) -> tuple[int, dict]:
        response = self.http.open("/api/v1" + path, method=method, headers=headers, **kw)
        return response.status_code, response.json

    def call(self, kind: str, method: str, username: str, path: str, expected: int, **kw):
        before = self.statements[0]
        started = time.perf_counter()
        status, body = self.send(method, path, self.headers[username], **kw)
        self.times[kind].append(time.perf_counter() - started)
        self.sql[kind].append(self.statements[0] - before)
        assert status == expected, (kind, status, body)
        return body

    def task(self, username: str, document_id: int, name: str) -> str:
        items = self.call("task list", "GET", username, "/tasks", 200)["items"]
        return next(t["id"] for t in items if t["document_id"] == document_id and t["name"] == name)

    def lifecycle(self, number: int, pdf: bytes) -> None:
        from engine import clock

        meta = {"sender_org_id": "000.00.00.H47", "sender_org_name": "Ủy ban nhân dân tỉnh Quảng Nam",
                "number": str(number), "notation": "UBND-KGVX", "issued_on": clock.today().isoformat(),
                "doc_type": "CV",
                "subject": f"V/v triển khai chính sách lao động đợt {number}", "urgency": "normal",
                "secrecy": "none", "source": "electronic"}
        doc = self.call("receive", "POST", "vanthu", "/documents/incoming", 201,
                        data={"metadata": json.dumps(meta, ensure_ascii=False),
                              "files": [(io.BytesIO(pdf), f"cv-{number}.pdf")]},
                        content_type="multipart/form-data")
        self.call("accept", "POST", "vanthu", f"/tasks/{self.task('vanthu', doc['id'], 'verify')}/complete", 200,
                  json={"decision": "accept", "not_duplicate": True})
        self.call("route", "POST", "giamdoc", f"/tasks/{self.task('giamdoc', doc['id'], 'route')}/complete", 200,
                  json={"lead": ["user:cv.ldvl"], "deadline": 5})
        done = self.call("process", "POST", "cv.ldvl",
                         f"/tasks/{self.task('cv.ldvl', doc['id'], 'process')}/complete", 200,
                         json={"action": "file", "note": "Lưu hồ sơ"})
        assert done["status"] == "completed", done["status"]


def run(workdir: Path) -> None:
    import logging

    from sqlalchemy import event

    from bench.common import make_app
    from engine.db import db

    per_round = int(os.environ.get("BENCH_LIFECYCLES", "100"))
    logging.getLogger().setLevel(logging.WARNING)
    app = make_app(workdir)
    pdfs = _pdfs(WARM_UP + ROUNDS * per_round)
    statements = [0]
    with app.app_context():
        engine = db.engine

    def count(*_args):
        statements[0] += 1

    # Each request runs in its own application context (its own database session), as under a server.
    event.listen(engine, "before_cursor_execute", count)
    client = Client(app, statements)
    for i in range(WARM_UP):
        client.lifecycle(i + 1, pdfs[i])
    client.times.clear()
    client.sql.clear()
    rates, cpu_rates = [], []
    with pinned_to_one_cpu() as cpu:
        for r in range(ROUNDS):
            started, cpu_started = time.perf_counter(), time.process_time()
            for i in range(per_round):
                n = WARM_UP + r * per_round + i
                client.lifecycle(n + 1, pdfs[n])
            rates.append(per_round / (time.perf_counter() - started))
            cpu_rates.append(per_round / (time.process_time() - cpu_started))
    event.remove(engine, "before_cursor_execute", count)
    print(f"   {ROUNDS} rounds of {per_round} lifecycles (receive, accept, route, process; each step found "
          f"in the task list) on CPU {cpu}, {database_name()}")
    print(f"   lifecycles per second: median {statistics.median(rates):.1f} "
          f"(rounds: {', '.join(f'{r:.1f}' for r in rates)})")
    # CPU time is what the code costs; wall time also shows what other work on the shared CPU took.
    print(f"   per CPU second of this process: median {statistics.median(cpu_rates):.1f} "
          f"(rounds: {', '.join(f'{r:.1f}' for r in cpu_rates)})")
    total_ms, total_sql = 0.0, 0.0
    for kind, samples in client.times.items():
        per_lifecycle = len(samples) / (ROUNDS * per_round)  # the task list is read three times
        total_ms += statistics.median(samples) * 1000 * per_lifecycle
        total_sql += statistics.median(client.sql[kind]) * per_lifecycle
        print(f"   {kind:<10} x{per_lifecycle:.0f}: median {statistics.median(samples) * 1000:6.2f} ms, "
              f"{statistics.median(client.sql[kind]):3.0f} SQL statements")
    print(f"   one lifecycle: {total_ms:.1f} ms in requests (sum of medians), {total_sql:.0f} SQL statements")
