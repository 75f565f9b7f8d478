"""What leaves for other agencies through the interconnection axis, queued in the outbox inside the
caller's transaction: issued documents (one delivery per receiving agency), recalls, and the status
replies to the agencies that sent us a document. The delivery job (``delivery.py``) builds the
packages and hands them to the axis."""
from __future__ import annotations

from sqlalchemy import bindparam, select

from engine import clock, settings
from engine.db import db, reading, transaction_cache
from engine.models import Attachment, Delivery, DeliveryStatus, Document, OutboxMessage, ReceivedPackage
from engine.models.documents import Status
from engine.outbox import enqueue
from integrations.edxml import document_id as edxml_document_id
from integrations.edxml import format_date, format_timestamp

RECALL_CODE = "13"


def edxml_id(document: Document) -> str:
    """Our issued document's package id: ``OrganId,yyyy/MM/dd,Number/Notation``."""
    return edxml_document_id(settings.get("ORG_CODE"), document.issued_on, document.number or "",
                             document.notation or "")


def queue_document(document: Document, issued: Attachment, receiver: dict) -> str:
    """Queue the issued ``document`` for the agency ``receiver`` (a delivery row and its outbox row);
    returns the outbox key."""
    now = clock.now()
    key = f"send:{document.id}:{receiver['code']}"
    db.session.add(Delivery(document_id=document.id, agency_code=receiver["code"],
                            agency_name=receiver.get("name") or receiver["code"], edxml_document_id=edxml_id(document),
                            state="queued", attempts=0, queued_at=now))
    enqueue("edxml_document", key, {
        "business": "new", "to_organ_id": receiver["code"], "to_organ_name": receiver.get("name"),
        "from_organ_id": settings.get("ORG_CODE"), "from_organ_name": settings.get("ORG_NAME"),
        "document_id": document.id, "number": document.number, "notation": document.notation,
        "issued_on": document.issued_on.isoformat() if document.issued_on else None,
        "doc_type": document.doc_type, "subject": document.subject, "urgency": document.urgency,
        "signer_name": document.signer_name, "signer_position": document.signer_position,
        "file": {"name": issued.name, "sha256": issued.sha256, "size": issued.size},
        "paper_copy": document.paper_copy,
    }, document_id=document.id)
    return key


def queue_recall(document: Document, delivery: Delivery, reason: str, ctx) -> str | None:
    """Queue the recall (revoke package, BussinessDocType 1) of ``document`` for one receiving agency
    and note our code 13 on the delivery. A document still waiting in our outbox is simply held back:
    there is nothing to ask the receiver (and a revoke must never overtake the document)."""
    # Whole seconds, as the receivers' status timestamps: their answer within the same second must still
    # list after our request (ties go by arrival).
    now = ctx.when.replace(microsecond=0)
    staff = ctx.actor.full_name if ctx.actor else None
    waiting = (db.session.query(OutboxMessage)
               .filter_by(key=f"send:{document.id}:{delivery.agency_code}", status="pending").one_or_none())
    if waiting is not None:
        waiting.status, waiting.next_attempt_at = "held", None
        waiting.last_error = "Văn bản đã bị thu hồi trước khi gửi"
        delivery.recall_state = "accepted"
        record_status(delivery, RECALL_CODE, now, f"Thu hồi trước khi gửi: {reason}", staff, format_timestamp(now))
        return None
    key = f"recall:{document.id}:{delivery.agency_code}"
    enqueue("edxml_document", key, {"business": "revoke", "to_organ_id": delivery.agency_code,
                                     "document_id": document.id, "reason": reason, "at": now.isoformat(),
                                     "staff": staff}, document_id=document.id)
    delivery.recall_state = "requested"
    record_status(delivery, RECALL_CODE, now, f"Thu hồi văn bản: {reason}", staff, format_timestamp(now))
    return key


def record_status(delivery: Delivery, code: str, at, description: str | None, staff: str | None,
                  timestamp: str) -> DeliveryStatus | None:
    """Add one status to a delivery unless the same code with the same timestamp is there already."""
    for existing in delivery.statuses:
        if existing.code == code and existing.timestamp == timestamp:
            return None
    row = DeliveryStatus(delivery_id=delivery.id, code=code, at=at, timestamp=timestamp, description=description,
                         staff=staff, recorded_at=clock.now())
    delivery.statuses.append(row)
    if code != RECALL_CODE:
        delivery.last_code = code
    return row


_TAKEN_IN = (select(ReceivedPackage)
             .where(ReceivedPackage.document_id == bindparam("document_id"), ReceivedPackage.kind == "document",
                    ReceivedPackage.business == "new", ReceivedPackage.outcome == "taken")
             .order_by(ReceivedPackage.id).limit(1))


def response_for(document: Document) -> dict:
    """The ResponseFor block of a status about an incoming ``document``: the sender's own package id
    when it came through the axis, else one built from the registered metadata."""
    # One step often changes the status twice (routed, then in progress): the package is read once.
    packages = transaction_cache("package a document came in", changed_by=ReceivedPackage)
    if document.id not in packages:
        with reading(ReceivedPackage):  # a package taken in this very transaction counts
            packages[document.id] = db.session.scalars(_TAKEN_IN, {"document_id": document.id}).first()
    package = packages[document.id]
    if package is not None:
        details = package.details or {}
        return {"organ_id": package.sender_code, "code": details.get("code", ""),
                "promulgation_date": details.get("promulgation_date", ""), "document_id": package.edxml_document_id}
    return {"organ_id": document.sender_org_id, "code": document.number_notation,
            "promulgation_date": format_date(document.issued_on),
            "document_id": edxml_document_id(document.sender_org_id or "", document.issued_on,
                                             document.number or "", document.notation or "")}


def queue_status(document: Document | None, to_organ_id: str, code: str, description: str, ref: dict, *,
                 key: str, ctx=None, at=None) -> None:
    """Queue one status package (``code``) about the document ``ref`` for the agency ``to_organ_id``."""
    actor = ctx.actor if ctx else None
    when = at or (ctx.when if ctx else clock.now())
    with db.session.no_autoflush:  # the actor's unit does not depend on what this change has pending
        department = actor.unit.name if actor and actor.unit else None
    enqueue("edxml_status", key, {
        "to_organ_id": to_organ_id, "from_organ_id": settings.get("ORG_CODE"), "code": code,
        "description": description, "response_for": ref, "timestamp": when.isoformat(),
        "staff": actor.full_name if actor else None,
        "department": department,
    }, document_id=document.id if document else None)


def queue_status_reply(document: Document, status: str, ctx=None, *, note: str | None = None) -> None:
    """An edXML status package (codes 01–06) for an electronic incoming document from another agency."""
    code = Status.EDXML_CODES.get(status)
    if (code is None or document.direction != "incoming" or document.source != "electronic"
            or not document.sender_org_id or document.sender_org_id == settings.get("ORG_CODE")):
        return
    description = Status.LABELS[status] + (f": {note}" if note else "")
    queue_status(document, document.sender_org_id, code, description, response_for(document),
                 key=f"status:{document.id}:{code}", ctx=ctx)
