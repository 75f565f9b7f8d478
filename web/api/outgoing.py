"""API routes of outgoing documents (API.md "Outgoing documents"), on the ``api`` blueprint."""
from __future__ import annotations

from io import BytesIO

from flask import g, jsonify, request, send_file

from engine import documents
from engine.outgoing import drafting, preparing
from engine.records import registers
from engine.errors import N_, Forbidden, InvalidInput
from engine.models import Document
from web.api import api, doc_response, json_body, multipart_metadata, token_required, uploads
from web.api.serializers import iso


def outgoing_fields(doc: Document) -> dict:
    """Fields the document JSON gains for outgoing documents (empty values for incoming ones)."""
    outgoing_doc = doc.direction == "outgoing"
    layout = doc.layout or {}
    return {
        "outgoing_number": doc.outgoing_number,
        "outgoing_year": doc.outgoing_year,
        "signed_at": iso(doc.signed_at),
        "issued_at": iso(doc.issued_at),
        "signer": f"user:{doc.signer.username}" if outgoing_doc and doc.signer else None,
        "drafter": f"user:{doc.created_by.username}" if outgoing_doc and doc.created_by else None,
        "body": doc.body if outgoing_doc else None,
        "layout": ({k: layout.get(k) for k in ("mode", "page", "number_page", "number_box", "date_box",
                                               "leader_box", "seal_box", "custom") if k in layout}
                   if outgoing_doc else None),
    }


@api.post("/documents/outgoing")
@token_required
def create_outgoing():
    doc = drafting.create(g.user, multipart_metadata(), uploads())
    return doc_response(doc, 201)


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
    doc = documents.get_visible(g.user, document_id)
    return doc_response(drafting.add_files(g.user, doc, uploads()), 201)


@api.get("/documents/<int:document_id>/preview")
@token_required
def preview_outgoing(document_id: int):
    doc = documents.get_visible(g.user, document_id)
    if doc.direction != "outgoing":
        raise InvalidInput(N_("Chỉ văn bản đi có bản xem trước."))
    return preview_response(doc)


def preview_response(doc: Document):
    data = preparing.preview(doc)
    return send_file(BytesIO(data), mimetype="application/pdf", as_attachment=False,
                     download_name=f"xem-truoc-{doc.id}.pdf", max_age=0)


@api.get("/registers/outgoing")
@token_required
def outgoing_register():
    """The outgoing register of a year (R-REPORT-2 data): issued documents by number."""
    from engine.models import Role

    if not g.user.has_role(Role.CLERK, Role.LEADER, Role.ADMIN):
        raise Forbidden(N_("Chỉ văn thư và lãnh đạo xem sổ văn bản đi."))
    try:
        year = int(request.args.get("year") or 0) or None
    except ValueError:
        raise InvalidInput(N_("Năm không hợp lệ."), details={"year": "integer expected"}) from None
    return jsonify({"year": year, "items": [register_row(d) for d in registers.outgoing_register(year)]})


def register_row(doc: Document) -> dict:
    return {"id": doc.id, "number": doc.outgoing_number, "number_notation": doc.number_notation,
            "issued_on": doc.issued_on.isoformat() if doc.issued_on else None, "doc_type": doc.doc_type,
            "subject": doc.subject, "signer_name": doc.signer_name,
            "receivers": [r.get("name") for r in doc.receivers or ()],
            "drafting_unit": doc.created_by.unit_code if doc.created_by else None,
            "sent_at": iso(doc.sent_at), "paper_copy": doc.paper_copy, "status": doc.status}


__all__ = ["outgoing_fields"]


# --- OpenAPI ---------------------------------------------------------------------------------

def _err(description):
    return {"description": description, "content": {"application/json": {"schema": {
        "$ref": "#/components/schemas/Error"}}}}


def _ok(description, schema):
    return {"description": description, "content": {"application/json": {"schema": schema}}}


BOX = {"type": "array", "items": {"type": "number"}, "minItems": 4, "maxItems": 4,
       "description": "[x1, y1, x2, y2] in PDF points, origin bottom-left"}

