"""Reading documents: lookup with permission checks, listing and search."""
from __future__ import annotations

from sqlalchemy import func

from engine.db import db
from engine.errors import N_, NotFound
from engine.models import Document, User
from engine.processing.access import can_view, visible_filter
from engine.processing.overview import STATES, documents_in_state
from engine.text import fold
from engine.validation import parse_id

PAGE_SIZE = 20


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
    """(items, total) of visible documents, newest first; ``q`` ignores diacritics and case;
    ``unit`` + ``state`` (waiting, in_progress, overdue, due_this_week) follow the leaders' overview."""
    query = db.session.query(Document).filter(visible_filter(user))
    if unit and state:
        if state in STATES:
            query = query.filter(documents_in_state(unit, state))
    if direction:
        query = query.filter(Document.direction == direction)
    if status:
        query = query.filter(Document.status == status)
    if q:
        for word in fold(q).split()[:8]:
            query = query.filter(Document.search_text.contains(word, autoescape=True))
    total = query.with_entities(func.count(Document.id)).scalar()
    items = query.order_by(Document.id.desc()).offset((max(page, 1) - 1) * per_page).limit(per_page).all()
    return items, total
