"""Small timing helpers for the benchmarks."""
from __future__ import annotations

import statistics
import time


def measure(fn, repeat: int = 7) -> tuple[float, float]:
    """(median, best) wall time in milliseconds of ``fn()`` over ``repeat`` runs after one warm-up."""
    fn()
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples), min(samples)