SCHEMAS = {
    "Signature": {"type": "object", "description": "one signature of one PDF attachment, verified against the "
                                                   "configured trust roots", "properties": {
        "signer": {"type": "string", "nullable": True, "description": "CN of the signer certificate"},
        "signed_at": {"type": "string", "format": "date-time", "nullable": True,
                      "description": "timestamp token time if any, else the time the signer claims"},
        "intact": {"type": "boolean"}, "valid": {"type": "boolean"}, "trusted": {"type": "boolean"},
        "modification": {"type": "string", "nullable": True,
                         "enum": ["none", "lta_updates", "form_filling", "annotations", "other", None]},
        "reason": {"type": "string", "description": "Vietnamese reason, e.g. 'Chữ ký hợp lệ'"},
        "reason_code": {"type": "string", "enum": ["ok", "tampered", "invalid_signature", "revoked", "expired",
                                                   "chain_unverifiable", "usage_not_allowed", "untrusted",
                                                   "partial_coverage", "modified", "timestamp_invalid", "invalid",
                                                   "unreadable"]},
        "ok": {"type": "boolean", "description": "intact, valid, trusted and not illegally modified"},
        "field": {"type": "string", "nullable": True}, "issuer": {"type": "string", "nullable": True},
        "timestamped": {"type": "boolean"}, "attachment": {"type": "integer"},
        "attachment_name": {"type": "string"}}},
    "Layout": {"type": "object", "description": "positions on an uploaded final PDF (defaults: number and date "
                                                "under the header of page 1, signature bottom right of the last page)",
               "properties": {"number_box": BOX, "date_box": BOX, "leader_box": BOX, "seal_box": BOX,
                              "page": {"type": "integer", "description": "page (from 0) of the signature"},
                              "number_page": {"type": "integer", "description": "page of number and date"}}},
    "OutgoingMetadata": {"type": "object", "required": ["doc_type", "subject"], "properties": {
        "doc_type": {"type": "string", "example": "CV", "description": "Decree 30 abbreviation or CV"},
        "subject": {"type": "string"},
        "receivers": {"type": "array", "items": {"type": "string"}, "example": ["unit:ncc", "org:000.00.00.H47"],
                      "description": "unit:<code> — delivered internally to the unit's head; "
                                     "org:<identifier code> — queued for the interconnection axis"},
        "urgency": {"type": "string", "enum": ["normal", "khan", "thuong_khan", "hoa_toc"]},
        "signer": {"type": "string", "example": "user:giamdoc", "description": "a leader"},
        "in_reply_to": {"type": "integer", "description": "id of the incoming document answered"},
        "paper_copy": {"type": "boolean", "description": "also sent on paper (R-LEGAL-2)"},
        "body": {"type": "string", "description": "text composed into the Decree 30 layout; blank lines "
                                                  "separate paragraphs. Without it, the last uploaded PDF is the "
                                                  "final document"},
        "notes": {"type": "string"},
        "layout": {"$ref": "#/components/schemas/Layout"}}},
    "SubmitForm": {"type": "object", "description": "task submit (the drafter): the PDF to sign is built now",
                   "properties": {}},
    "ReviewForm": {"type": "object", "required": ["decision"], "description": "task review (the drafter's unit head)",
                   "properties": {"decision": {"type": "string", "enum": ["approve", "return"]},
                                  "note": {"type": "string", "description": "required to return"}}},
    "SignForm": {"type": "object", "required": ["decision"],
                 "description": "task sign (the named leader or a delegate with the sign right); "
                                "a wrong PIN → 422 bad_pin and nothing is signed",
                 "properties": {"decision": {"type": "string", "enum": ["sign", "return"]},
                                "pin": {"type": "string", "description": "unlocks the signer's key; required to sign"},
                                "note": {"type": "string", "description": "required to return"}}},
    "IssueForm": {"type": "object", "required": ["pin"],
                  "description": "task issue (Clerk): number and date from the outgoing register, organisation "
                                 "seal signature with a timestamp, then sending; a wrong PIN → 422 bad_pin",
                  "properties": {"pin": {"type": "string", "description": "unlocks the organisation seal key"}}},
}

