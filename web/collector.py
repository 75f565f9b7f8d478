"""Garbage-collector settings of a serving process (web worker, scheduler).

Start-up builds a few hundred thousand long-lived objects (mappers, parsed diagrams, templates, compiled
statements). Python's full collection walks all of them, and with the default young-generation threshold
(700 allocations) a single request triggers dozens of collections. Frozen after start-up, they are never
walked again; a larger young threshold lets one request's short-lived objects die by reference counting
before a collection looks at them. Cycles (workflow task trees) are still collected, a little later.
"""
from __future__ import annotations

import gc

YOUNG_THRESHOLD = 10_000  # objects; each request allocates a few thousand


def settle_after_startup() -> None:
    """Collect start-up garbage, freeze what survives, and collect young objects less often."""
    gc.collect()
    gc.freeze()
    _young, middle, old = gc.get_threshold()
    gc.set_threshold(YOUNG_THRESHOLD, middle, old)
