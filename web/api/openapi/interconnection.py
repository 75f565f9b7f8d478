"""OpenAPI description of the interconnection with other agencies: edXML packages in, the package
sent to a receiver, deliveries, recall, the agency directory."""
from __future__ import annotations

from web.api.openapi.parts import SECURED, err, ok, ref

ID = {"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}}
SCHEMAS = {
    "PackageResult": {"type": "object", "properties": {
        "kind": {"type": "string", "enum": ["document", "status"]}, "document_id": {"type": "integer"},
        "business": {"type": "string", "enum": ["new", "revoke", "update", "replace"]},
        "code": {"type": "string", "enum": ["01", "02", "03", "04", "05", "06", "13", "15", "16"]},
        "duplicate": {"type": "boolean", "description": "the same package was taken in before; nothing changed"}}},
    "Delivery": {"type": "object", "properties": {
        "agency_id": {"type": "string"}, "agency_name": {"type": "string"},
        "state": {"type": "string", "enum": ["queued", "sent", "failed"]}, "attempts": {"type": "integer"},
        "last_error": {"type": "string", "nullable": True},
        "sent_at": {"type": "string", "format": "date-time", "nullable": True},
        "recall_state": {"type": "string", "nullable": True, "enum": ["requested", "accepted", "rejected", None]},
        "statuses": {"type": "array", "items": {"type": "object", "properties": {
            "code": {"type": "string"}, "at": {"type": "string", "format": "date-time"},
            "description": {"type": "string", "nullable": True}, "staff": {"type": "string", "nullable": True}}}}}},
    "DecideRecallForm": {"type": "object", "required": ["decision"],
                         "description": "task decide_recall (clerk): a sender recalls a document that arrived here",
                         "properties": {"decision": {"type": "string", "enum": ["accept", "reject"]},
                                        "note": {"type": "string", "description": "required to reject"}}},
}


def extend(spec: dict) -> dict:
    spec.setdefault("components", {}).setdefault("schemas", {}).update(SCHEMAS)
    spec["paths"].update({
        "/interconnection/packages": {"post": {
            "summary": "Nhận một gói tin edXML (QCVN 102:2016) từ trục liên thông", "security": SECURED,
            "description": "Caller: a clerk or the axis service account (an account with the clerk role). "
                           "A document package addressed to us becomes an incoming document waiting for the "
                           "clerk's check (201); the same package again changes nothing (200, duplicate). "
                           "Revoke / update / replace attach to the original; a status package is recorded on "
                           "the delivery of the document we sent. A package marked secret is refused (422 "
                           "secret_document) and the sender gets status 02.",
            "requestBody": {"required": True, "content": {"application/xml": {"schema": {"type": "string"}}}},
            "responses": {"201": ok("a new incoming document", ref("PackageResult")),
                          "200": ok("recorded (status, revoke/update/replace, or a duplicate)", ref("PackageResult")),
                          "403": err("not a clerk"), "404": err("unknown_document"),
                          "413": err("too_large: the package or one attachment"),
                          "422": err("bad_package, not_addressed_to_us, secret_document or dangerous_content")}}},
        "/documents/{id}/edxml": {"get": {
            "summary": "Gói tin edXML đã gửi cho một nơi nhận", "security": SECURED,
            "parameters": [ID, {"name": "to", "in": "query", "required": True, "schema": {"type": "string"},
                                "description": "identifier code of the receiving agency"}],
            "responses": {"200": {"description": "the package", "content": {"application/xml": {}}},
                          "404": err("unknown document, or not sent to that agency (unknown_delivery)")}}},
        "/documents/{id}/deliveries": {"get": {
            "summary": "Tình trạng gửi, nhận văn bản theo từng cơ quan nhận", "security": SECURED,
            "parameters": [ID],
            "responses": {"200": ok("deliveries", {"type": "object", "properties": {
                "items": {"type": "array", "items": ref("Delivery")}}}), "404": err("unknown")}}},
        "/documents/{id}/recall": {"post": {
            "summary": "Thu hồi văn bản đã ban hành (văn thư hoặc lãnh đạo)", "security": SECURED,
            "parameters": [ID],
            "requestBody": {"required": True, "content": {"application/json": {"schema": {
                "type": "object", "required": ["reason"], "properties": {"reason": {"type": "string"}}}}}},
            "responses": {"200": ok("document, status recalled", ref("Document")), "403": err("not allowed"),
                          "409": err("not_recallable: not issued, or recalled already"),
                          "422": err("invalid (details.reason)")}}},
        "/agencies": {"get": {
            "summary": "Danh bạ cơ quan liên thông", "security": SECURED,
            "parameters": [{"name": "q", "in": "query", "schema": {"type": "string"},
                            "description": "words of the name or code; diacritics and case ignored"}],
            "responses": {"200": ok("agencies", {"type": "object", "properties": {"items": {
                "type": "array", "items": {"type": "object", "properties": {
                    "id": {"type": "string", "example": "000.00.00.H47"}, "name": {"type": "string"},
                    "parent_id": {"type": "string", "nullable": True}}}}}})}}},
    })
    complete = spec["paths"].get("/tasks/{id}/complete", {}).get("post")
    if complete:
        complete["description"] = complete.get("description", "") + " Recall request: decide_recall → DecideRecallForm."
        schema = complete["requestBody"]["content"]["application/json"]["schema"]
        schema.setdefault("anyOf", []).append(ref("DecideRecallForm"))
    return spec
