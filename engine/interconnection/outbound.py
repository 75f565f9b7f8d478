"""What leaves for other agencies through the interconnection axis, queued in the outbox inside the
caller's transaction: issued documents and the status replies to the agencies that sent us one."""
from __future__ import annotations

from engine import clock, settings
from engine.models import Attachment, Document
from engine.models.documents import Status
from engine.outbox import enqueue


def queue_document(document: Document, issued: Attachment, receiver: dict) -> str:
    """Queue the issued ``document`` for the agency ``receiver``; returns the outbox key."""
    key = f"send:{document.id}:{receiver['code']}"
    enqueue("edxml_document", key, {
        "to_organ_id": receiver["code"], "to_organ_name": receiver.get("name"),
        "from_organ_id": settings.get("ORG_CODE"), "from_organ_name": settings.get("ORG_NAME"),
        "document_id": document.id, "number": document.number, "notation": document.notation,
        "issued_on": document.issued_on.isoformat() if document.issued_on else None,
        "doc_type": document.doc_type, "subject": document.subject, "urgency": document.urgency,
        "signer_name": document.signer_name, "signer_position": document.signer_position,
        "file": {"name": issued.name, "sha256": issued.sha256, "size": issued.size},
        "paper_copy": document.paper_copy,
    }, document_id=document.id)
    return key


def queue_status_reply(document: Document, status: str, ctx=None, *, note: str | None = None) -> None:
    """An edXML status package (codes 01–06) for an electronic incoming document from another agency."""
    code = Status.EDXML_CODES.get(status)
    if (code is None or document.direction != "incoming" or document.source != "electronic"
            or not document.sender_org_id):
        return
    actor = ctx.actor if ctx else None
    enqueue("edxml_status", f"status:{document.id}:{code}", {
        "to_organ_id": document.sender_org_id, "from_organ_id": settings.get("ORG_CODE"),
        "code": code, "status": status, "description": Status.LABELS[status], "note": note,
        "document": {"number": document.number, "notation": document.notation,
                     "issued_on": document.issued_on.isoformat() if document.issued_on else None},
        "timestamp": (ctx.when if ctx else clock.now()).isoformat(),
        "staff": actor.full_name if actor else None,
    }, document_id=document.id)
