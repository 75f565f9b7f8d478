"""OpenAPI description of processes: versions, validation and deploy, rollback, comparison, migration,
and a document's progress on its diagrams."""
from __future__ import annotations

from web.api.openapi.parts import SECURED, err, ok, ref

PROCESS_ID = {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}, "example": "receive"}
VERSION_PROPS = {
    "version": {"type": "integer"}, "deployed_at": {"type": "string", "format": "date-time"},
    "deployed_by": {"type": "string", "nullable": True, "description": "username; null for a shipped diagram"},
    "deployed_by_name": {"type": "string", "nullable": True},
    "note": {"type": "string", "nullable": True, "description": "why it was deployed ('bpmn/' when shipped)"},
    "sha256": {"type": "string"},
    "running": {"type": "integer", "description": "documents still running on this version"}}
SCHEMAS = {
    "ProcessVersion": {"type": "object", "properties": VERSION_PROPS},
    "Process": {"type": "object", "properties": {"id": {"type": "string"}, "name": {"type": "string"},
                                                 **VERSION_PROPS}},
    "DiagramProblem": {"type": "object", "required": ["element_id", "message"], "properties": {
        "element_id": {"type": "string", "nullable": True,
                       "description": "the BPMN element at fault; null only when the XML cannot be read"},
        "message": {"type": "string", "description": "Vietnamese: what is wrong and what to write instead"},
        "code": {"type": "string", "example": "camunda_extension"}}},
    "MigrationOutcome": {"type": "object", "properties": {
        "instance_id": {"type": "integer"}, "document_id": {"type": "integer"}, "document": {"type": "string"},
        "status": {"type": "string", "enum": ["can_move", "cannot_move", "moved", "failed"]},
        "mapping": {"type": "array", "description": "each open step: element id now → element id after the move",
                    "items": {"type": "object", "properties": {
                        "from": {"type": "string"}, "to": {"type": "string", "nullable": True},
                        "name": {"type": "string"}, "state": {"type": "string"}}}},
        "reasons": {"type": "array", "items": {"type": "string"}, "description": "why it cannot move (Vietnamese)"}}},
    "DocumentDiagram": {"type": "object", "properties": {
        "instance_id": {"type": "integer"}, "process_id": {"type": "string"}, "version": {"type": "integer"},
        "name": {"type": "string"},
        "status": {"type": "string", "enum": ["running", "completed", "cancelled", "error"]},
        "started_at": {"type": "string", "format": "date-time"},
        "updated_at": {"type": "string", "format": "date-time"},
        "completed": {"type": "array", "items": {"type": "string"}, "description": "element ids done"},
        "current": {"type": "array", "items": {"type": "string"}, "description": "element ids open now"},
        "waiting": {"type": "array", "items": {"type": "string"}, "description": "timers waiting"},
        "tasks": {"type": "array", "items": {"type": "object", "properties": {
            "task_id": {"type": "string"}, "element_id": {"type": "string"}, "title": {"type": "string"},
            "role": {"type": "string"}, "unit": {"type": "string", "nullable": True},
            "assignee": {"type": "string", "nullable": True}, "holder": {"type": "string"},
            "since": {"type": "string", "format": "date-time"},
            "due_at": {"type": "string", "format": "date-time", "nullable": True}}}}}},
}
INVALID = err("invalid_diagram: details.problems lists every element at fault (DiagramProblem)")
OWNER_ONLY = err("not a process owner")


