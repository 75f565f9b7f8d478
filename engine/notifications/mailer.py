"""Delivering the outbox's email rows through SMTP, exactly once, with retries and backoff.

A row moves pending → sending (claimed by one worker with a conditional UPDATE) → sent, or back to
pending with a later ``next_attempt_at`` after a failure, or to failed after MAIL_MAX_ATTEMPTS. While
a row is "sending", ``next_attempt_at`` holds the end of the claim: a worker that died mid-send
leaves a claim that expires and the row is tried again (the Message-ID derived from the outbox key
lets a receiving server drop that rare duplicate). edXML rows are not touched here.
"""
from __future__ import annotations

import hashlib
import logging
from datetime import timedelta
from email.utils import parseaddr

from sqlalchemy import update

from engine import clock, settings
from engine.db import db
from engine.errors import N_, Forbidden, NotFound
from engine.models import OutboxMessage, Role, User
from engine.storage import store
from engine.tx import transaction
from integrations.mail import MailError, SmtpSettings, SmtpTransport, build_message

log = logging.getLogger(__name__)

KIND = "email"
CLAIM_FOR = timedelta(minutes=10)
BACKOFF_CAP_MINUTES = 60
STATUSES = ("pending", "sending", "sent", "failed", "held")
STATUS_LABELS = {"pending": N_("Chờ gửi"), "sending": N_("Đang gửi"), "sent": N_("Đã gửi"),
                 "failed": N_("Lỗi"), "held": N_("Giữ lại")}
PAGE_SIZE = 50


def smtp_settings() -> SmtpSettings | None:
    """SMTP connection settings from QOFFICE_SMTP_*; None when no host is configured (the demo)."""
    host = settings.get("SMTP_HOST")
    if not host:
        return None
    port = settings.get("SMTP_PORT") or 25
    security = (settings.get("SMTP_SECURITY") or "none").strip().lower()
    sender = settings.get("SMTP_SENDER") or settings.get("ORG_EMAIL") or "qoffice@localhost"
    # Environment values arrive as strings; a bad port or mode must fail loudly, not silently drop mail.
    return SmtpSettings(host=str(host), port=int(port), security=security,
                        username=settings.get("SMTP_USER") or None,
                        password=settings.get("SMTP_PASSWORD") or None, sender=sender)


def backoff(attempts: int) -> timedelta:
    """Wait before the next try after ``attempts`` failures: 1, 2, 4, … minutes, at most an hour."""
    return timedelta(minutes=min(2 ** max(attempts - 1, 0), BACKOFF_CAP_MINUTES))


def message_id(key: str, sender: str) -> str:
    """A Message-ID that depends only on the outbox key, so a resent copy can be recognised."""
    domain = parseaddr(sender)[1].rpartition("@")[2] or "localhost"
    return f"<qoffice.{hashlib.sha256(key.encode('utf-8')).hexdigest()[:40]}@{domain}>"


def release_stale_claims(now) -> int:
    """Give rows whose claim expired (worker crashed mid-send) back to the queue."""
    result = db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.kind == KIND, OutboxMessage.status == "sending", OutboxMessage.next_attempt_at < now)
        .values(status="pending", next_attempt_at=now)
        .execution_options(synchronize_session=False))
    db.session.commit()
    return result.rowcount


def due_ids(now, limit: int) -> list[int]:
    rows = (db.session.query(OutboxMessage.id)
            .filter(OutboxMessage.kind == KIND, OutboxMessage.status == "pending",
                    OutboxMessage.next_attempt_at <= now)
            .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id).limit(limit).all())
    db.session.commit()  # end the read so that the claims below start fresh transactions
    return [r[0] for r in rows]


def claim(message_id_: int, now) -> bool:
    """Atomically take one pending row for this worker; False when another worker was first."""
    result = db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id_, OutboxMessage.status == "pending")
        .values(status="sending", next_attempt_at=now + CLAIM_FOR)
        .execution_options(synchronize_session=False))
    db.session.commit()
    return result.rowcount == 1


