"""The system's own health, for monitoring (R-BACKUP-1, Đ20.5): the database answers, the files
folder takes writes, the scheduler is alive, its timer sweep keeps up, the outbox is not piling up."""
from __future__ import annotations

import os
import socket
import time
import uuid
from datetime import timedelta
from pathlib import Path

from sqlalchemy import func, text

from engine import clock, settings
from engine.db import db
from engine.models import Heartbeat, OutboxMessage, WorkflowInstance

SCHEDULER = "scheduler"
BEAT_STALE_SECONDS = 300  # the scheduler beats every 30 s; five minutes of silence means it is down
BACKLOG_STALE_SECONDS = 3600  # an email or package waiting for an hour means delivery is stuck
# The sweep runs every 30 s and a claim lasts 5 minutes: a timer still waiting 10 minutes after it fell due
# belongs to an instance the sweep fails on at every try (the log says why), or the sweep cannot keep up.
TIMER_STALE_SECONDS = 600


def beat(name: str = SCHEDULER) -> None:
    """Record that ``name`` is alive now (a scheduler job calls this every 30 seconds)."""
    row = db.session.get(Heartbeat, name)
    worker = f"{socket.gethostname()}:{os.getpid()}"
    if row is None:
        db.session.add(Heartbeat(name=name, beat_at=clock.now(), worker=worker))
    else:
        row.beat_at, row.worker = clock.now(), worker
    db.session.commit()


def _database() -> dict:
    started = time.perf_counter()
    try:
        db.session.execute(text("SELECT 1"))
    except Exception as exc:  # any driver error: the database is what is unhealthy
        db.session.rollback()
        return {"ok": False, "error": type(exc).__name__}
    return {"ok": True, "latency_ms": round((time.perf_counter() - started) * 1000, 1)}


def _files() -> dict:
    folder = Path(settings.get("FILES_DIR"))
    probe = folder / f".health-{uuid.uuid4().hex}"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        probe.write_bytes(b"ok")
        probe.unlink()
    except OSError as exc:
        return {"ok": False, "error": type(exc).__name__}
    return {"ok": True}


def _scheduler() -> dict:
    row = db.session.get(Heartbeat, SCHEDULER)
    if row is None:
        return {"ok": False, "last_beat_age_seconds": None}
    age = (clock.now() - row.beat_at).total_seconds()
    return {"ok": age <= BEAT_STALE_SECONDS, "last_beat_age_seconds": round(age), "worker": row.worker}


def _timers() -> dict:
    now = clock.now()
    cutoff = now - timedelta(seconds=TIMER_STALE_SECONDS)
    count, oldest = (db.session.query(func.count(WorkflowInstance.id), func.min(WorkflowInstance.next_timer_due_at))
                     .filter(WorkflowInstance.status == "running", WorkflowInstance.next_timer_due_at < cutoff).one())
    age = (now - clock.to_vn(oldest)).total_seconds() if oldest else 0
    return {"ok": count == 0, "overdue": count, "oldest_overdue_age_seconds": round(age)}


def _outbox() -> dict:
    rows = (db.session.query(OutboxMessage.kind, func.count(OutboxMessage.id), func.min(OutboxMessage.created_at))
            .filter(OutboxMessage.status == "pending").group_by(OutboxMessage.kind).all())
    failed = db.session.query(func.count(OutboxMessage.id)).filter(OutboxMessage.status == "failed").scalar()
    now = clock.now()
    oldest = max(((now - first).total_seconds() for _kind, _count, first in rows if first), default=0)
    return {"ok": oldest <= BACKLOG_STALE_SECONDS, "pending": {kind: count for kind, count, _ in rows},
            "failed": failed, "oldest_pending_age_seconds": round(oldest)}


def report() -> dict:
    """Every check; ``ok`` only when all of them are."""
    checks = {"database": _database()}
    if checks["database"]["ok"]:
        checks.update(scheduler=_scheduler(), timers=_timers(), outbox=_outbox())
    checks["files"] = _files()
    db.session.rollback()  # end the read transaction
    return {"ok": all(c["ok"] for c in checks.values()), "time": clock.now().isoformat(), "checks": checks}
