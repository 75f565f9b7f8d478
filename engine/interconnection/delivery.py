"""Delivering queued packages to the axis, exactly once per receiver: the scheduler's job.

Each outbox row (``edxml_document``: an issued document or its recall for one agency;
``edxml_status``: a status reply) is claimed atomically, built from the stored state, handed to the
axis under its outbox key (so the axis can drop a resent copy), and settled with its delivery row in
one transaction. A failure is retried after 1, 2, 4 … minutes (at most ``AXIS_RETRY_CAP_MINUTES``);
after ``AXIS_MAX_ATTEMPTS`` failures the delivery shows as failed and the clerks and the Chánh Văn
phòng are told — the tries go on, so an axis that is down for a day delivers everything once it is
back. A package the axis refuses outright is failed at once and not retried.
"""
from __future__ import annotations

import logging

from engine import clock, history, settings
from engine.db import db
from engine.deadlines.escalation import audience_users
from engine.errors import N_, Conflict, DomainError, Forbidden, NotFound
from engine.interconnection import packages
from engine.models import Delivery, Document, OutboxMessage, Role, User
from engine.models.interconnection import DeliveryState
from engine.notifications.notify import notify
from engine.outbox import backoff, claim_many, due_ids, release_stale_claims, settle
from engine.tx import transaction
from integrations import edxml
from integrations.axis import Axis, AxisError, FolderAxis, HttpAxis

log = logging.getLogger(__name__)

KINDS = ("edxml_document", "edxml_status")
# Rows claimed at once: few enough that a slow axis (timeouts) finishes them within the claim.
CLAIM_BATCH = 20
BUSINESS = {"new": edxml.NEW, "revoke": edxml.REVOKE}


def configured_axis() -> Axis | None:
    """The transport the settings name: QOFFICE_AXIS_URL (HTTP), else QOFFICE_AXIS_DIR (folder), else none."""
    max_bytes = int(settings.get("EDXML_MAX_PACKAGE_BYTES"))
    if settings.get("AXIS_URL"):
        return HttpAxis(str(settings.get("AXIS_URL")), settings.get("AXIS_TOKEN") or None,
                        timeout=float(settings.get("AXIS_TIMEOUT")), retries=int(settings.get("AXIS_HTTP_RETRIES")),
                        max_bytes=max_bytes)
    if settings.get("AXIS_DIR"):
        return FolderAxis(settings.get("AXIS_DIR"), max_bytes=max_bytes)
    return None


def _delivery(message: OutboxMessage) -> Delivery | None:
    if message.kind != "edxml_document":
        return None
    return (db.session.query(Delivery)
            .filter_by(document_id=message.document_id, agency_code=message.payload.get("to_organ_id")).one_or_none())


def build(message: OutboxMessage) -> tuple[bytes, str]:
    """(package bytes, axis message type) of one outbox row."""
    payload = message.payload or {}
    if message.kind == "edxml_status":
        return packages.status_package(payload), "status"
    delivery = _delivery(message)
    document = db.session.get(Document, message.document_id)
    if delivery is None or document is None:
        raise LookupError("không còn văn bản hoặc nơi nhận của gói tin này")
    business = BUSINESS[payload.get("business", "new")]
    at = clock.to_vn(edxml.parse_timestamp(payload["at"])) if payload.get("at") else None
    return packages.document_package(document, delivery, business=business, reason=payload.get("reason") or "",
                                     at=at, staff_name=payload.get("staff")), "edoc"


def _sent(message: OutboxMessage, attempts: int):
    def then():
        delivery = _delivery(message)
        if delivery is None or message.payload.get("business", "new") != "new":
            return
        delivery.state, delivery.sent_at, delivery.attempts, delivery.last_error = \
            DeliveryState.SENT, clock.now(), attempts, None
        history.record(delivery.document, "axis_sent", note=f"Đã gửi lên trục liên thông: {delivery.agency_name}")
    return then