def extend(doc: dict) -> dict:
    doc["components"]["schemas"].update(SCHEMAS)
    doc["paths"].update({
        "/processes": {"get": {
            "summary": "Các quy trình và phiên bản mới nhất (quản lý quy trình, lãnh đạo)", "security": SECURED,
            "responses": {"200": ok("processes", {"type": "object", "properties": {
                "items": {"type": "array", "items": ref("Process")}}}), "403": err("neither owner nor leader")}}},
        "/processes/catalog": {"get": {
            "summary": "Vai trò, biểu mẫu, thao tác được phép và hàm dùng trong sơ đồ", "security": SECURED,
            "responses": {"200": ok("catalogue", {"type": "object"}), "403": err("neither owner nor leader")}}},
        "/processes/{id}/versions": {
            "get": {"summary": "Các phiên bản, mới nhất trước", "security": SECURED, "parameters": [PROCESS_ID],
                    "responses": {"200": ok("versions", {"type": "object", "properties": {
                        "id": {"type": "string"}, "items": {"type": "array", "items": ref("ProcessVersion")}}}),
                        "403": err("neither owner nor leader"), "404": err("unknown process")}},
            "post": {"summary": "Kiểm tra và triển khai phiên bản mới (quản lý quy trình)", "security": SECURED,
                     "description": "Body: the BPMN XML (or multipart with a `file` part). Running documents keep "
                                    "their version; new ones start on the newest.",
                     "parameters": [PROCESS_ID,
                                    {"name": "dry_run", "in": "query", "schema": {"type": "boolean"},
                                     "description": "only validate; nothing is deployed"},
                                    {"name": "note", "in": "query", "schema": {"type": "string", "maxLength": 1000},
                                     "description": "why this version is deployed"}],
                     "requestBody": {"required": True, "content": {
                         "application/xml": {"schema": {"type": "string"}},
                         "multipart/form-data": {"schema": {"type": "object", "properties": {
                             "file": {"type": "string", "format": "binary"}, "note": {"type": "string"}}}}}},
                     "responses": {"201": ok("deployed", {"type": "object", "properties": {
                         "id": {"type": "string"}, **VERSION_PROPS}}),
                         "200": ok("dry run: valid", {"type": "object", "properties": {
                             "valid": {"type": "boolean"}, "problems": {"type": "array", "items": {}}}}),
                         "403": OWNER_ONLY, "409": err("no_change (equals the newest) or concurrent_deploy"),
                         "413": err("diagram larger than 2 MB"), "422": INVALID}}},
        "/processes/{id}/versions/{version}": {"get": {
            "summary": "Sơ đồ BPMN của một phiên bản", "security": SECURED,
            "parameters": [PROCESS_ID, {"name": "version", "in": "path", "required": True,
                                        "schema": {"type": "integer"}}],
            "responses": {"200": {"description": "BPMN XML", "content": {"application/xml": {
                "schema": {"type": "string"}}}}, "403": err("neither owner nor leader"), "404": err("unknown")}}},
        "/processes/{id}/rollback": {"post": {
            "summary": "Quay lại phiên bản cũ: triển khai lại sơ đồ của nó thành phiên bản mới nhất",
            "security": SECURED, "parameters": [PROCESS_ID],
            "requestBody": {"required": True, "content": {"application/json": {"schema": {
                "type": "object", "required": ["version"], "properties": {
                    "version": {"type": "integer"}, "note": {"type": "string"}}}}}},
            "responses": {"201": ok("the new newest version", ref("ProcessVersion")), "403": OWNER_ONLY,
                          "404": err("unknown version"), "409": err("no_change"), "422": INVALID}}},
        "/processes/{id}/compare": {"get": {
            "summary": "So sánh hai phiên bản: phần tử thêm, bớt, thay đổi", "security": SECURED,
            "parameters": [PROCESS_ID, {"name": "from", "in": "query", "required": True,
                                        "schema": {"type": "integer"}},
                           {"name": "to", "in": "query", "required": True, "schema": {"type": "integer"}}],
            "responses": {"200": ok("comparison", {"type": "object", "properties": {
                "from_version": {"type": "integer"}, "to_version": {"type": "integer"},
                "layout_changed": {"type": "boolean"},
                "changes": {"type": "array", "items": {"type": "object", "properties": {
                    "element_id": {"type": "string"}, "change": {"type": "string",
                                                                 "enum": ["added", "removed", "changed"]},
                    "type": {"type": "string"}, "name": {"type": "string"},
                    "fields": {"type": "array", "items": {"type": "object"}}}}}}}),
                "403": err("neither owner nor leader"), "404": err("unknown version"),
                "422": err("from/to missing")}}},
        "/processes/{id}/migrations": {"post": {
            "summary": "Chuyển văn bản đang chạy sang phiên bản khác (chạy thử hoặc thực hiện)", "security": SECURED,
            "parameters": [PROCESS_ID],
            "requestBody": {"required": True, "content": {"application/json": {"schema": {
                "type": "object", "required": ["from_version", "to_version"], "properties": {
                    "from_version": {"type": "integer"}, "to_version": {"type": "integer"},
                    "dry_run": {"type": "boolean", "default": True},
                    "instances": {"type": "array", "items": {"type": "integer"},
                                  "description": "only these instances (default: all running on from_version)"}}}}}},
            "responses": {"200": ok("one outcome per running instance", {"type": "object", "properties": {
                "dry_run": {"type": "boolean"}, "items": {"type": "array", "items": ref("MigrationOutcome")}}}),
                "403": OWNER_ONLY, "404": err("unknown version"), "422": err("invalid versions")}}},
        "/documents/{id}/diagram": {"get": {
            "summary": "Văn bản đang ở đâu trên sơ đồ: mỗi luồng, bước đã xong, bước đang mở", "security": SECURED,
            "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}}],
            "responses": {"200": ok("instances", {"type": "object", "properties": {
                "document_id": {"type": "integer"}, "items": {"type": "array", "items": ref("DocumentDiagram")}}}),
                "404": err("unknown or not visible")}}},
    })
    return doc
