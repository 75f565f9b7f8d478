"""Delivering the outbox's email rows through SMTP, exactly once, with retries and backoff.

Rows are claimed, settled and retried with the primitives of :mod:`engine.outbox` (failed after
MAIL_MAX_ATTEMPTS); the Message-ID derived from the outbox key lets a receiving server drop the rare
duplicate of a crashed worker. edXML rows are delivered by :mod:`engine.interconnection.delivery`.
"""
from __future__ import annotations

import hashlib
import logging
from email.utils import parseaddr

from engine import clock, settings
from engine.db import db
from engine.errors import N_, Forbidden, NotFound
from engine.models import OutboxMessage, Role, User
from engine.outbox import backoff, claim, due_ids, release_stale_claims, settle
from engine.storage import store
from integrations.mail import MailError, SmtpSettings, SmtpTransport, build_message

log = logging.getLogger(__name__)

KIND = "email"
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


def message_id(key: str, sender: str) -> str:
    """A Message-ID that depends only on the outbox key, so a resent copy can be recognised."""
    domain = parseaddr(sender)[1].rpartition("@")[2] or "localhost"
    return f"<qoffice.{hashlib.sha256(key.encode('utf-8')).hexdigest()[:40]}@{domain}>"


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
    release_stale_claims((KIND,), now)
    for pk in due_ids((KIND,), now, limit):
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
            settle(pk, status="sent", sent_at=clock.now(), attempts=attempts, last_error=None,
                    next_attempt_at=None)
            result["sent"] += 1
            continue
        log.warning("email %s (%s) not sent, attempt %s: %s", pk, message.key, attempts, error)
        if permanent or attempts >= max_attempts:
            settle(pk, status="failed", attempts=attempts, last_error=error[:2000], next_attempt_at=None)
            result["failed"] += 1
        else:
            settle(pk, status="pending", attempts=attempts, last_error=error[:2000],
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
