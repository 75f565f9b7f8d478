"""Reading documents: lookup with permission checks, listing and search (engine/records/search.py)."""
from __future__ import annotations

from engine.db import db
from engine.errors import N_, NotFound
from engine.models import Document, User
from engine.processing.access import can_view
from engine.records.search import PAGE_SIZE, SearchFilter, find

__all__ = ["PAGE_SIZE", "get_visible", "search"]


def get_visible(user: User, document_id) -> Document:
    """The document if it exists and ``user`` may see it; NotFound otherwise (no existence leak)."""
    try:
        document = db.session.get(Document, int(document_id))
    except (TypeError, ValueError):
        document = None
    if document is None or not can_view(user, document):
        raise NotFound(N_("Không tìm thấy văn bản."))
    return document


def search(user: User, *, direction=None, status=None, q=None, unit=None, state=None, page=1,
           per_page=PAGE_SIZE):
    """(items, total) of visible documents: best matches of ``q`` first, otherwise newest first."""
    results = find(user, SearchFilter(q=q, direction=direction, status=status, unit=unit, state=state,
                                      page=max(page, 1), per_page=per_page))
    return [hit.document for hit in results.hits], results.total
