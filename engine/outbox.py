"""Queueing effects on the outside world inside the current transaction, and the primitives the
delivery jobs share: claim a due row atomically, settle it, back off after a failure.

A row moves pending → sending (claimed by one worker with a conditional UPDATE) → sent, or back to
pending with a later ``next_attempt_at``, or to failed. While a row is "sending", ``next_attempt_at``
holds the end of the claim: a worker that died mid-send leaves a claim that expires and the row is
tried again.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import update

from engine import clock
from engine.db import db, insert_once
from engine.models import OutboxMessage
from engine.tx import transaction

CLAIM_FOR = timedelta(minutes=10)
BACKOFF_CAP_MINUTES = 60


def enqueue(kind: str, key: str, payload: dict, *, document_id: int | None = None,
            status: str = "pending") -> bool:
    """Queue one message unless a message with ``key`` exists already (then False)."""
    now = clock.now()
    return insert_once(OutboxMessage, {"kind": kind, "key": key, "payload": payload, "document_id": document_id,
                                       "status": status, "created_at": now, "next_attempt_at": now,
                                       "attempts": 0})


def backoff(attempts: int, cap_minutes: int = BACKOFF_CAP_MINUTES) -> timedelta:
    """Wait before the next try after ``attempts`` failures: 1, 2, 4, … minutes, at most ``cap_minutes``."""
    return timedelta(minutes=min(2 ** max(attempts - 1, 0), cap_minutes))


def release_stale_claims(kinds: tuple[str, ...], now: datetime) -> int:
    """Give rows whose claim expired (worker crashed mid-send) back to the queue."""
    result = db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.kind.in_(kinds), OutboxMessage.status == "sending", OutboxMessage.next_attempt_at < now)
        .values(status="pending", next_attempt_at=now)
        .execution_options(synchronize_session=False))
    db.session.commit()
    return result.rowcount


def due_ids(kinds: tuple[str, ...], now: datetime, limit: int) -> list[int]:
    rows = (db.session.query(OutboxMessage.id)
            .filter(OutboxMessage.kind.in_(kinds), OutboxMessage.status == "pending",
                    OutboxMessage.next_attempt_at <= now)
            .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id).limit(limit).all())
    db.session.commit()  # end the read so that the claims below start fresh transactions
    return [r[0] for r in rows]


def claim(message_pk: int, now: datetime) -> bool:
    """Atomically take one pending row for this worker; False when another worker was first."""
    result = db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_pk, OutboxMessage.status == "pending")
        .values(status="sending", next_attempt_at=now + CLAIM_FOR)
        .execution_options(synchronize_session=False))
    db.session.commit()
    return result.rowcount == 1


def claim_many(message_pks: list[int], now: datetime) -> list[int]:
    """Atomically take the still-pending rows among ``message_pks`` in one statement; returns their ids
    (UPDATE … RETURNING: SQLite 3.35+ and PostgreSQL say which rows this worker got)."""
    if not message_pks:
        return []
    result = db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id.in_(message_pks), OutboxMessage.status == "pending")
        .values(status="sending", next_attempt_at=now + CLAIM_FOR)
        .returning(OutboxMessage.id)
        .execution_options(synchronize_session=False))
    claimed = sorted(row[0] for row in result)
    db.session.commit()
    return claimed


def settle(message_pk: int, then=None, **values) -> bool:
    """Write the outcome of a claimed row; only the claimant (status still "sending") may. ``then()``
    runs in the same transaction when the row was settled (domain rows that follow the outcome)."""
    with transaction():
        result = db.session.execute(update(OutboxMessage)
                                    .where(OutboxMessage.id == message_pk, OutboxMessage.status == "sending")
                                    .values(**values).execution_options(synchronize_session=False))
        if result.rowcount == 1 and then is not None:
            then()
    return result.rowcount == 1
