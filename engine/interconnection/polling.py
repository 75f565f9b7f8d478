"""Fetching what waits for us on the axis: the scheduler's job.

Each package is taken in (:func:`engine.interconnection.inbound.take_in`) and acknowledged only after
its transaction committed; a crash in between means the package comes again and is recognised as a
duplicate. A package Q-Office refuses is logged for the clerks (and its sender told, when known) and
acknowledged too, so it does not come back; an unexpected failure leaves it on the axis for the next run.
"""
from __future__ import annotations

import logging

from engine.db import db
from engine.errors import DomainError
from engine.interconnection.delivery import configured_axis
from engine.interconnection.inbound import record_rejection, take_in
from integrations.axis import Axis, AxisError

log = logging.getLogger(__name__)


def poll(axis: Axis | None = None, limit: int = 100) -> dict:
    """Take in up to ``limit`` waiting packages; returns counts."""
    axis = axis or configured_axis()
    result = {"configured": axis is not None, "taken": 0, "duplicate": 0, "rejected": 0, "errors": 0}
    if axis is None:
        return result
    try:
        waiting = axis.received()[:limit]
    except AxisError as exc:
        log.warning("axis: cannot list received packages: %s", exc.message)
        result["errors"] += 1
        return result
    for message in waiting:
        try:
            data = axis.fetch(message.id)
            try:
                outcome = take_in(data, via="axis")
                result["duplicate" if outcome.duplicate else "taken"] += 1
            except DomainError as error:
                db.session.rollback()
                record_rejection(data, error)
                result["rejected"] += 1
                log.warning("axis package %s refused: %s", message.id, error.text())
            axis.acknowledge(message.id)
        except AxisError as exc:
            log.warning("axis package %s: %s", message.id, exc.message)
            result["errors"] += 1
        except Exception:  # one bad package must not stop the others
            db.session.rollback()
            log.exception("axis package %s could not be taken in", message.id)
            result["errors"] += 1
    return result