def _build(message: OutboxMessage, config: SmtpSettings):
    payload = message.payload or {}
    recipients = [a for a in payload.get("to") or [] if a]
    if not recipients:
        raise ValueError("Thư không có địa chỉ người nhận.")
    headers = {"X-QOffice-Key": message.key}
    if message.document_id:
        headers["X-QOffice-Document"] = str(message.document_id)
    # Files travel as references to the content-addressed store, not inside the outbox row.
    files = [(a["name"], a["content_type"], store().get(a["sha256"])) for a in payload.get("attachments") or ()]
    return build_message(config.sender, recipients, payload.get("subject") or "(Q-Office)",
                         payload.get("body") or "", html=payload.get("html"),
                         message_id=message_id(message.key, config.sender), headers=headers, attachments=files)


def _finish(message_pk: int, **values) -> None:
    # Only the claimant (status still "sending") may settle the row.
    with transaction():
        db.session.execute(update(OutboxMessage)
                           .where(OutboxMessage.id == message_pk, OutboxMessage.status == "sending")
                           .values(**values).execution_options(synchronize_session=False))


def deliver_pending(limit: int = 100, transport=None) -> dict:
    """Send due email rows; returns counts. Without SMTP settings it does nothing (mail stays pending).

    ``transport`` (anything with ``send(message)``) replaces SMTP, for tests and tools.
    """
    config = smtp_settings()
    result = {"configured": config is not None, "sent": 0, "retry": 0, "failed": 0, "skipped": 0}
    if config is None:
        return result
    transport = transport or SmtpTransport(config)
    max_attempts = int(settings.get("MAIL_MAX_ATTEMPTS") or 8)
    now = clock.now()
    release_stale_claims(now)
    for pk in due_ids(now, limit):
        if not claim(pk, now):
            result["skipped"] += 1
            continue
        message = db.session.get(OutboxMessage, pk, populate_existing=True)
        attempts = (message.attempts or 0) + 1
        error, permanent = None, False
        try:
            built = _build(message, config)
        except (ValueError, KeyError, OSError) as exc:  # a malformed row or a lost file: retrying cannot help
            built, error, permanent = None, str(exc), True
        if built is not None:
            try:
                transport.send(built)
            except MailError as exc:
                error, permanent = str(exc), False
            except Exception as exc:  # counted as an attempt, never left "sending"
                log.exception("email %s: unexpected error while sending", pk)
                error, permanent = f"{type(exc).__name__}: {exc}", False
        if error is None:
            _finish(pk, status="sent", sent_at=clock.now(), attempts=attempts, last_error=None,
                    next_attempt_at=None)
            result["sent"] += 1
            continue
        log.warning("email %s (%s) not sent, attempt %s: %s", pk, message.key, attempts, error)
        if permanent or attempts >= max_attempts:
            _finish(pk, status="failed", attempts=attempts, last_error=error[:2000], next_attempt_at=None)
            result["failed"] += 1
        else:
            _finish(pk, status="pending", attempts=attempts, last_error=error[:2000],
                    next_attempt_at=clock.now() + backoff(attempts))
            result["retry"] += 1
    return result


# -- reading the outbox (administrators) ---------------------------------------


def require_admin(user: User) -> None:
    if not user.has_role(Role.ADMIN):
        raise Forbidden(N_("Chỉ quản trị hệ thống được xem hộp thư đi."))


def outbox_page(user: User, *, kind: str | None = KIND, status: str | None = None, page: int = 1,
                per_page: int = PAGE_SIZE) -> tuple[list[OutboxMessage], int]:
    """Outbox rows, newest first, and their total count."""
    require_admin(user)
    query = db.session.query(OutboxMessage)
    if kind:
        query = query.filter(OutboxMessage.kind == kind)
    if status:
        query = query.filter(OutboxMessage.status == status)
    total = query.count()
    items = (query.order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc())
             .offset((max(page, 1) - 1) * per_page).limit(per_page).all())
    return items, total


def outbox_message(user: User, pk: int) -> OutboxMessage:
    require_admin(user)
    message = db.session.get(OutboxMessage, pk)
    if message is None:
        raise NotFound(N_("Không tìm thấy thư."))
    return message
