"""Receiving a document through the API (API.md "Incoming documents")."""
from __future__ import annotations

from flask import g

from engine.incoming import idempotency, registration
from web.api.base import (
    api,
    idempotency_key,
    multipart_metadata,
    replayable_response,
    token_required,
    uploads,
)


@api.post("/documents/incoming")
@token_required
def receive_incoming():
    meta, files = multipart_metadata(), uploads()
    doc, replayed = idempotency.run(g.user, idempotency_key(), "incoming", meta, files,
                                    lambda ticket: registration.receive(g.user, meta, files, ticket=ticket))
    return replayable_response(doc, replayed)
