"""Background jobs: the timer sweep (more jobs come with the calendar and outbox work).

Exactly one scheduler process runs these jobs; rows are claimed atomically
anyway, so a second scheduler by mistake cannot fire a timer twice.
"""
from __future__ import annotations

import logging
import os
import socket
from datetime import timedelta

from sqlalchemy import or_, update

from engine import clock
from engine.db import db
from engine.models import WorkflowInstance
from engine.tx import transaction
from engine.workflow import runtime

log = logging.getLogger(__name__)
WORKER = f"{socket.gethostname()}:{os.getpid()}"
CLAIM_FOR = timedelta(minutes=5)
# An instance the sweep failed on waits this long before it is tried again: the sweep reads the earliest
# due first, so instances failing at every try (a faulty diagram version has many) would otherwise fill
# every sweep, hold back the timers behind them, and log their fault every 30 seconds.
RETRY_FAILED_AFTER = timedelta(minutes=5)


def due_instance_ids(now, limit: int) -> list[int]:
    """Ids of running instances whose next timer is due and which nobody holds (a worker advancing it,
    or a failure's wait before the next try): an index range scan, not a full scan."""
    rows = (db.session.query(WorkflowInstance.id)
            .filter(WorkflowInstance.status == "running", WorkflowInstance.next_timer_due_at <= now,
                    or_(WorkflowInstance.claimed_until.is_(None), WorkflowInstance.claimed_until < now))
            .order_by(WorkflowInstance.next_timer_due_at).limit(limit).all())
    return [r[0] for r in rows]


def claim(instance_id: int, now) -> bool:
    """Atomically claim an instance for this worker; False if another worker holds it."""
    result = db.session.execute(
        update(WorkflowInstance)
        .where(WorkflowInstance.id == instance_id,
               or_(WorkflowInstance.claimed_until.is_(None), WorkflowInstance.claimed_until < now))
        .values(claimed_by=WORKER, claimed_until=now + CLAIM_FOR)
        .execution_options(synchronize_session=False))
    db.session.commit()
    return result.rowcount == 1


def release(instance_id: int, *, hold_until=None) -> None:
    """Let other sweeps take the instance again, at once or after ``hold_until``."""
    db.session.execute(update(WorkflowInstance).where(WorkflowInstance.id == instance_id)
                       .values(claimed_by=None if hold_until is None else WORKER, claimed_until=hold_until)
                       .execution_options(synchronize_session=False))
    db.session.commit()


def sweep_timers(limit: int = 500) -> int:
    """Fire the due timers of up to ``limit`` instances; return how many instances were advanced."""
    now = clock.now()
    fired = 0
    for instance_id in due_instance_ids(now, limit):
        if not claim(instance_id, now):
            continue
        hold_until = None
        try:
            with transaction():
                instance = db.session.get(WorkflowInstance, instance_id)
                loaded = runtime.load(instance, runtime.RunContext())
                runtime.advance(loaded)
                runtime.save(loaded)
            fired += 1
        # One instance's fault, its diagram's or the code's, must not hold back the timers of the others.
        except Exception:
            hold_until = now + RETRY_FAILED_AFTER
            log.exception("timer sweep failed for workflow instance %s; tried again after %s", instance_id,
                          hold_until.isoformat(timespec="seconds"))
        finally:
            release(instance_id, hold_until=hold_until)
    return fired
