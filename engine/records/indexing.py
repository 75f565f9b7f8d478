"""The text a document is found by: a lower-case, diacritic-free copy of its metadata."""
from __future__ import annotations

from engine.models import Document
from engine.text import fold


def search_text(doc: Document) -> str:
    return fold(" ".join(filter(None, [doc.subject, doc.number_notation, doc.sender_org_name,
                                       doc.sender_org_id, str(doc.incoming_number or "")])))
