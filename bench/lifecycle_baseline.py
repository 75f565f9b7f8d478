"""How many times faster than when issue 13 was filed the incoming lifecycle is, on this machine (issue 13 D).

Lifecycles per second move with the machine: by three times between two machines of ours, by a
third within an hour on one. The issue's "about 7 per second" was measured on a machine we do not
have. So this bench serves the code the issue measured (main at ``BASELINE``, checked out into a
temporary git worktree) and the code of now, in turns, each with the ``lifecycle_server`` bench's
set-up (gunicorn, one sync worker pinned to one CPU, the clients on the others, the same requests),
and prints the ratio of their server CPU per lifecycle. The issue's target, 50 per second where
that code did 7, is a ratio of 50 / 7 = 7.1 on any machine.

``BENCH_LIFECYCLES`` per turn (default 150), ``BENCH_TURNS`` (default 2). Needs git and the
repository's history (a clone has it). Long: run by name only, `python -m bench lifecycle_baseline`.
"""
from __future__ import annotations

import os
import statistics
import subprocess
from pathlib import Path

from bench.common import ROOT, database_name
from bench.lifecycle_server import measure

BASELINE = "0da962d8ae317c810083bdd7e1bca03f72ff0992"  # main as issue 13 was filed
ISSUE_RATE, TARGET_RATE = 7, 50  # lifecycles per second: the issue's "today" and its target


def run(workdir: Path) -> None:
    count = int(os.environ.get("BENCH_LIFECYCLES", "150"))
    turns = int(os.environ.get("BENCH_TURNS", "2"))
    cpu = int(os.environ.get("BENCH_CPU", "0"))
    if database_name() != "SQLite":
        print("   SQLite only: the issue's figures are for SQLite, and both versions would share one database")
        return
    baseline = workdir / "baseline"
    added = subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", str(baseline), BASELINE],
                           capture_output=True, text=True)
    if added.returncode != 0:
        print(f"   the baseline {BASELINE[:7]} could not be checked out: {added.stderr.strip()[-300:]}")
        return
    try:
        ratios = []
        for turn in range(1, turns + 1):
            per_lifecycle = {}
            for name, root in (("then", baseline), ("now", ROOT)):
                folder = workdir / f"{name}-{turn}"
                folder.mkdir()
                done, _elapsed, server_cpu = measure(folder, root, count, 3, cpu)
                per_lifecycle[name] = server_cpu / done * 1000
            ratios.append(per_lifecycle["then"] / per_lifecycle["now"])
            print(f"   turn {turn}: server CPU per lifecycle {per_lifecycle['then']:.1f} ms then "
                  f"({BASELINE[:7]}), {per_lifecycle['now']:.1f} ms now: {ratios[-1]:.2f} times faster")
    finally:
        subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(baseline)],
                       capture_output=True)
    ratio = statistics.median(ratios)
    print(f"   {turns} turns of {count} lifecycles each, one sync worker on CPU {cpu}, SQLite")
    print(f"   now / then: {ratio:.2f} times faster (median); the target asks {TARGET_RATE / ISSUE_RATE:.1f} times")
    print(f"   where the code of then did the issue's {ISSUE_RATE} per second, the code of now does "
          f"{ISSUE_RATE * ratio:.1f} per second")
