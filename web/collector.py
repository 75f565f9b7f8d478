"""Garbage-collector settings of a serving process (web worker, scheduler).

Start-up builds about 270,000 long-lived objects (mappers, parsed diagrams, templates, compiled
statements). Each full collection walks all of them (170 ms, every few thousand requests), and with the
default young-generation threshold (700 net allocations) a young collection runs every few requests.
Frozen after start-up, those objects are never walked again; with a larger young threshold, most of a
request's short-lived objects are freed by reference counting before a collection looks at them. Cycles
(workflow task trees) are still collected, a little later.
"""
from __future__ import annotations

import gc

YOUNG_THRESHOLD = 10_000  # net allocations of container objects; a seven-request lifecycle keeps ~2,000


def settle_after_startup() -> None:
    """Collect start-up garbage, freeze what survives, and collect young objects less often."""
    gc.collect()
    gc.freeze()
    _young, middle, old = gc.get_threshold()
    gc.set_threshold(YOUNG_THRESHOLD, middle, old)
