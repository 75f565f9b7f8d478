"""API routes of outgoing documents (API.md "Outgoing documents"): drafting and the preview."""
from __future__ import annotations

from flask import g, request

from engine import documents
from engine.errors import N_, InvalidInput
from engine.incoming import idempotency
from engine.outgoing import drafting
from web.api.base import (
    api,
    doc_response,
    idempotency_key,
    json_body,
    multipart_metadata,
    replayable_response,
    token_required,
    uploads,
)
from web.downloads import preview_response


@api.post("/documents/outgoing")
@token_required
def create_outgoing():
    meta, files, annexes = multipart_metadata(), uploads(), uploads("annexes")
    doc, replayed = idempotency.run(g.user, idempotency_key(), "outgoing", meta, [*files, *annexes],
                                    lambda ticket: drafting.create(g.user, meta, files, annexes, ticket=ticket))
    return replayable_response(doc, replayed)


def _metadata() -> dict:
    if request.mimetype == "multipart/form-data":
        return multipart_metadata()
    return json_body()


@api.patch("/documents/<int:document_id>/draft")
@token_required
def update_outgoing_draft(document_id: int):
    doc = documents.get_visible(g.user, document_id)
    return doc_response(drafting.update_draft(g.user, doc, _metadata()))


@api.post("/documents/<int:document_id>/files")
@token_required
def add_outgoing_files(document_id: int):
    doc, files, annexes = documents.get_visible(g.user, document_id), uploads(), uploads("annexes")
    doc, replayed = idempotency.run(g.user, idempotency_key(), f"files:{doc.id}", {}, [*files, *annexes],
                                    lambda ticket: drafting.add_files(g.user, doc, files, annexes, ticket=ticket))
    return replayable_response(doc, replayed)


@api.get("/documents/<int:document_id>/preview")
@token_required
def preview_outgoing(document_id: int):
    doc = documents.get_visible(g.user, document_id)
    if doc.direction != "outgoing":
        raise InvalidInput(N_("Chỉ văn bản đi có bản xem trước."))
    return preview_response(doc)