DOCUMENT_FIELDS = {
    "signatures": {"type": "array", "items": {"$ref": "#/components/schemas/Signature"}},
    "outgoing_number": {"type": "integer", "nullable": True},
    "outgoing_year": {"type": "integer", "nullable": True},
    "signed_at": {"type": "string", "format": "date-time", "nullable": True},
    "issued_at": {"type": "string", "format": "date-time", "nullable": True},
    "signer": {"type": "string", "nullable": True, "example": "user:giamdoc"},
    "drafter": {"type": "string", "nullable": True},
    "body": {"type": "string", "nullable": True},
    "layout": {"type": "object", "nullable": True},
    "paper_copy": {"type": "boolean"},
}


def _paths(doc_ref, secured) -> dict:
    id_param = {"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}}
    return {
        "/documents/outgoing": {"post": {
            "summary": "Soạn văn bản đi (bắt đầu quy trình trình, ký, ban hành, gửi)", "security": secured,
            "requestBody": {"required": True, "content": {"multipart/form-data": {"schema": {
                "type": "object", "required": ["metadata"], "properties": {
                    "metadata": {"type": "string", "description": "JSON of OutgoingMetadata"},
                    "files": {"type": "array", "items": {"type": "string", "format": "binary"},
                              "description": "the draft or final PDF (without body the first must be a PDF), "
                                             "or attachments"}}}}}},
            "responses": {"201": _ok("document, status draft, with a submit task for the drafter", doc_ref),
                          "403": _err("not a specialist, unit head or leader"), "413": _err("file too large"),
                          "422": _err("invalid, secret_document or dangerous_content")}}},
        "/documents/{id}/draft": {"patch": {
            "summary": "Sửa dự thảo (người soạn, khi còn là dự thảo)", "security": secured, "parameters": [id_param],
            "requestBody": {"required": True, "content": {"application/json": {"schema": {
                "$ref": "#/components/schemas/OutgoingMetadata"}}}},
            "responses": {"200": _ok("document", doc_ref), "403": _err("not the drafter or no longer a draft"),
                          "422": _err("invalid")}}},
        "/documents/{id}/files": {"post": {
            "summary": "Tải lên phiên bản mới của tệp dự thảo", "security": secured, "parameters": [id_param],
            "requestBody": {"required": True, "content": {"multipart/form-data": {"schema": {
                "type": "object", "properties": {"files": {"type": "array", "items": {
                    "type": "string", "format": "binary"}}}}}}},
            "responses": {"201": _ok("document", doc_ref), "403": _err("not the drafter or no longer a draft"),
                          "422": _err("invalid or dangerous_content")}}},
        "/documents/{id}/preview": {"get": {
            "summary": "Xem trước văn bản trình ký (PDF theo thể thức Nghị định 30)", "security": secured,
            "parameters": [id_param],
            "responses": {"200": {"description": "PDF", "content": {"application/pdf": {}}},
                          "422": _err("nothing to compose yet")}}},
        "/registers/outgoing": {"get": {
            "summary": "Sổ đăng ký văn bản đi của một năm", "security": secured,
            "parameters": [{"name": "year", "in": "query", "schema": {"type": "integer"}}],
            "responses": {"200": _ok("rows by number", {"type": "object"}), "403": _err("clerks and leaders")}}},
    }


def extend_openapi(spec: dict) -> dict:
    components = spec.setdefault("components", {}).setdefault("schemas", {})
    components.update(SCHEMAS)
    components.get("Document", {}).setdefault("properties", {}).update(DOCUMENT_FIELDS)
    spec["paths"].update(_paths({"$ref": "#/components/schemas/Document"}, [{"bearer": []}]))
    complete = spec["paths"].get("/tasks/{id}/complete", {}).get("post")
    if complete:
        complete["description"] = (complete.get("description", "") + " Outgoing: submit → SubmitForm, "
                                   "review → ReviewForm, sign → SignForm, issue → IssueForm.")
        schema = complete["requestBody"]["content"]["application/json"]["schema"]
        schema.setdefault("oneOf", []).extend([{"$ref": f"#/components/schemas/{n}"} for n in (
            "ReviewForm", "SignForm", "IssueForm")])
    return spec
