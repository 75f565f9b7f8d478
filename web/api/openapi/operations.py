"""OpenAPI description of running the system: declared outages, the incident register."""
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
    "Incident": {"type": "object", "properties": {
        "id": {"type": "integer"}, "kind": {"type": "string", "enum": ["security", "software"]},
        "title": {"type": "string"}, "description": {"type": "string"}, "page": {"type": "string", "nullable": True},
        "status": {"type": "string", "enum": ["open", "assigned", "closed"]}, "reported_by": {"type": "string"},
        "reported_at": {"type": "string", "format": "date-time"}, "assignee": {"type": "string", "nullable": True},
        "resolution": {"type": "string", "nullable": True},
        "closed_at": {"type": "string", "format": "date-time", "nullable": True}}},
    "IncidentReport": {"type": "object", "required": ["kind", "title", "description"], "properties": {
        "kind": {"type": "string", "enum": ["security", "software"]}, "title": {"type": "string", "maxLength": 300},
        "description": {"type": "string", "maxLength": 8000}, "page": {"type": "string", "maxLength": 500}}},
}
INCIDENT_ID = {"name": "id", "in": "path", "required": True, "schema": {"type": "integer", "minimum": 1}}


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
    spec["paths"]["/incidents"] = {
        "get": {"summary": "Sổ sự cố (quản trị: tất cả; người khác: sự cố mình đã báo); format=csv để xuất",
                "security": SECURED, "parameters": [
                    {"name": "status", "in": "query", "schema": {"type": "string", "enum": ["open", "assigned", "closed"]}},
                    {"name": "format", "in": "query", "schema": {"type": "string", "enum": ["json", "csv"]}}],
                "responses": {"200": {"description": "the register (JSON, or CSV UTF-8 with BOM for administrators)",
                                      "content": {"application/json": {"schema": {"type": "object", "properties": {
                                          "items": {"type": "array", "items": ref("Incident")}}}},
                                          "text/csv": {}}},
                              "403": err("CSV export: administrators only")}},
        "post": {"summary": "Báo sự cố an toàn thông tin hoặc lỗi phần mềm (mọi người)", "security": SECURED,
                 "requestBody": {"required": True, "content": {"application/json": {"schema": ref("IncidentReport")}}},
                 "responses": {"201": ok("recorded; the administrators are notified", ref("Incident"))}},
    }
    spec["paths"]["/incidents/{id}"] = {
        "get": {"summary": "Một sự cố (người báo hoặc quản trị)", "security": SECURED, "parameters": [INCIDENT_ID],
                "responses": {"200": ok("the incident", ref("Incident"))}},
        "patch": {"summary": "Giao xử lý ({assignee}) hoặc đóng sự cố ({resolution}) — quản trị", "security": SECURED,
                  "parameters": [INCIDENT_ID], "requestBody": {"required": True, "content": {"application/json": {
                      "schema": {"type": "object", "properties": {"assignee": {"type": "string"},
                                                                   "resolution": {"type": "string"}}}}}},
                  "responses": {"200": ok("the incident", ref("Incident")), "403": err("not an administrator")}},
    }
    return spec
