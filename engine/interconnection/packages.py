"""Building the packages we send from what is stored: an issued document (new or recall) for one
receiving agency, and a status reply from its outbox payload. The same stored state always gives the
same bytes, so the package the clerk downloads is the package the axis got."""
from __future__ import annotations

from datetime import datetime

from engine import settings
from engine.db import db
from engine.doctypes import type_name
from engine.errors import N_, NotFound
from engine.interconnection.outbound import response_for
from engine.models import Delivery, Document
from engine.models.documents import Urgency
from engine.outgoing.preparing import archive_unit, latest_file, signer_lines
from engine.storage import store
from integrations import edxml

REASONS = {edxml.NEW: "Văn bản điện tử mới", edxml.REVOKE: "Thu hồi văn bản điện tử",
           edxml.UPDATE: "Cập nhật văn bản điện tử", edxml.REPLACE: "Văn bản thay thế"}
SENT_KINDS = ("issued", "annex_issued")


def our_organ() -> edxml.Organ:
    return edxml.Organ(organ_id=settings.get("ORG_CODE"), name=settings.get("ORG_NAME") or "",
                       in_charge=settings.get("ORG_PARENT_NAME") or "", email=settings.get("ORG_EMAIL") or "")


def files_to_send(document: Document) -> list:
    """The issued main file first, then the annexes as issued (sealed PDFs, other files as uploaded)."""
    main = latest_file(document, "issued")
    return ([main] if main else []) + [a for a in document.attachments if a.kind == "annex_issued"]


def delivery_for(document: Document, agency_code: str) -> Delivery:
    delivery = (db.session.query(Delivery)
                .filter_by(document_id=document.id, agency_code=(agency_code or "").strip().upper()).one_or_none())
    if delivery is None:
        raise NotFound(N_("Văn bản này không gửi cho cơ quan %(code)s qua trục liên thông."),
                       params={"code": agency_code}, code="unknown_delivery")
    return delivery


def _staff(document: Document) -> edxml.Staff:
    issued = next((e for e in reversed(document.history) if e.action == "issued" and e.actor), None)
    actor = issued.actor if issued else None
    return edxml.Staff(department=actor.unit.name if actor and actor.unit else "",
                       staff=actor.full_name if actor else "", email=actor.email or "" if actor else "")


def _reply_to(document: Document) -> list[edxml.ResponseFor]:
    original = db.session.get(Document, document.in_reply_to_id) if document.in_reply_to_id else None
    if original is None or not original.sender_org_id:
        return []
    return [edxml.ResponseFor(**response_for(original))]


def document_package(document: Document, delivery: Delivery, *, business: int = edxml.NEW, reason: str = "",
                     at: datetime | None = None, staff_name: str | None = None) -> bytes:
    """The package of the issued ``document`` for the agency of ``delivery``."""
    files = files_to_send(document) if business == edxml.NEW else []
    competence, _position = signer_lines(document.signer)
    staff = _staff(document)
    if staff_name:
        staff.staff = staff_name
    names = [r.get("name") or r.get("code") for r in document.receivers or ()]
    pkg = edxml.DocumentPackage(
        sender=our_organ(), receivers=[edxml.Organ(delivery.agency_code, delivery.agency_name)],
        document_id=delivery.edxml_document_id, subject=document.subject,
        code_number=document.number or "", code_notation=document.notation or "",
        place=settings.get("ORG_PLACE") or "",
        promulgation_date=edxml.RawDate(edxml.format_date(document.issued_on), document.issued_on),
        type_code="1", type_detail="0", type_name=type_name(document.doc_type), content=document.subject,
        signer_competence=competence, signer_position=document.signer_position or "",
        signer_name=document.signer_name or "",
        due_date=edxml.RawDate(edxml.format_date(document.due_on), document.due_on),
        priority=Urgency.RANK.get(document.urgency, 0), typer_notation=archive_unit(document),
        promulgation_amount=len(names) or None, page_amount=(document.layout or {}).get("pages"),
        appendixes=[a.name for a in files[1:]], steering_type="1", to_places=names,
        response_for=_reply_to(document),
        traces=[(settings.get("ORG_CODE"), edxml.format_timestamp(at or document.sent_at or document.issued_at))],
        business=edxml.Business(doc_type=business, reason=reason or REASONS[business],
                                document_id=delivery.edxml_document_id, paper=1 if document.paper_copy else 0,
                                staff=staff),
        attachments=[edxml.Attachment(str(i + 1), a.name, store().get(a.sha256), a.content_type,
                                      "Văn bản chính" if i == 0 else "Phụ lục")
                     for i, a in enumerate(files)])
    return edxml.build_document(pkg)


def status_package(payload: dict) -> bytes:
    """A status package from the outbox payload queued by :mod:`engine.interconnection.outbound`."""
    ref = payload.get("response_for") or {}
    moment = datetime.fromisoformat(payload["timestamp"]) if payload.get("timestamp") else None
    pkg = edxml.StatusPackage(
        sender=our_organ(), code=payload["code"], description=payload.get("description") or "",
        response_for=edxml.ResponseFor(ref.get("organ_id") or "", ref.get("code") or "",
                                       ref.get("promulgation_date") or "", ref.get("document_id") or ""),
        timestamp=edxml.format_timestamp(moment), at=moment,
        staff=edxml.Staff(department=payload.get("department") or "", staff=payload.get("staff") or ""))
    return edxml.build_status(pkg)
