"""Reading documents: lookup with permission checks, listing and search (engine/records/search.py)."""
from __future__ import annotations

from engine.db import db
from engine.errors import N_, NotFound
from engine.models import Document, User
from engine.processing.access import can_view, visible_filter
from engine.records.search import PAGE_SIZE, SearchFilter, find
from engine.validation import parse_id

__all__ = ["PAGE_SIZE", "get_visible", "search"]


def get_visible(user: User, document_id) -> Document:
    """The document if it exists and ``user`` may see it; NotFound otherwise (no existence leak)."""
    number = parse_id(document_id)
    document = db.session.get(Document, number) if number else None
    if document is None or not can_view(user, document):
        raise NotFound(N_("Không tìm thấy văn bản."))
    return document


def visible_or_none(user: User, document_id) -> Document | None:
    """The linked document (a duplicate, the one answered …) if ``user`` may see it: a link must not
    show another document's number and subject to someone who may not open it."""
    try:
        return get_visible(user, document_id) if document_id else None
    except NotFound:
        return None


def replies(user: User, document: Document) -> list[Document]:
    """The outgoing documents answering ``document`` that ``user`` may see."""
    return (db.session.query(Document).filter(Document.in_reply_to_id == document.id, visible_filter(user))
            .order_by(Document.id).all())


def search(user: User, *, direction=None, status=None, q=None, unit=None, state=None, page=1,
           per_page=PAGE_SIZE):
    """(items, total) of visible documents: best matches of ``q`` first, otherwise newest first."""
    results = find(user, SearchFilter(q=q, direction=direction, status=status, unit=unit, state=state,
                                      page=max(page, 1), per_page=per_page))
    return [hit.document for hit in results.hits], results.total
