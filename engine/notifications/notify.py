"""Telling people: an in-app notification, and an email at once or in the next digest, once per event.

Every notification carries a key (the event and the person): the same event never reaches the same
person twice, whatever retries, restarts or second schedulers do.
"""
from __future__ import annotations

from engine import clock, settings
from engine.db import db, insert_once
from engine.models import Document, Notification, User
from engine.models.documents import Urgency
from engine.notifications import preferences
from engine.outbox import enqueue
from engine.text import one_line


def document_link(document: Document) -> str:
    return f"{settings.get('BASE_URL') or ''}/documents/{document.id}"


def task_link(task_id: str) -> str:
    return f"{settings.get('BASE_URL') or ''}/tasks/{task_id}"


def describe(document: Document) -> str:
    """A few lines that identify a document in an email."""
    return "\n".join(filter(None, [
        f"Văn bản: {document.number_notation or '(chưa có số)'}"
        + (f" — số đến {document.incoming_number}/{document.register_year}" if document.incoming_number else ""),
        f"Trích yếu: {document.subject}",
        f"Cơ quan gửi: {document.sender_org_name}" if document.sender_org_name else None,
        f"Mức độ khẩn: {Urgency.LABELS.get(document.urgency)}" if document.urgency != "normal" else None,
    ]))


def notify(users, document: Document | None, kind: str, subject: str, body: str, *, key: str,
           email: bool = True, attachments: list[dict] | None = None) -> int:
    """Notify each user once for ``key``: in the app, and by email as the user chose for ``kind``
    (urgent documents skip the digest). Returns how many people were newly notified.

    ``attachments``: files of the email, ``{"name", "content_type", "sha256"}`` in the file store.
    """
    count = 0
    seen = set()
    subject = one_line(subject)  # a header: documents stored before subjects were normalised may hold line breaks
    urgent = bool(document is not None and document.urgency not in (None, Urgency.NORMAL))
    for user in users:
        if user is None or user.id in seen or not user.active:
            continue
        seen.add(user.id)
        personal_key = f"{key}:{user.username}"
        channel = preferences.channel(user, kind, urgent=urgent) if email else "off"
        if not insert_once(Notification, {
                "user_id": user.id, "document_id": document.id if document else None, "kind": kind,
                "message": subject, "body": body, "created_at": clock.now(), "key": personal_key,
                "delivery": {"email": "email", "digest": "digest"}.get(channel, "none")}):
            continue  # this person heard of this event already
        if channel == "email":
            enqueue("email", personal_key, {"to": [user.email] if user.email else [], "subject": subject,
                                            "body": body, "username": user.username,
                                            **({"attachments": attachments} if attachments else {})},
                    document_id=document.id if document else None, status="pending" if user.email else "held")
        count += 1
    return count


def unread(user: User, limit: int = 20) -> list[Notification]:
    return (db.session.query(Notification).filter_by(user_id=user.id, read_at=None)
            .order_by(Notification.id.desc()).limit(limit).all())


def unread_count(user: User) -> int:
    return db.session.query(Notification.id).filter_by(user_id=user.id, read_at=None).count()


def recent(user: User, limit: int = 100) -> list[Notification]:
    return (db.session.query(Notification).filter_by(user_id=user.id)
            .order_by(Notification.id.desc()).limit(limit).all())


def waiting_for_digest(user: User) -> list[Notification]:
    return (db.session.query(Notification).filter_by(user_id=user.id, delivery="digest")
            .order_by(Notification.id).all())
