"""Finding documents already registered that a new arrival may duplicate (R-DUP-1).

Three signals, strongest first: the same sender identifier code, number/notation
and issue date; the same file (sha256); for paper scans, the same sender and date
with a near-identical subject after folding Vietnamese diacritics and case.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import or_

from engine import settings
from engine.db import db
from engine.errors import N_
from engine.models import Attachment, Document
from engine.text import fold, similarity

REASONS = {
    "same_identity": N_("Cùng cơ quan gửi, số/ký hiệu và ngày ban hành"),
    "same_file": N_("Cùng tệp đính kèm (mã băm SHA-256 trùng nhau)"),
    "similar_subject": N_("Cùng cơ quan gửi và ngày ban hành, trích yếu gần như giống hệt"),
}


@dataclass
class Match:
    document: Document
    reason: str

    @property
    def reason_text(self) -> str:
        return REASONS[self.reason]


def _registered():
    return db.session.query(Document).filter(
        Document.direction == "incoming", Document.incoming_number.isnot(None),
        Document.status.notin_(("deleted", "refused")))


def find(document: Document) -> list[Match]:
    """Registered incoming documents that ``document`` probably duplicates, best match first."""
    found: dict[int, Match] = {}

    def add(doc, reason):
        if doc.id != document.id and doc.id not in found:
            found[doc.id] = Match(doc, reason)

    if document.issued_on and document.number:
        same = _registered().filter(Document.number == document.number, Document.issued_on == document.issued_on)
        for doc in same:
            if (fold(doc.notation) == fold(document.notation)
                    and _same_sender(doc, document)):
                add(doc, "same_identity")

    digests = [a.sha256 for a in document.attachments]
    if digests:
        # IN (subquery), not JOIN + DISTINCT: PostgreSQL cannot compare the JSON columns DISTINCT needs.
        same_file = db.session.query(Attachment.document_id).filter(Attachment.sha256.in_(digests))
        for doc in _registered().filter(Document.id.in_(same_file)):
            add(doc, "same_file")

    if document.issued_on:
        threshold = settings.get("SUBJECT_DUPLICATE_THRESHOLD")
        candidates = _registered().filter(Document.issued_on == document.issued_on)
        if document.sender_org_id:
            candidates = candidates.filter(or_(Document.sender_org_id == document.sender_org_id,
                                               Document.sender_org_id.is_(None)))
        for doc in candidates.limit(500):
            if _same_sender(doc, document) and similarity(doc.subject, document.subject) >= threshold:
                add(doc, "similar_subject")
    return list(found.values())


def registered_by_reference(value) -> Document | None:
    """A registered incoming document named by its id or by its register number (``12/2026``)."""
    text = str(value or "").strip()
    number, slash, year = text.partition("/")
    if slash and number.strip().isdigit() and year.strip().isdigit():
        return _registered().filter(Document.incoming_number == int(number),
                                    Document.register_year == int(year)).one_or_none()
    if text.isdigit():
        return _registered().filter(Document.id == int(text)).one_or_none()
    return None


def _same_sender(a: Document, b: Document) -> bool:
    if a.sender_org_id and b.sender_org_id:
        return a.sender_org_id.strip().upper() == b.sender_org_id.strip().upper()
    return fold(a.sender_org_name) == fold(b.sender_org_name)
