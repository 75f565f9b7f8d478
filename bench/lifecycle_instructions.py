"""Machine instructions per incoming lifecycle (the ``lifecycle`` bench's seven requests), counted by
valgrind's callgrind: the same figure on a busy or a quiet machine, and from one machine to another
of the same CPU family, where lifecycles per second moved by a factor of three between two machines.

Only the lifecycles are counted (instrumentation is switched on after the app is built and warm).
``BENCH_LIFECYCLES`` changes how many are counted (default 5; about 20 s of valgrind each).
Long: run by name only, `python -m bench lifecycle_instructions`.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from bench.common import database_name

WARM_UP = 5


def _inner(workdir: Path, count: int) -> None:
    """Runs under valgrind: build the app, warm it up, count ``count`` lifecycles."""
    import logging

    from bench.common import make_app
    from bench.lifecycle import Client, _pdfs

    logging.getLogger().setLevel(logging.WARNING)
    app = make_app(workdir)
    pdfs = _pdfs(WARM_UP + count)
    client = Client(app, [0])
    for i in range(WARM_UP):
        client.lifecycle(i + 1, pdfs[i])
    _instrument("on")
    for i in range(WARM_UP, WARM_UP + count):
        client.lifecycle(i + 1, pdfs[i])
    _instrument("off")


def _instrument(state: str) -> None:
    subprocess.run(["callgrind_control", "--instr", state, str(os.getpid())], check=True, capture_output=True)


def run(workdir: Path) -> None:
    if not (shutil.which("valgrind") and shutil.which("callgrind_control")):
        print("   valgrind is not installed (apt-get install valgrind): nothing counted")
        return
    count = int(os.environ.get("BENCH_LIFECYCLES", "5"))
    repo = Path(__file__).resolve().parents[1]
    done = subprocess.run(
        ["valgrind", "--tool=callgrind", "--instr-atstart=no", f"--callgrind-out-file={workdir / 'callgrind.out'}",
         sys.executable, "-m", "bench.lifecycle_instructions", str(workdir), str(count)],
        cwd=repo, capture_output=True, text=True)
    collected = re.search(r"Collected\s*:\s*([\d,]+)", done.stderr)
    if done.returncode != 0 or collected is None:
        print(f"   valgrind failed (exit {done.returncode}): {done.stderr[-500:]}")
        return
    per = int(collected.group(1).replace(",", "")) / count
    print(f"   {count} lifecycles (receive, accept, route, process; each step found in the task list), "
          f"{database_name()}")
    print(f"   instructions per lifecycle: {per / 1e6:.1f} million")


if __name__ == "__main__":
    _inner(Path(sys.argv[1]), int(sys.argv[2]))
