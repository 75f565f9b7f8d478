"""Throttling repeated failures (wrong passwords, wrong PINs) under a key, safely under concurrency.

Each failure is one ``UPDATE … SET failures = failures + 1 … RETURNING`` committed at once, so twenty
parallel guesses count twenty, and a failure is counted even though the request then fails.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import case, delete, insert, update
from sqlalchemy.exc import IntegrityError

from engine import clock
from engine.db import db
from engine.models import Throttle


@dataclass(frozen=True)
class Policy:
    limit: int  # failures within the window that block
    window: timedelta
    block: timedelta


def blocked_until(key: str) -> datetime | None:
    """When the block on ``key`` ends, or None when it is not blocked."""
    row = db.session.get(Throttle, key)
    now = clock.now()
    if row is not None:
        db.session.refresh(row)  # another request may have just blocked it
    return row.blocked_until if row is not None and row.blocked_until and row.blocked_until > now else None


def record_failure(key: str, policy: Policy) -> datetime | None:
    """Count one failure under ``key`` (committed now); returns the block's end if it is now blocked."""
    now = clock.now()
    if db.session.get(Throttle, key) is None:
        try:
            with db.session.begin_nested():
                db.session.execute(insert(Throttle).values(key=key, failures=0, window_started_at=now))
        except IntegrityError:
            pass  # a parallel request created it first
    expired = Throttle.window_started_at < now - policy.window
    failures = db.session.execute(
        update(Throttle).where(Throttle.key == key)
        .values(failures=case((expired, 1), else_=Throttle.failures + 1),
                window_started_at=case((expired, now), else_=Throttle.window_started_at))
        .returning(Throttle.failures).execution_options(synchronize_session=False)).scalar_one()
    until = None
    if failures >= policy.limit:
        until = now + policy.block
        db.session.execute(update(Throttle).where(Throttle.key == key)
                           .values(failures=0, window_started_at=now, blocked_until=until)
                           .execution_options(synchronize_session=False))
    db.session.commit()
    return until


def clear(key: str) -> None:
    """Forget the failures under ``key`` (after a success, or an administrator's unlock)."""
    db.session.execute(delete(Throttle).where(Throttle.key == key))
    db.session.commit()


def blocked(prefix: str) -> list[Throttle]:
    """The keys starting with ``prefix`` that are blocked now (for the administrator's unlock page)."""
    return (db.session.query(Throttle)
            .filter(Throttle.key.startswith(prefix, autoescape=True), Throttle.blocked_until > clock.now())
            .order_by(Throttle.key).all())
