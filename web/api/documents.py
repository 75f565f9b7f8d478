"""Reading documents through the API: the list, one document, its attachments."""
from __future__ import annotations

from flask import g, jsonify, request

from engine import documents
from engine.validation import parse_page
from web.api.base import api, doc_response, token_required
from web.api.serializers import document_json
from web.downloads import attachment_response


@api.get("/documents")
@token_required
def list_documents():
    page = parse_page(request.args.get("page"))
    items, total = documents.search(g.user, direction=request.args.get("direction") or None,
                                    status=request.args.get("status") or None, q=request.args.get("q") or None,
                                    unit=request.args.get("unit") or None, state=request.args.get("state") or None,
                                    page=page)
    return jsonify({"items": [document_json(d, []) for d in items], "total": total,
                    "page": page, "per_page": documents.PAGE_SIZE})


@api.get("/documents/<int:document_id>")
@token_required
def get_document(document_id: int):
    return doc_response(documents.get_visible(g.user, document_id))


@api.get("/documents/<int:document_id>/attachments/<int:index>")
@token_required
def get_attachment(document_id: int, index: int):
    doc = documents.get_visible(g.user, document_id)
    return attachment_response(doc, index)
