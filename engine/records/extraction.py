"""Text extraction of stored PDFs, off the request path (a scheduler job, every few seconds).

Every PDF attachment whose file has no ``attachment_texts`` row yet is read with pdftotext outside
any transaction, then its text is stored and the search rows of every document holding that file
are rewritten, in one transaction. Files are content-addressed, so a file attached to several
documents (an issued document and its internal copies) is read once. This covers every way a file
enters — upload, composed and signed PDFs, interconnection — and older files after an upgrade.
"""
from __future__ import annotations

import logging

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from engine import clock
from engine.db import db, lock_rows
from engine.models import Attachment, AttachmentText, Document
from engine.records.indexing import refresh
from engine.storage import store
from engine.tx import transaction
from integrations.pdf.text import ExtractionError, extract_text

log = logging.getLogger(__name__)

BATCH = 20


def pending(limit: int = BATCH) -> list[str]:
    """sha256 of PDF files not read yet."""
    rows = db.session.execute(
        select(Attachment.sha256).outerjoin(AttachmentText, AttachmentText.sha256 == Attachment.sha256)
        .where(Attachment.content_type == "application/pdf", AttachmentText.sha256.is_(None))
        .group_by(Attachment.sha256).limit(limit)).all()
    db.session.commit()  # end the read: extraction below runs outside any transaction
    return [r[0] for r in rows]


def extract_one(sha256: str) -> AttachmentText:
    """Read one file and store its text (or why it could not be read); reindex its documents."""
    values = {"sha256": sha256, "extracted_at": clock.now()}
    try:
        result = extract_text(store().get(sha256))
        values.update(status="done", text=result.text, pages=result.pages)
    except (ExtractionError, OSError) as exc:
        log.warning("text of %s not extracted: %s", sha256, exc)
        values.update(status="failed", text="", error=str(exc)[:500])
    try:
        with transaction():
            row = AttachmentText(**values)
            db.session.add(row)
            db.session.flush()
            document_ids = db.session.execute(select(Attachment.document_id)
                                              .where(Attachment.sha256 == sha256)).scalars().all()
            lock_rows(Document, document_ids)  # as a task completion does before it reindexes
            refresh(db.session.connection(), document_ids)
    except IntegrityError:  # another worker stored it first
        row = db.session.get(AttachmentText, sha256)
    return row


def extract_pending(limit: int = BATCH) -> int:
    """Extract the text of up to ``limit`` waiting files; returns how many were read."""
    done = 0
    for sha256 in pending(limit):
        extract_one(sha256)
        done += 1
    return done
