"""Incoming lifecycles per second served by one real server process on one CPU (issue 13 D).

The ``lifecycle`` bench runs the client inside the server's process, so the CPU it reports also pays
for building the requests and reading the answers. Here gunicorn serves the app with one sync worker
pinned to one CPU (``BENCH_CPU``, default 0) and the clients run in this process on the other CPUs,
over keep-alive HTTP connections: the same seven requests per lifecycle as ``lifecycle``.
``BENCH_CLIENTS`` clients (default 3) keep the worker busy, so lifecycles per second is what one core
of server sustains; the worker's own CPU time per lifecycle is printed too.
``BENCH_LIFECYCLES`` changes the number of lifecycles measured (default 300).

Long: run by name only, `python -m bench lifecycle_server`.
"""
from __future__ import annotations

import http.client
import json as _json  # the name json is a parameter of send()
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from bench.common import ROOT, database_name, free_port, gunicorn
from bench.lifecycle import WARM_UP, Client, _pdfs


class HttpClient(Client):
    """The lifecycle's requests over one keep-alive HTTP connection."""

    def __init__(self, port: int):
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        super().__init__(None, [0])

    def send(self, method: str, path: str, headers: dict, *, json=None, data=None, content_type=None):
        headers = dict(headers)
        if json is not None:
            body, headers["Content-Type"] = _json.dumps(json, ensure_ascii=False).encode(), "application/json"
        elif data is not None:
            values = {k: [FileStorage(f, filename=name) for f, name in v] if k == "files" else v
                      for k, v in data.items()}
            boundary, body = encode_multipart(values)
            headers["Content-Type"] = f"multipart/form-data; boundary={boundary}"
        else:
            body = None
        self.connection.request(method, "/api/v1" + path, body=body, headers=headers)
        response = self.connection.getresponse()
        body = response.read()
        return response.status, _json.loads(body) if body else None


def _cpu_seconds(pid: int) -> float:
    """User + system CPU time of ``pid`` and its children processes (the gunicorn worker)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for process in [pid, *_children(pid)]:
        fields = Path(f"/proc/{process}/stat").read_text().rsplit(")", 1)[1].split()
        total += (int(fields[11]) + int(fields[12])) / ticks
    return total


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(c) for c in (task / "children").read_text().split()]
    return found


def run(workdir: Path) -> None:
    count = int(os.environ.get("BENCH_LIFECYCLES", "300"))
    clients = int(os.environ.get("BENCH_CLIENTS", "3"))
    cpu = int(os.environ.get("BENCH_CPU", "0"))
    done, elapsed, server_cpu = measure(workdir, ROOT, count, clients, cpu)
    print(f"   {done} lifecycles (receive, accept, route, process; each step found in the task list), "
          f"{clients} clients, gunicorn with one sync worker on CPU {cpu}, {database_name()}")
    print(f"   lifecycles per second: {done / elapsed:.1f}")
    print(f"   server CPU per lifecycle: {server_cpu / done * 1000:.1f} ms "
          f"({done / server_cpu:.1f} lifecycles per CPU second of the server)")


def measure(workdir: Path, root: Path, count: int, clients: int, cpu: int) -> tuple[int, float, float]:
    """Serve the code of the checkout ``root`` from ``workdir`` and run about ``count`` lifecycles through it.

    Returns the lifecycles run, the seconds they took and the server's CPU seconds for them. Leaves
    this process on the CPUs other than ``cpu``.
    """
    _initialise(workdir, root)
    others = (os.sched_getaffinity(0) - {cpu}) or {cpu}
    os.sched_setaffinity(0, others)  # the clients stay off the server's CPU
    pdfs = _pdfs(clients * (WARM_UP + count // clients + 1))
    port = free_port()
    server = gunicorn(workdir, port, ["--workers", "1", "--worker-class", "sync", "--keep-alive", "60"],
                      root=root, preexec_fn=lambda: os.sched_setaffinity(0, {cpu}))
    try:
        people = [HttpClient(port) for _ in range(clients)]
        numbers = iter(range(1, len(pdfs) + 1))
        for client in people:
            for _ in range(WARM_UP):
                n = next(numbers)
                client.lifecycle(n, pdfs[n - 1])
            client.times.clear()
        share = count // clients
        errors: list[BaseException] = []

        def work(client: HttpClient, first: int) -> None:
            try:
                for n in range(first, first + share):
                    client.lifecycle(n, pdfs[n - 1])
            except BaseException as exc:  # reported below: a failed lifecycle spoils the figure
                errors.append(exc)

        start_at = next(numbers)
        threads = [threading.Thread(target=work, args=(c, start_at + i * share)) for i, c in enumerate(people)]
        cpu_before, started = _cpu_seconds(server.pid), time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed, server_cpu = time.perf_counter() - started, _cpu_seconds(server.pid) - cpu_before
        if errors:
            raise errors[0]
        return share * clients, elapsed, server_cpu
    finally:
        server.terminate()
        server.wait(timeout=30)


def _initialise(workdir: Path, root: Path) -> None:
    """The demo organisation in ``workdir``'s database, made by the code of ``root`` (which the server runs)."""
    script = "import sys; from pathlib import Path; from bench.common import make_app; make_app(Path(sys.argv[1]))"
    subprocess.run([sys.executable, "-c", script, str(workdir)], cwd=root, check=True, capture_output=True,
                   env={**os.environ, "PYTHONPATH": str(root)})
