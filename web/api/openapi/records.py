"""OpenAPI description of records: search filters and snippets, saved searches, registers,
statistics, processing slips, case files and their archive package."""
from __future__ import annotations

from web.api.openapi.parts import SECURED, err, ok, ref

INT_PATH = {"in": "path", "required": True, "schema": {"type": "integer"}}


def _query(name: str, schema: dict, description: str = "") -> dict:
    return {"name": name, "in": "query", "schema": schema, **({"description": description} if description else {})}


def _file(media_type: str) -> dict:
    return {"description": "file", "content": {media_type: {}}}


SEARCH_FILTERS = [
    _query("q", {"type": "string"}, "words of the subject, number/notation, sender and the text of the attached "
                                    "PDF files; diacritics and case ignored (đ = d); every word must match; best "
                                    "matches first"),
    _query("direction", {"type": "string", "enum": ["incoming", "outgoing"]}),
    _query("status", {"type": "string"}), _query("doc_type", {"type": "string", "example": "QĐ"}),
    _query("sender", {"type": "string"}, "identifier code, or words of the sender's name"),
    _query("date_from", {"type": "string", "format": "date"}, "on the document's date"),
    _query("date_to", {"type": "string", "format": "date"}),
    _query("unit", {"type": "string"}, "documents a unit handles or drafted"),
    _query("state", {"type": "string", "enum": ["waiting", "in_progress", "overdue", "due_this_week"]},
           "with unit: as on the leaders' overview"),
    _query("page", {"type": "integer", "minimum": 1}), _query("per_page", {"type": "integer", "maximum": 200})]
SCHEMAS = {
    "SavedSearch": {"type": "object", "properties": {
        "id": {"type": "integer"}, "name": {"type": "string"}, "params": {"type": "object"},
        "created_at": {"type": "string", "format": "date-time"}}},
    "Register": {"type": "object", "properties": {
        "kind": {"type": "string", "enum": ["incoming", "outgoing"]}, "title": {"type": "string"},
        "year": {"type": "integer"}, "from": {"type": "string", "format": "date"},
        "to": {"type": "string", "format": "date"}, "unit": {"type": "string"},
        "from_number": {"type": "integer", "nullable": True}, "to_number": {"type": "integer", "nullable": True},
        "columns": {"type": "array", "items": {"type": "object", "properties": {
            "key": {"type": "string"}, "label": {"type": "string"}}}},
        "items": {"type": "array", "items": {"type": "object", "description": "one value per column key"}},
        "total": {"type": "integer"}}},
    "UnitStatistics": {"type": "object", "properties": {
        **{k: {"type": "integer"} for k in ("received", "on_time", "late", "overdue", "in_progress",
                                           "received_electronic", "received_paper", "sent_electronic",
                                           "sent_paper")},
        "unit": {"type": "string", "nullable": True}, "name": {"type": "string"},
        "average_working_days": {"type": "number", "nullable": True},
        "electronic_received_share": {"type": "number", "nullable": True, "description": "%"},
        "electronic_sent_share": {"type": "number", "nullable": True, "description": "% sent electronically only"}}},
    "Statistics": {"type": "object", "properties": {
        "month": {"type": "string", "example": "2026-11"}, "as_of": {"type": "string", "format": "date-time"},
        "units": {"type": "array", "items": ref("UnitStatistics")}, "total": ref("UnitStatistics"),
        "trend": {"type": "array", "items": {"type": "object", "properties": {
            "month": {"type": "string"}, "received": {"type": "integer"}, "completed": {"type": "integer"}}}}}},
    "CaseFile": {"type": "object", "properties": {
        "id": {"type": "integer"}, "unit": {"type": "string"}, "year": {"type": "integer"},
        "code": {"type": "string"}, "title": {"type": "string"},
        "retention_years": {"type": "integer", "nullable": True, "description": "null = permanent"},
        "status": {"type": "string", "enum": ["open", "closed"]}, "owner": {"type": "string"},
        "documents": {"type": "integer"}, "entries": {"type": "array", "items": {"type": "object"}}}},
    "CaseFileForm": {"type": "object", "required": ["title", "code"], "properties": {
        "title": {"type": "string"}, "code": {"type": "string", "description": "from the unit's list of files"},
        "year": {"type": "integer"}, "retention_years": {"oneOf": [
            {"type": "integer", "enum": [5, 10, 15, 20, 50, 70]}, {"type": "string", "enum": ["permanent"]}]}}},
}


def _json_body(schema: dict) -> dict:
    return {"required": True, "content": {"application/json": {"schema": schema}}}


