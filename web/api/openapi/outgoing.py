"""OpenAPI description of outgoing documents: drafting, preview, the review / sign / issue forms, the
outgoing register."""
from __future__ import annotations

from web.api.openapi.parts import err, ok

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
        "signer_organization": {"type": "string", "nullable": True, "description": "O of the signer certificate"},
        "from_sender": {"type": "boolean", "description": "the signer belongs to the sending agency (for outgoing "
                                                          "documents: this organisation); only such a signature "
                                                          "makes the document legal"},
        "revocation": {"type": "string", "enum": ["checked", "not_checked"],
                       "description": "checked against the configured CRLs, or not checked (none configured)"},
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
                                     "org:<identifier code> — an agency of the directory (GET /agencies), "
                                     "queued for the interconnection axis"},
        "urgency": {"type": "string", "enum": ["normal", "khan", "thuong_khan", "hoa_toc"]},
        "signer": {"type": "string", "example": "user:giamdoc", "description": "a leader"},
        "in_reply_to": {"type": "integer", "description": "id of the incoming document answered"},
        "paper_copy": {"type": "boolean", "description": "also sent on paper (R-LEGAL-2)"},
        "body": {"type": "string", "description": "text composed into the Decree 30 layout; blank lines "
                                                  "separate paragraphs. Without it, the last uploaded PDF of the "
                                                  "main document (not an annex) is the final document"},
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
                              "description": "the draft or final PDF of the main document (without body the "
                                             "first must be a PDF; the last PDF is the text to sign)"},
                    "annexes": {"type": "array", "items": {"type": "string", "format": "binary"},
                                "description": "annexes (phụ lục): never the text signed; on issue PDF annexes "
                                               "get the organisation signature, all travel with the document"}}}}}},
            "responses": {"201": ok("document, status draft, with a submit task for the drafter", doc_ref),
                          "403": err("not a specialist, unit head or leader"), "413": err("file too large"),
                          "422": err("invalid, secret_document or dangerous_content")}}},
        "/documents/{id}/draft": {"patch": {
            "summary": "Sửa dự thảo (người soạn, khi còn là dự thảo)", "security": secured, "parameters": [id_param],
            "requestBody": {"required": True, "content": {"application/json": {"schema": {
                "$ref": "#/components/schemas/OutgoingMetadata"}}}},
            "responses": {"200": ok("document", doc_ref), "403": err("not the drafter or no longer a draft"),
                          "422": err("invalid")}}},
        "/documents/{id}/files": {"post": {
            "summary": "Tải lên phiên bản mới của tệp dự thảo, hoặc phụ lục", "security": secured,
            "parameters": [id_param],
            "requestBody": {"required": True, "content": {"multipart/form-data": {"schema": {
                "type": "object", "properties": {
                    "files": {"type": "array", "items": {"type": "string", "format": "binary"}},
                    "annexes": {"type": "array", "items": {"type": "string", "format": "binary"},
                                "description": "files marked as annexes (phụ lục)"}}}}}},
            "responses": {"201": ok("document", doc_ref), "403": err("not the drafter or no longer a draft"),
                          "422": err("invalid or dangerous_content")}}},
        "/documents/{id}/preview": {"get": {
            "summary": "Xem trước văn bản trình ký (PDF theo thể thức Nghị định 30)", "security": secured,
            "parameters": [id_param],
            "responses": {"200": {"description": "PDF", "content": {"application/pdf": {}}},
                          "422": err("nothing to compose yet")}}},
        "/registers/outgoing": {"get": {
            "summary": "Sổ đăng ký văn bản đi của một năm", "security": secured,
            "parameters": [{"name": "year", "in": "query", "schema": {"type": "integer"}}],
            "responses": {"200": ok("rows by number", {"type": "object"}), "403": err("clerks and leaders")}}},
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
        schema.setdefault("anyOf", []).extend([{"$ref": f"#/components/schemas/{n}"} for n in (
            "ReviewForm", "SignForm", "IssueForm")])
        complete["responses"]["503"] = err("issue: the timestamp authority did not answer "
                                           "(timestamp_unavailable); nothing is stored")
    return spec
