"""The core of the OpenAPI description: sessions, documents, tasks, calendar and outbox."""
from __future__ import annotations

from engine.models.documents import Status, Urgency
from web.api.openapi.parts import err, ok


def core() -> dict:
    """Sessions, documents, tasks, calendar and outbox: the description the other parts extend."""
    doc_ref = {"$ref": "#/components/schemas/Document"}
    task_ref = {"$ref": "#/components/schemas/Task"}
    secured = [{"bearer": []}]
    return {
        "openapi": "3.0.3",
        "info": {"title": "Q-Office API", "version": "1",
                 "description": "Hệ thống quản lý văn bản và điều hành Q-Office — Sở LĐTBXH Quảng Nam. "
                                "Times are ISO 8601 with +07:00; errors are "
                                "{error, message (Vietnamese), details}."},
        "servers": [{"url": "/api/v1"}],
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": {
                "Error": {"type": "object", "required": ["error", "message"], "properties": {
                    "error": {"type": "string"}, "message": {"type": "string"},
                    "details": {"type": "object"}}},
                "User": {"type": "object", "properties": {
                    "username": {"type": "string"}, "full_name": {"type": "string"},
                    "roles": {"type": "array", "items": {"type": "string"}}, "unit": {"type": "string"}}},
                "Attachment": {"type": "object", "properties": {
                    "index": {"type": "integer"}, "name": {"type": "string"}, "content_type": {"type": "string"},
                    "size": {"type": "integer"}, "sha256": {"type": "string"},
                    "scan_warnings": {"type": "array", "description": "what the upload scanner warned about",
                                      "items": {"type": "object", "properties": {
                                          "code": {"type": "string"}, "message": {"type": "string"}}}}}},
                "HistoryEvent": {"type": "object", "properties": {
                    "at": {"type": "string", "format": "date-time"}, "actor": {"type": "string", "nullable": True},
                    "on_behalf_of": {"type": "string", "nullable": True}, "action": {"type": "string"},
                    "status": {"type": "string", "nullable": True}, "note": {"type": "string", "nullable": True},
                    "entered_late": {"type": "boolean"}}},
                "Task": {"type": "object", "properties": {
                    "id": {"type": "string"}, "document_id": {"type": "integer"},
                    "name": {"type": "string", "description": "BPMN id of the user task (verify, route, …)"},
                    "title": {"type": "string"}, "role": {"type": "string"},
                    "unit": {"type": "string", "nullable": True}, "assignee": {"type": "string", "nullable": True},
                    "due_at": {"type": "string", "format": "date-time", "nullable": True},
                    "urgency": {"type": "string", "enum": list(Urgency.ALL)}, "overdue": {"type": "boolean"}}},
                "Document": {"type": "object", "properties": {
                    "id": {"type": "integer"}, "direction": {"type": "string", "enum": ["incoming", "outgoing"]},
                    "status": {"type": "string", "enum": sorted(set(Status.INCOMING + Status.OUTGOING))},
                    "number": {"type": "string", "nullable": True}, "notation": {"type": "string", "nullable": True},
                    "issued_on": {"type": "string", "format": "date", "nullable": True},
                    "doc_type": {"type": "string"}, "subject": {"type": "string"},
                    "sender_org_id": {"type": "string", "nullable": True},
                    "sender_org_name": {"type": "string", "nullable": True},
                    "receivers": {"type": "array", "items": {"type": "object"}},
                    "signer_name": {"type": "string", "nullable": True},
                    "signer_position": {"type": "string", "nullable": True},
                    "urgency": {"type": "string", "enum": list(Urgency.ALL)},
                    "due_on": {"type": "string", "format": "date", "nullable": True},
                    "incoming_number": {"type": "integer", "nullable": True},
                    "received_at": {"type": "string", "format": "date-time", "nullable": True},
                    "source": {"type": "string", "enum": ["electronic", "paper", "internal"]},
                    "legal_standing": {"type": "string", "enum": ["legal", "reference"]},
                    "attachments": {"type": "array", "items": {"$ref": "#/components/schemas/Attachment"}},
                    "signatures": {"type": "array", "items": {"type": "object"}},
                    "history": {"type": "array", "items": {"$ref": "#/components/schemas/HistoryEvent"}},
                    "open_tasks": {"type": "array", "items": task_ref}}},
                "IncomingMetadata": {"type": "object",
                                     "required": ["sender_org_name", "number", "notation", "issued_on", "doc_type",
                                                  "subject"],
                                     "properties": {
                    "sender_org_id": {"type": "string", "maxLength": 35},
                    "sender_org_name": {"type": "string"}, "number": {"type": "string"},
                    "notation": {"type": "string"}, "issued_on": {"type": "string", "format": "date"},
                    "doc_type": {"type": "string", "example": "CV"}, "subject": {"type": "string"},
                    "signer_name": {"type": "string"}, "signer_position": {"type": "string"},
                    "urgency": {"type": "string", "enum": list(Urgency.ALL)},
                    "secrecy": {"type": "string", "enum": ["none", "mat", "toi_mat", "tuyet_mat"],
                                "description": "anything but none is refused: 422 secret_document"},
                    "due_on": {"type": "string", "format": "date"},
                    "source": {"type": "string", "enum": ["electronic", "paper"]},
                    "paper_copy": {"type": "boolean"}, "notes": {"type": "string"}}},
                "VerifyForm": {"type": "object", "required": ["decision"], "properties": {
                    "decision": {"type": "string", "enum": ["accept", "refuse", "duplicate"]},
                    "reason": {"type": "string", "description": "required for refuse"},
                    "duplicate_of": {"type": "integer", "description": "required for duplicate"},
                    "not_duplicate": {"type": "boolean",
                                      "description": "accept although a likely duplicate was found"},
                    "leader": {"type": "string", "example": "user:giamdoc"}}},
            },
        },
        "paths": {
            "/session": {"post": {
                "summary": "Đăng nhập, nhận mã truy cập", "security": [],
                "requestBody": {"required": True, "content": {"application/json": {"schema": {
                    "type": "object", "required": ["username", "password"],
                    "properties": {"username": {"type": "string"}, "password": {"type": "string"}}}}}},
                "responses": {"200": ok("token", {"type": "object", "properties": {
                    "token": {"type": "string"}, "user": {"$ref": "#/components/schemas/User"}}}),
                    "401": err("bad credentials"), "429": err("locked after 5 failures for 15 minutes")}}},
            "/me": {"get": {"summary": "Người dùng hiện tại", "security": secured,
                            "responses": {"200": ok("user", {"$ref": "#/components/schemas/User"})}}},
            "/documents/incoming": {"post": {
                "summary": "Tiếp nhận văn bản đến (bắt đầu quy trình tiếp nhận)", "security": secured,
                "requestBody": {"required": True, "content": {"multipart/form-data": {"schema": {
                    "type": "object", "required": ["metadata", "files"], "properties": {
                        "metadata": {"type": "string", "description": "JSON of IncomingMetadata"},
                        "files": {"type": "array", "items": {"type": "string", "format": "binary"},
                                  "description": "the first file must be a PDF"}}}}}},
                "responses": {"201": ok("document, status arrived", doc_ref), "403": err("not a clerk"),
                              "413": err("file too large"),
                              "422": err("invalid, secret_document or dangerous_content")}}},
            "/documents": {"get": {
                "summary": "Danh sách văn bản", "security": secured,
                "parameters": [
                    {"name": "direction", "in": "query", "schema": {"type": "string"}},
                    {"name": "status", "in": "query", "schema": {"type": "string"}},
                    {"name": "q", "in": "query", "schema": {"type": "string"},
                     "description": "subject, number/notation, sender; diacritics and case ignored"},
                    {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1}}],
                "responses": {"200": ok("page", {"type": "object", "properties": {
                    "items": {"type": "array", "items": doc_ref}, "total": {"type": "integer"}}})}}},
            "/documents/{id}": {"get": {
                "summary": "Chi tiết văn bản", "security": secured,
                "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}}],
                "responses": {"200": ok("document", doc_ref), "404": err("unknown or not visible")}}},
            "/documents/{id}/attachments/{index}": {"get": {
                "summary": "Tải tệp đính kèm", "security": secured,
                "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}},
                               {"name": "index", "in": "path", "required": True, "schema": {"type": "integer"}}],
                "responses": {"200": {"description": "file bytes"}, "404": err("unknown")}}},
            "/tasks": {"get": {
                "summary": "Công việc của tôi (khẩn trước, hạn sớm trước)", "security": secured,
                "responses": {"200": ok("tasks", {"type": "object", "properties": {
                    "items": {"type": "array", "items": task_ref}}})}}},
            "/tasks/{id}": {"get": {
                "summary": "Một công việc", "security": secured,
                "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}],
                "responses": {"200": ok("task", task_ref), "404": err("unknown")}}},
            "/tasks/{id}/complete": {"post": {
                "summary": "Hoàn thành công việc với dữ liệu biểu mẫu", "security": secured,
                "description": "Form data depends on the task name: verify → VerifyForm; route, assign, "
                               "process, contribute, acknowledge → see API.md.",
                "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}],
                "requestBody": {"required": True, "content": {"application/json": {"schema": {
                    "anyOf": [{"$ref": "#/components/schemas/VerifyForm"}, {"type": "object"}]}}}},
                "responses": {"200": ok("document after the task", doc_ref), "403": err("not allowed"),
                              "409": err("task_closed or duplicate (details.duplicate_of)"),
                              "422": err("invalid (details: field → message)")}}},
            "/calendar": {"get": {
                "summary": "Lịch làm việc của một năm: ngày lễ, ngày nghỉ bổ sung, ngày làm việc bù",
                "security": secured,
                "parameters": [{"name": "year", "in": "query", "schema": {"type": "integer"},
                                "description": "default: the current year"}],
                "responses": {"200": ok("calendar", {"type": "object", "properties": {
                    "year": {"type": "integer"},
                    "office_hours": {"type": "array", "items": {"type": "array", "items": {"type": "string"}},
                                     "example": [["07:30", "11:30"], ["13:30", "17:00"]]},
                    "days": {"type": "array", "items": {"type": "object", "properties": {
                        "date": {"type": "string", "format": "date"}, "name": {"type": "string"},
                        "kind": {"type": "string",
                                 "enum": ["holiday", "extra_day_off", "extra_working_day"]}}}}}}),
                    "422": err("invalid year")}}},
            "/calendar/days": {"post": {
                "summary": "Thêm ngày nghỉ bổ sung hoặc ngày làm việc bù (quản trị)", "security": secured,
                "requestBody": {"required": True, "content": {"application/json": {"schema": {
                    "type": "object", "required": ["date", "kind"], "properties": {
                        "date": {"type": "string", "format": "date"},
                        "kind": {"type": "string", "enum": ["extra_day_off", "extra_working_day"]},
                        "note": {"type": "string", "maxLength": 300}}}}}},
                "responses": {"201": ok("the stored day", {"type": "object"}), "403": err("not an administrator"),
                              "422": err("invalid (details.date: why)")}}},
            "/calendar/days/{date}": {"delete": {
                "summary": "Xóa một ngày nghỉ bổ sung hoặc ngày làm việc bù (quản trị)", "security": secured,
                "parameters": [{"name": "date", "in": "path", "required": True,
                                "schema": {"type": "string", "format": "date"}}],
                "responses": {"204": {"description": "removed"}, "403": err("not an administrator"),
                              "404": err("no such day in the table")}}},
            "/outbox": {"get": {
                "summary": "Hộp thư đi: thư và gói tin chờ gửi, đã gửi, lỗi (quản trị)", "security": secured,
                "parameters": [{"name": "kind", "in": "query", "schema": {"type": "string",
                                                                        "enum": ["email", "edxml_status",
                                                                                 "edxml_document"]}},
                               {"name": "status", "in": "query", "schema": {
                                   "type": "string", "enum": ["pending", "sending", "sent", "failed", "held"]}},
                               {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1}}],
                "responses": {"200": ok("page, newest first", {"type": "object", "properties": {
                    "items": {"type": "array", "items": {"type": "object"}}, "total": {"type": "integer"}}}),
                    "403": err("not an administrator")}}},
        },
    }