def extend(doc: dict) -> dict:
    doc["components"]["schemas"].update(SCHEMAS)
    doc["components"]["schemas"]["Document"]["properties"].update({
        "snippet": {"type": "string", "nullable": True, "description": "list with q: text around the match"},
        "snippet_file": {"type": "string", "nullable": True}, "score": {"type": "number", "nullable": True}})
    listing = doc["paths"]["/documents"]["get"]
    listing["parameters"] = SEARCH_FILTERS
    listing["responses"]["422"] = err("invalid filter")
    listing["responses"]["200"]["content"]["application/json"]["schema"]["properties"]["total_exact"] = {
        "type": "boolean", "description": "false: more than 1,000 documents match q; total is then 1,000 "
                                          "and the newest come first"}
    case_file = ok("case file", ref("CaseFile"))
    doc["paths"].update({
        "/reports/registers/{kind}": {"get": {
            "summary": "Sổ đăng ký văn bản đến / đi (Phụ lục IV Nghị định 30/2020)", "security": SECURED,
            "parameters": [{"name": "kind", "in": "path", "required": True,
                            "schema": {"type": "string", "enum": ["incoming", "outgoing"]}},
                           _query("year", {"type": "integer"}), _query("from", {"type": "string", "format": "date"}),
                           _query("to", {"type": "string", "format": "date"}), _query("unit", {"type": "string"}),
                           _query("format", {"type": "string", "enum": ["json", "pdf", "csv", "xlsx"]})],
            "responses": {"200": {"description": "register", "content": {
                "application/json": {"schema": ref("Register")}, "application/pdf": {}, "text/csv": {},
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {}}},
                "403": err("clerks, leaders, administrators; unit heads for their unit"),
                "422": err("invalid filter, or too many rows for one PDF")}}},
        "/reports/statistics": {"get": {
            "summary": "Thống kê văn bản theo đơn vị và tháng", "security": SECURED,
            "parameters": [_query("month", {"type": "string", "example": "2026-11"}),
                           _query("format", {"type": "string", "enum": ["json", "pdf"]})],
            "responses": {"200": {"description": "statistics", "content": {
                "application/json": {"schema": ref("Statistics")}, "application/pdf": {}}},
                "403": err("leaders, clerks, unit heads, administrators"), "422": err("invalid month")}}},
        "/documents/{id}/slip": {"get": {
            "summary": "Phiếu xử lý văn bản (PDF)", "security": SECURED, "parameters": [{"name": "id", **INT_PATH}],
            "responses": {"200": _file("application/pdf"), "404": err("unknown or not visible")}}},
        "/searches": {
            "get": {"summary": "Tìm kiếm đã lưu của tôi", "security": SECURED,
                    "responses": {"200": ok("saved searches", {"type": "object", "properties": {
                        "items": {"type": "array", "items": ref("SavedSearch")}}})}},
            "post": {"summary": "Lưu một tìm kiếm", "security": SECURED,
                     "requestBody": _json_body({"type": "object", "required": ["name", "params"], "properties": {
                         "name": {"type": "string"}, "params": {"type": "object"}}}),
                     "responses": {"201": ok("saved", ref("SavedSearch")), "409": err("name already used"),
                                   "422": err("invalid")}}},
        "/searches/{id}": {"delete": {
            "summary": "Xóa tìm kiếm đã lưu", "security": SECURED, "parameters": [{"name": "id", **INT_PATH}],
            "responses": {"204": {"description": "deleted"}, "404": err("unknown")}}},
        "/case-files": {
            "get": {"summary": "Hồ sơ công việc", "security": SECURED,
                    "parameters": [_query("year", {"type": "integer"}),
                                   _query("status", {"type": "string", "enum": ["open", "closed"]})],
                    "responses": {"200": ok("case files", {"type": "object", "properties": {
                        "items": {"type": "array", "items": ref("CaseFile")}}})}},
            "post": {"summary": "Lập hồ sơ công việc", "security": SECURED, "requestBody": _json_body(ref("CaseFileForm")),
                     "responses": {"201": case_file, "403": err("specialists, unit heads, clerks"),
                                   "409": err("code already used this year"), "422": err("invalid")}}},
        "/case-files/{id}": {"get": {
            "summary": "Một hồ sơ công việc", "security": SECURED, "parameters": [{"name": "id", **INT_PATH}],
            "responses": {"200": case_file, "404": err("unknown")}}},
        "/case-files/{id}/documents": {"post": {
            "summary": "Lưu văn bản vào hồ sơ", "security": SECURED, "parameters": [{"name": "id", **INT_PATH}],
            "requestBody": _json_body({"type": "object", "required": ["document_id"], "properties": {
                "document_id": {"type": "integer"}}}),
            "responses": {"201": case_file, "403": err("owner or unit head"), "409": err("closed, or already filed"),
                          "422": err("document unknown, not visible or not issued")}}},
        "/case-files/{id}/close": {"post": {
            "summary": "Đóng hồ sơ", "security": SECURED, "parameters": [{"name": "id", **INT_PATH}],
            "responses": {"200": case_file, "409": err("already closed"), "422": err("empty")}}},
        "/case-files/export": {"get": {
            "summary": "Gói hồ sơ nộp lưu của một năm (ZIP: PDF, metadata.csv, metadata.xml, muc-luc.pdf)",
            "security": SECURED, "parameters": [_query("year", {"type": "integer"})],
            "responses": {"200": _file("application/zip"), "403": err("the Office (clerks)"),
                          "422": err("invalid year")}}},
    })
    return doc
