"""A bounded load of simulated users on a running Q-Office (``make prod-demo``), reporting p95 per endpoint.

    python -m tests.reliability.load --base-url http://127.0.0.1:8000 --users 50 --seconds 300

Each simulated user signs in as a demo account of its role and works in a loop with think time:
clerks receive and verify documents and issue signed ones, leaders route and sign, unit heads assign
and review, specialists process, contribute and draft, readers browse. Several simulated users share
an account, so they race for the same tasks: the loser must get 409, never a 403 or a 5xx. The run
stops by itself after ``--seconds``; it exits non-zero on any server error or unexpected answer.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import re
import sys
import threading
import time
import uuid
from collections import Counter, defaultdict
from statistics import quantiles

import requests

from tests.conftest import incoming_meta, make_pdf

PASSWORD = os.environ.get("QOFFICE_DEMO_PASSWORD", "Mat-khau-demo-2026")
# (role, account, how many simulated users of the 50) — scaled for other user counts.
CAST = [("clerk", "vanthu", 8), ("leader", "giamdoc", 4), ("leader", "phogiamdoc", 2),
        ("unit_head", "tp.ldvl", 4), ("unit_head", "tp.ncc", 4), ("specialist", "cv.ldvl", 6),
        ("specialist", "cv.ncc", 6), ("reader", "giamdoc", 4), ("reader", "tp.vp", 4), ("reader", "vanthu", 4),
        ("reader", "cv.ldvl", 4)]
UNIT_OF = {"tp.ldvl": "ldvl", "tp.ncc": "ncc", "cv.ldvl": "ldvl", "cv.ncc": "ncc"}
STAFF = {"ldvl": "cv.ldvl", "ncc": "cv.ncc"}
ID = re.compile(r"/(\d+|[0-9a-f]{8}-[0-9a-f-]{27})(?=/|$)")


class Recorder:
    """Latency and status per endpoint (method and path with ids folded), shared by all users."""

    def __init__(self):
        self.lock = threading.Lock()
        self.latency = defaultdict(list)
        self.statuses = defaultdict(Counter)
        self.conflicts = Counter()
        self.unexpected: list[str] = []

    def add(self, method: str, path: str, response: requests.Response | None, seconds: float, expected) -> None:
        endpoint = f"{method} {ID.sub('/{id}', path.split('?')[0])}"
        status = response.status_code if response is not None else 0
        with self.lock:
            self.latency[endpoint].append(seconds)
            self.statuses[endpoint][status] += 1
            if status == 409:
                self.conflicts[f"{endpoint} {_error(response)}"] += 1
            if status >= 500 or status == 0 or status not in expected:
                self.unexpected.append(f"{endpoint} {status} {response.text[:200] if response is not None else ''}")

    def report(self, seconds: float) -> dict:
        rows = {}
        for endpoint in sorted(self.latency):
            values = sorted(self.latency[endpoint])
            p95 = quantiles(values, n=20, method="inclusive")[-1] if len(values) > 1 else values[0]
            rows[endpoint] = {"requests": len(values), "p50_ms": round(values[len(values) // 2] * 1000),
                              "p95_ms": round(p95 * 1000), "max_ms": round(values[-1] * 1000),
                              "statuses": dict(self.statuses[endpoint])}
        total = sum(len(v) for v in self.latency.values())
        server_errors = sum(c for s in self.statuses.values() for code, c in s.items() if code >= 500)
        return {"seconds": round(seconds), "requests": total, "requests_per_second": round(total / seconds, 1),
                "server_errors": server_errors, "conflicts": dict(self.conflicts),
                "unexpected": self.unexpected[:50], "endpoints": rows}


def _error(response) -> str:
    try:
        return response.json().get("error", "?")
    except ValueError:
        return "?"


class User:
    """One simulated person: an HTTP session signed in as ``account``."""

    def __init__(self, base: str, role: str, account: str, recorder: Recorder, rng: random.Random):
        self.base, self.role, self.account, self.recorder, self.rng = base + "/api/v1", role, account, recorder, rng
        self.http = requests.Session()
        self.seen: list[int] = []
        response = self.call("POST", "/session", {200}, json={"username": account, "password": PASSWORD})
        self.http.headers["Authorization"] = "Bearer " + response.json()["token"]

    def call(self, method: str, path: str, expected=frozenset({200}), **kw) -> requests.Response | None:
        started = time.perf_counter()
        try:
            response = self.http.request(method, self.base + path, timeout=60, **kw)
        except requests.RequestException:
            response = None
        self.recorder.add(method, path, response, time.perf_counter() - started, expected)
        return response

    def tasks(self, name: str) -> list[dict]:
        response = self.call("GET", "/tasks")
        items = response.json()["items"] if response is not None and response.status_code == 200 else []
        return [t for t in items if t["name"] == name]

    def complete(self, task: dict, form: dict) -> None:
        # 409: someone sharing the account (or the queue) was first. Never 403 or 5xx.
        self.call("POST", f"/tasks/{task['id']}/complete", {200, 409}, json=form)

    def first(self, name: str) -> dict | None:
        found = self.tasks(name)
        # Users of one account mostly take the most urgent task: they race for it on purpose.
        return found[0] if found and self.rng.random() < 0.7 else (self.rng.choice(found) if found else None)

    # -- what each role does ---------------------------------------------------------------

    def clerk(self) -> None:
        choice = self.rng.random()
        if choice < 0.35:
            meta = incoming_meta(number=str(uuid.uuid4().int % 10**8),
                                 subject=f"V/v tải thử {uuid.uuid4().hex[:10]} về chính sách lao động")
            files = {"metadata": (None, json.dumps(meta, ensure_ascii=False)),
                     "files": ("cong-van.pdf", make_pdf(), "application/pdf")}
            self.call("POST", "/documents/incoming", {201}, files=files,
                      headers={"Idempotency-Key": uuid.uuid4().hex})
        elif choice < 0.75 and (task := self.first("verify")):
            leader = self.rng.choice(["user:giamdoc", "user:phogiamdoc"])
            self.complete(task, {"decision": "accept", "leader": leader})
        elif task := self.first("issue"):
            self.complete(task, {"pin": PASSWORD})

    def leader(self) -> None:
        if task := self.first("route"):
            unit = self.rng.choice(["ldvl", "ncc"])
            lead = f"unit:{unit}" if self.rng.random() < 0.6 else f"user:{STAFF[unit]}"
            form = {"lead": [lead], "instruction": "Đề nghị xử lý đúng hạn."}
            if self.rng.random() < 0.3:
                form["coordinate"] = [f"unit:{'ncc' if unit == 'ldvl' else 'ldvl'}"]
            self.complete(task, form)
        elif task := self.first("sign"):
            self.complete(task, {"decision": "sign", "pin": PASSWORD})
        else:
            self.call("GET", "/overview", {200})

    def unit_head(self) -> None:
        if task := self.first("assign"):
            self.complete(task, {"assignees": [f"user:{STAFF[UNIT_OF[self.account]]}"]})
        elif task := self.first("review"):
            self.complete(task, {"decision": "approve", "note": "Đồng ý trình ký."})
        else:
            self.call("GET", "/tasks/counts", {200})

    def specialist(self) -> None:
        if self.rng.random() < 0.03:
            meta = {"doc_type": "CV", "subject": f"V/v báo cáo tải thử {uuid.uuid4().hex[:10]}",
                    "receivers": ["unit:ncc" if UNIT_OF[self.account] == "ldvl" else "unit:ldvl"],
                    "urgency": "normal", "signer": "user:giamdoc",
                    "body": "Đề nghị các phòng tổng hợp số liệu lao động, việc làm quý IV và gửi về Văn phòng Sở."}
            self.call("POST", "/documents/outgoing", {201},
                      files={"metadata": (None, json.dumps(meta, ensure_ascii=False))},
                      headers={"Idempotency-Key": uuid.uuid4().hex})
        elif task := self.first("submit"):
            self.complete(task, {})
        elif task := self.first("contribute"):
            self.complete(task, {"opinion": "Thống nhất với dự thảo, đề nghị bổ sung số liệu."})
        elif task := self.first("process"):
            self.complete(task, {"action": self.rng.choice(["file", "report"]), "note": "Đã xử lý."})

    def reader(self) -> None:
        choice = self.rng.random()
        if choice < 0.4 or not self.seen:
            response = self.call("GET", "/documents", {200},
                                 params={"q": self.rng.choice(["chính sách", "lao động", "tải thử", "báo cáo"])})
            if response is not None and response.status_code == 200:
                self.seen = [d["id"] for d in response.json()["items"]][:20]
        elif choice < 0.8:
            self.call("GET", f"/documents/{self.rng.choice(self.seen)}", {200, 404})
        else:
            self.call("GET", self.rng.choice(["/notifications", "/registers/outgoing", "/me", "/tasks"]), {200, 403})

    def work(self, until: float) -> None:
        act = getattr(self, self.role)
        while time.monotonic() < until:
            act()
            time.sleep(self.rng.uniform(0.5, 2.5))  # think time: people read before they click


def cast(users: int) -> list[tuple[str, str]]:
    """``users`` (role, account) pairs in CAST's proportions."""
    weights = [(role, account) for role, account, n in CAST for _ in range(n)]
    return [weights[i * len(weights) // users] for i in range(users)]


def run(base_url: str, users: int, seconds: float, seed: int) -> dict:
    recorder = Recorder()
    until = time.monotonic() + seconds
    started = time.monotonic()
    people = [User(base_url, role, account, recorder, random.Random(seed + i))
              for i, (role, account) in enumerate(cast(users))]
    threads = [threading.Thread(target=person.work, args=(until,), daemon=True) for person in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=seconds + 120)  # a request may still be running at the end: 60 s timeout
    return recorder.report(time.monotonic() - started)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base-url", default="http://127.0.0.1:8000")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=300)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--report", help="also write the JSON report to this file")
    args = parser.parse_args(argv)
    report = run(args.base_url, args.users, args.seconds, args.seed)
    text = json.dumps(report, ensure_ascii=False, indent=1)
    if args.report:
        with open(args.report, "w", encoding="utf-8") as handle:
            handle.write(text)
    print(f"{'endpoint':<46} {'requests':>8} {'p50 ms':>7} {'p95 ms':>7} {'max ms':>7}  statuses")
    for endpoint, row in report["endpoints"].items():
        print(f"{endpoint:<46} {row['requests']:>8} {row['p50_ms']:>7} {row['p95_ms']:>7} {row['max_ms']:>7}  "
              f"{row['statuses']}")
    print(f"{report['requests']} requests in {report['seconds']} s ({report['requests_per_second']}/s); "
          f"server errors {report['server_errors']}; conflicts {report['conflicts']}; "
          f"unexpected {len(report['unexpected'])}")
    for line in report["unexpected"]:
        print("  unexpected:", line)
    return 0 if not report["unexpected"] else 1


if __name__ == "__main__":
    sys.exit(main())
