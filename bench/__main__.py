"""Run every benchmark and print its figures: `make bench` or `python -m bench [name ...]`."""
from __future__ import annotations

import importlib
import sys
import tempfile
import time
from pathlib import Path

# Long runs by name only: `python -m bench search`, `task_list_load`, `lifecycle_instructions`,
# `lifecycle_server`, `lifecycle_baseline`, `lifecycle_profile`.
BENCHES = ["inbox", "timer_sweep", "signing", "passwords", "interconnection", "processes",
           "registers", "lifecycle"]


def main(names: list[str]) -> None:
    for name in names or BENCHES:
        try:
            module = importlib.import_module(f"bench.{name}")
        except ModuleNotFoundError as exc:
            if exc.name == f"bench.{name}":
                print(f"== {name}: not available")
                continue
            raise
        print(f"== {name}")
        started = time.perf_counter()
        with tempfile.TemporaryDirectory(prefix=f"qoffice-bench-{name}-") as workdir:
            module.run(Path(workdir))
        print(f"   ({time.perf_counter() - started:.1f} s)")


if __name__ == "__main__":
    main(sys.argv[1:])
