"""What a document is found by.

- ``search_text``: a folded copy of its metadata kept on the document (the inbox filter reads it).
- ``document_texts``: folded metadata plus the folded text of its PDF files, for full-text search
  (engine/records/fulltext.py). A row is rewritten in the transaction that changes what it is made
  of — a new document, changed metadata, a new attachment — as it commits, so search never disagrees
  with the document, whichever engine function made the change; the extraction job rewrites it when
  the text of a file becomes known.
"""
from __future__ import annotations

from sqlalchemy import bindparam, delete, event, select
from sqlalchemy.orm import Session, attributes
from sqlalchemy.orm.util import identity_key

from engine import clock
from engine.db import upsert
from engine.doctypes import type_name
from engine.models import Attachment, AttachmentText, Document, DocumentText
from engine.records.fulltext import MAX_BODY_CHARS, index_text
from engine.text import fold

# Document fields that feed the index; a change to any of them rewrites the document's row.
INDEXED_FIELDS = ("subject", "number", "notation", "sender_org_name", "sender_org_id", "incoming_number",
                  "signer_name", "doc_type", "receivers", "notes")


def search_text(doc: Document) -> str:
    return fold(" ".join(filter(None, [doc.subject, doc.number_notation, doc.sender_org_name,
                                       doc.sender_org_id, str(doc.incoming_number or "")])))


def _meta(row) -> str:
    notation = f"{row.number}/{row.notation}" if row.number and row.notation else (row.number or row.notation)
    receivers = " ".join(str(r.get("name") or "") for r in row.receivers or () if isinstance(r, dict))
    return index_text(row.subject, notation, row.sender_org_name, row.sender_org_id,
                      str(row.incoming_number or ""), row.signer_name, type_name(row.doc_type), receivers,
                      row.notes)


_TEXTS = (select(Attachment.document_id, Attachment.sha256, AttachmentText.text)
          .join(AttachmentText, AttachmentText.sha256 == Attachment.sha256)
          .where(Attachment.document_id.in_(bindparam("ids", expanding=True)))
          .order_by(Attachment.document_id, Attachment.position))


def refresh(connection, document_ids, loaded: dict | None = None) -> None:
    """Rewrite the ``document_texts`` rows of ``document_ids`` on ``connection`` (caller's transaction).

    ``loaded`` maps ids to Document objects already up to date in memory: those are not read again.
    """
    ids = sorted({int(i) for i in document_ids if i is not None})
    if not ids:
        return
    loaded = loaded or {}
    docs = [loaded[i] for i in ids if i in loaded]
    unread = [i for i in ids if i not in loaded]
    if unread:
        docs += connection.execute(select(Document.__table__).where(Document.id.in_(unread))).all()
    bodies: dict[int, list[str]] = {i: [] for i in ids}
    seen: set[tuple[int, str]] = set()
    for document_id, sha256, text in connection.execute(_TEXTS, {"ids": ids}):
        if (document_id, sha256) not in seen:  # the same file twice adds nothing
            seen.add((document_id, sha256))
            bodies[document_id].append(text or "")
    now = clock.now()
    rows = [{"document_id": d.id, "meta": _meta(d), "body": index_text("\n".join(bodies[d.id]))[:MAX_BODY_CHARS],
             "updated_at": now} for d in docs]
    gone = set(ids) - {d.id for d in docs}
    if gone:
        connection.execute(delete(DocumentText).where(DocumentText.document_id.in_(gone)))
    if rows:
        upsert(connection, DocumentText, rows, key="document_id")


_PENDING = "documents to reindex"


def _changed_documents(session: Session) -> set[int]:
    ids = set()
    for obj in session.new:
        if isinstance(obj, Document):
            ids.add(obj.id)
        elif isinstance(obj, Attachment):
            ids.add(obj.document_id)
    for obj in session.dirty:
        if isinstance(obj, Document) and any(attributes.get_history(obj, name).has_changes()
                                             for name in INDEXED_FIELDS):
            ids.add(obj.id)
    return ids


@event.listens_for(Session, "after_flush")
def _note_changed(session: Session, _flush_context) -> None:
    ids = _changed_documents(session)
    if ids:
        session.info.setdefault(_PENDING, set()).update(ids)


# Rewritten once, as the transaction commits: a change flushed in several steps (the document, then
# its files) rewrote its row at each step.
@event.listens_for(Session, "before_commit")
def _reindex_changed(session: Session) -> None:
    session.flush()  # the transaction's last changes note their documents too
    ids = session.info.pop(_PENDING, None)
    if ids:
        # Flushed, these are what the database holds: no need to read them back.
        loaded = {i: doc for i in ids
                  if (doc := session.identity_map.get(identity_key(Document, i))) is not None
                  and not attributes.instance_state(doc).expired_attributes}
        refresh(session.connection(), ids, loaded)


@event.listens_for(Session, "after_rollback")
def _forget_changed(session: Session) -> None:
    session.info.pop(_PENDING, None)
