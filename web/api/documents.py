"""Reading documents through the API: the list, one document, its attachments."""
from __future__ import annotations

from flask import g, jsonify, request

from engine import documents
from engine.records import search
from web.api.base import api, doc_response, token_required
from web.api.records_json import hit_json
from web.api.serializers import document_json
from web.downloads import attachment_response


@api.get("/documents")
@token_required
def list_documents():
    flt = search.parse_filter(request.args.to_dict())
    results = search.find(g.user, flt)
    return jsonify({"items": [document_json(h.document, []) | {"history": []} | hit_json(h) for h in results.hits],
                    "total": results.total, "total_exact": results.total_exact, "page": flt.page,
                    "per_page": flt.per_page})


@api.get("/documents/<int:document_id>")
@token_required
def get_document(document_id: int):
    return doc_response(documents.get_visible(g.user, document_id))


@api.get("/documents/<int:document_id>/attachments/<int:index>")
@token_required
def get_attachment(document_id: int, index: int):
    doc = documents.get_visible(g.user, document_id)
    return attachment_response(doc, index)
