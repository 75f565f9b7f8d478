"""Telling people: an in-app notification and an email in the outbox, once per key."""
from __future__ import annotations

from engine import clock, settings
from engine.db import db
from engine.models import Document, Notification, User
from engine.outbox import enqueue


def document_link(document: Document) -> str:
    return f"{settings.get('BASE_URL') or ''}/documents/{document.id}"


def notify(users, document: Document | None, kind: str, subject: str, body: str, *, key: str,
           email: bool = True, attachments: list[dict] | None = None) -> int:
    """Notify each user once for ``key`` (in-app, plus an email when they have an address).

    ``attachments``: files of the email, ``{"name", "content_type", "sha256"}`` in the file store.
    """
    count = 0
    seen = set()
    for user in users:
        if user is None or user.id in seen or not user.active:
            continue
        seen.add(user.id)
        message = enqueue("email", f"{key}:{user.username}",
                          {"to": [user.email] if user.email else [], "subject": subject, "body": body,
                           "username": user.username, **({"attachments": attachments} if attachments else {})},
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
