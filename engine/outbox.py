"""Queueing effects on the outside world inside the current transaction (delivered by a job)."""
from __future__ import annotations

from engine import clock
from engine.db import db
from engine.models import OutboxMessage


def enqueue(kind: str, key: str, payload: dict, *, document_id: int | None = None,
            status: str = "pending") -> OutboxMessage | None:
    """Queue one message unless a message with ``key`` exists already (then None)."""
    if db.session.query(OutboxMessage.id).filter_by(key=key).first() is not None:
        return None
    for pending in db.session.new:  # queued earlier in this same transaction
        if isinstance(pending, OutboxMessage) and pending.key == key:
            return None
    now = clock.now()
    message = OutboxMessage(kind=kind, key=key, payload=payload, document_id=document_id, status=status,
                            created_at=now, next_attempt_at=now)
    db.session.add(message)
    return message
