"""Telling people: an in-app notification and an email in the outbox, once per key."""
from __future__ import annotations

from engine import clock, settings
from engine.db import db
from engine.models import Document, Notification, User
from engine.outbox import enqueue
from engine.text import one_line


def document_link(document: Document) -> str:
    return f"{settings.get('BASE_URL') or ''}/documents/{document.id}"


def notify(users, document: Document | None, kind: str, subject: str, body: str, *, key: str,
           email: bool = True) -> int:
    """Notify each user once for ``key`` (in-app, plus an email when they have an address)."""
    count = 0
    seen = set()
    subject = one_line(subject)  # a header: documents stored before subjects were normalised may hold line breaks
    for user in users:
        if user is None or user.id in seen or not user.active:
            continue
        seen.add(user.id)
        message = enqueue("email", f"{key}:{user.username}",
                          {"to": [user.email] if user.email else [], "subject": subject, "body": body,
                           "username": user.username},
                          document_id=document.id if document else None,
                          status="pending" if email and user.email else "held")
        if message is None:
            continue  # already notified for this key
        db.session.add(Notification(user_id=user.id, document_id=document.id if document else None, kind=kind,
                                    message=subject, created_at=clock.now()))
        count += 1
    return count


def unread(user: User, limit: int = 20) -> list[Notification]:
    return (db.session.query(Notification).filter_by(user_id=user.id, read_at=None)
            .order_by(Notification.id.desc()).limit(limit).all())
