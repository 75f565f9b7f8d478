"""An issued document arriving at a unit of the department: an internal incoming document, already
registered by the sending office, routed to the unit and waiting in its head's queue."""
from __future__ import annotations

from engine import history, settings
from engine.db import db
from engine.deadlines.calendar_service import current_calendar
from engine.models import (
    Attachment,
    Document,
    LineKind,
    LineStatus,
    ProcessingLine,
    Unit,
)
from engine.models.documents import Secrecy
from engine.processing.lines import start_line
from engine.records.indexing import search_text
from engine.workflow import runtime


def deliver_internal(ctx, document: Document, issued: Attachment, unit: Unit) -> Document:
    """The issued document as an internal incoming document of ``unit``, waiting in its head's queue."""
    now = ctx.when
    copy = Document(direction="incoming", status="accepted", source="internal", secrecy=Secrecy.NONE,
                    sender_org_id=settings.get("ORG_CODE"), sender_org_name=settings.get("ORG_NAME"),
                    receivers=[{"ref": f"unit:{unit.code}", "kind": "unit", "code": unit.code, "name": unit.name}],
                    number=document.number, notation=document.notation, issued_on=document.issued_on,
                    doc_type=document.doc_type, subject=document.subject, signer_name=document.signer_name,
                    signer_position=document.signer_position, urgency=document.urgency,
                    urgency_rank=document.urgency_rank, received_at=now, legal_standing=document.legal_standing,
                    notes=f"Văn bản nội bộ (văn bản đi mã {document.id})",
                    created_by_id=ctx.actor.id if ctx.actor else None, created_at=now)
    db.session.add(copy)
    db.session.flush()
    annexes = [a for a in document.attachments if a.kind == "annex_issued"]
    for position, (source, kind) in enumerate([(issued, "original")] + [(a, "annex") for a in annexes]):
        db.session.add(Attachment(document_id=copy.id, position=position, name=source.name,
                                  content_type=source.content_type, size=source.size, sha256=source.sha256, kind=kind,
                                  signatures=source.signatures, created_at=now,
                                  created_by_id=ctx.actor.id if ctx.actor else None))
    copy.search_text = search_text(copy)
    sub = runtime.RunContext(actor=ctx.actor, on_behalf_of=ctx.on_behalf_of, at=ctx.at, document=copy)
    history.set_status(copy, "accepted", sub, action="received_internal",
                       note=f"Văn bản {document.number_notation} của {settings.get('ORG_NAME')}")
    due = current_calendar().add_working_days(now, settings.get("DEFAULT_PROCESS_DAYS"))
    line = ProcessingLine(document_id=copy.id, kind=LineKind.LEAD, target_type="unit", unit_code=unit.code,
                          status=LineStatus.WAITING, started_at=now, due_at=due,
                          created_by_id=ctx.actor.id if ctx.actor else None)
    db.session.add(line)
    copy.due_on = due.date()
    history.set_status(copy, "routed", sub, action="routed", note=f"{LineKind.LABELS[LineKind.LEAD]}: {unit.name}")
    start_line(sub, copy, line)
    return copy
