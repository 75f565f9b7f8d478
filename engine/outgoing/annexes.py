"""Annexes of an outgoing document (phụ lục, R-META-2): files the drafter marks as annexes travel
with the document but are never the text the leader signs. On issue every PDF annex gets the
organisation's signature without an image at the top right of its first page (Decree 30, Phụ lục I:
an attachment filed separately is signed by the clerk); other files travel as uploaded."""
from __future__ import annotations

import logging

from engine import settings
from engine.models import Attachment, Document, User
from engine.outgoing import signing_keys
from engine.outgoing.preparing import store_pdf
from engine.storage import store

log = logging.getLogger(__name__)

ANNEX, ISSUED = "annex", "annex_issued"


def annexes_of(document: Document) -> list[Attachment]:
    return [a for a in document.attachments if a.kind == ANNEX]


def seal(document: Document, signer, *, number_notation: str, when) -> list[tuple[Attachment, bytes, bool]]:
    """(annex, bytes to send, sealed?) for every annex; a PDF that cannot be signed travels as uploaded."""
    from integrations.pdf.signing import IssueError, seal_annex  # pyHanko is heavy: loaded when issuing

    out = []
    for index, annex in enumerate(annexes_of(document), start=1):
        data = store().get(annex.sha256)
        sealed = False
        if annex.content_type == "application/pdf":
            try:
                data = seal_annex(data, signer, text=f"Phụ lục {index} kèm theo văn bản số {number_notation}",
                                  timestamper=signing_keys.timestamper(), org_name=settings.get("ORG_NAME"),
                                  location=settings.get("ORG_PLACE"), now=when)
                sealed = True
            except IssueError as exc:
                log.warning("annex %s of document %s not signed: %s", annex.name, document.id, exc)
        out.append((annex, data, sealed))
    return out


def store_issued(document: Document, sealed: list[tuple[Attachment, bytes, bool]], actor: User | None) -> list[str]:
    """Store the annexes as issued; returns the names of PDF annexes that could not be signed."""
    unsigned = []
    for annex, data, was_sealed in sealed:
        store_pdf(document, data, annex.name, ISSUED, actor, content_type=annex.content_type)
        if annex.content_type == "application/pdf" and not was_sealed:
            unsigned.append(annex.name)
    return unsigned