def _failed(message: OutboxMessage, attempts: int, error: str, alert: bool):
    def then():
        delivery = _delivery(message)
        if delivery is not None:
            delivery.attempts, delivery.last_error = attempts, error[:2000]
        if not alert:
            return
        document = db.session.get(Document, message.document_id) if message.document_id else None
        if delivery is not None and delivery.state != DeliveryState.SENT:
            delivery.state, delivery.failed_at = DeliveryState.FAILED, clock.now()
        if document is not None and message.kind == "edxml_document":
            target = delivery.agency_name if delivery else message.payload.get("to_organ_id")
            notify(audience_users(["clerks", "office_chief"], None, document), document, "axis_failed",
                   f"Gửi văn bản {document.number_notation} tới {target} qua trục liên thông bị lỗi",
                   f"Đã thử {attempts} lần: {error}. Hệ thống vẫn tiếp tục thử lại; kiểm tra trục liên thông "
                   f"hoặc gửi lại từ trang văn bản.", key=f"axis_failed:{message.id}")
    return then


def deliver_pending(axis: Axis | None = None, limit: int = 100) -> dict:
    """Send due edXML rows; returns counts. Without an axis configured nothing moves."""
    axis = axis or configured_axis()
    result = {"configured": axis is not None, "sent": 0, "retry": 0, "failed": 0, "skipped": 0}
    if axis is None:
        return result
    max_attempts = int(settings.get("AXIS_MAX_ATTEMPTS"))
    cap = int(settings.get("AXIS_RETRY_CAP_MINUTES"))
    now = clock.now()
    release_stale_claims(KINDS, now)
    due = due_ids(KINDS, now, limit)
    for start in range(0, len(due), CLAIM_BATCH):
        batch = due[start:start + CLAIM_BATCH]
        claimed = claim_many(batch, now)
        result["skipped"] += len(batch) - len(claimed)
        for pk in claimed:
            _deliver_one(axis, pk, result, max_attempts, cap)
    return result


def _deliver_one(axis: Axis, pk: int, result: dict, max_attempts: int, cap: int) -> None:
    """Build, send and settle one claimed row; every outcome counts as an attempt."""
    message = db.session.get(OutboxMessage, pk, populate_existing=True)
    attempts = (message.attempts or 0) + 1
    error, permanent = None, False
    try:
        package, kind = build(message)
        axis.send(package, receivers=[message.payload["to_organ_id"]], kind=kind, key=message.key)
    except AxisError as exc:
        error, permanent = exc.message, exc.permanent
    except (DomainError, LookupError, KeyError, ValueError) as exc:  # nothing to build: retrying cannot help
        error, permanent = f"Không dựng được gói tin: {exc}", True
    except Exception as exc:  # never left "sending"
        log.exception("edXML %s: unexpected error while sending", pk)
        error = f"{type(exc).__name__}: {exc}"
    if error is None:
        settle(pk, _sent(message, attempts), status="sent", sent_at=clock.now(), attempts=attempts,
               last_error=None, next_attempt_at=None)
        result["sent"] += 1
        return
    log.warning("edXML %s (%s) not sent, attempt %s: %s", pk, message.key, attempts, error)
    alert = permanent or attempts == max_attempts
    if permanent:
        settle(pk, _failed(message, attempts, error, True), status="failed", attempts=attempts,
               last_error=error[:2000], next_attempt_at=None)
    else:
        settle(pk, _failed(message, attempts, error, alert), status="pending", attempts=attempts,
               last_error=error[:2000], next_attempt_at=clock.now() + backoff(attempts, cap))
    result["failed" if alert else "retry"] += 1


def retry(user: User, message_pk: int) -> OutboxMessage:
    """Put a failed or waiting package back at the head of the queue (the clerk's "gửi lại ngay")."""
    if not user.has_role(Role.CLERK):
        raise Forbidden(N_("Chỉ văn thư được gửi lại gói tin."))
    with transaction():
        message = db.session.get(OutboxMessage, message_pk)
        if message is None or message.kind not in KINDS:
            raise NotFound(N_("Không tìm thấy gói tin."))
        if message.status not in ("pending", "failed"):
            raise Conflict(N_("Gói tin này đã gửi hoặc đang được gửi."))
        message.status, message.next_attempt_at = "pending", clock.now()
        delivery = _delivery(message)
        if delivery is not None and delivery.state == DeliveryState.FAILED:
            delivery.state = DeliveryState.QUEUED
    return message
