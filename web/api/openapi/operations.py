"""OpenAPI description of running the system: declared outages."""
from __future__ import annotations

from web.api.openapi.parts import SECURED, err, ok, ref

SCHEMAS = {
    "Outage": {"type": "object", "properties": {
        "id": {"type": "integer"}, "starts_at": {"type": "string", "format": "date-time"},
        "ends_at": {"type": "string", "format": "date-time"}, "reason": {"type": "string"},
        "declared_by": {"type": "string"}, "declared_at": {"type": "string", "format": "date-time"}}},
    "OutageForm": {"type": "object", "required": ["starts_at", "ends_at", "reason"], "properties": {
        "starts_at": {"type": "string", "format": "date-time"}, "ends_at": {"type": "string", "format": "date-time"},
        "reason": {"type": "string", "maxLength": 2000}}},
}


def extend(spec: dict) -> dict:
    spec["components"]["schemas"].update(SCHEMAS)
    spec["paths"]["/outages"] = {
        "get": {"summary": "Các sự cố ngừng hoạt động đã khai báo (quản trị)", "security": SECURED,
                "responses": {"200": ok("newest first", {"type": "object", "properties": {
                    "items": {"type": "array", "items": ref("Outage")}}}), "403": err("not an administrator")}},
        "post": {"summary": "Khai báo sự cố đã kết thúc: chỉ trong khoảng này mới được nhập sau (done_at)",
                 "security": SECURED, "requestBody": {"required": True, "content": {"application/json": {
                     "schema": ref("OutageForm")}}},
                 "responses": {"201": ok("declared", ref("Outage")), "403": err("not an administrator")}},
    }
    return spec
