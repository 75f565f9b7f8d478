"""Receiving a document through the API (API.md "Incoming documents")."""
from __future__ import annotations

from flask import g

from engine.incoming import registration
from web.api.base import api, doc_response, multipart_metadata, token_required, uploads


@api.post("/documents/incoming")
@token_required
def receive_incoming():
    doc = registration.receive(g.user, multipart_metadata(), uploads())
    return doc_response(doc, 201)
