"""OpenAPI description of routing and processing: task forms, inbox views, delegation, overview."""
from __future__ import annotations

from web.api.openapi.parts import err, ok, ref

ASSIGNEE = {"type": "string", "pattern": "^(unit|user):.+$", "example": "unit:ldvl"}
SCHEMAS = {
    "RouteForm": {"type": "object", "required": ["lead"], "properties": {
        "lead": {"type": "array", "items": ASSIGNEE, "minItems": 1, "maxItems": 1},
        "coordinate": {"type": "array", "items": ASSIGNEE},
        "inform": {"type": "array", "items": ASSIGNEE},
        "deadline": {"oneOf": [{"type": "string", "format": "date"}, {"type": "integer", "minimum": 1}],
                     "description": "a date, or a number of working days; default 5 working days"},
        "instruction": {"type": "string"},
        "done_at": {"type": "string", "format": "date-time",
                    "description": "any task: real time of work done on paper during an outage; only inside "
                                   "an outage an administrator declared (POST /outages), never in a closed "
                                   "register year"}}},
    "AssignForm": {"type": "object", "required": ["assignees"], "properties": {
        "assignees": {"type": "array", "items": {"type": "string", "example": "user:cv.ldvl"},
                      "description": "people of the line's unit; the first leads, the others coordinate"},
        "deadline": {"type": "string", "format": "date", "description": "not after the leader's deadline"},
        "note": {"type": "string"}}},
    "ProcessForm": {"type": "object", "required": ["action"], "properties": {
        "action": {"type": "string", "enum": ["reply", "file", "report", "forward"]},
        "note": {"type": "string"},
        "forward_to": {"type": "string", "example": "user:tp.ldvl", "description": "same unit; for forward"}}},
    "ContributeForm": {"type": "object", "required": ["opinion"], "properties": {"opinion": {"type": "string"}}},
    "AcknowledgeForm": {"type": "object"},
    "Line": {"type": "object", "properties": {
        "id": {"type": "integer"}, "parent_id": {"type": "integer", "nullable": True},
        "kind": {"type": "string", "enum": ["lead", "coordinate", "inform"]},
        "target_type": {"type": "string", "enum": ["unit", "user"]}, "unit": {"type": "string"},
        "holder": {"type": "string", "nullable": True},
        "status": {"type": "string", "enum": ["waiting", "in_progress", "done", "closed"]},
        "started_at": {"type": "string", "format": "date-time"}, "due_at": {"type": "string", "nullable": True},
        "finished_at": {"type": "string", "nullable": True}, "result": {"type": "string", "nullable": True},
        "note": {"type": "string", "nullable": True}, "overdue": {"type": "boolean"},
        "late_by_seconds": {"type": "integer"}}},
    "Delegation": {"type": "object", "properties": {
        "id": {"type": "integer"}, "delegator": {"type": "string"}, "delegate": {"type": "string"},
        "starts_on": {"type": "string", "format": "date"}, "ends_on": {"type": "string", "format": "date"},
        "rights": {"type": "array", "minItems": 1, "uniqueItems": True,
                   "items": {"type": "string", "enum": ["route", "supervise", "issue", "sign"]}},
        "revoked_at": {"type": "string", "nullable": True}, "in_force": {"type": "boolean"}}},
}
TASK_FILTERS = [
    {"name": "view", "in": "query", "schema": {"type": "string", "enum": ["mine", "queue", "delegated", "info"]},
     "description": "my tasks, my unit's claimable queue, delegated to me, for information; default all"},
    {"name": "urgency", "in": "query", "schema": {"type": "string"}},
    {"name": "doc_type", "in": "query", "schema": {"type": "string"}},
    {"name": "sender", "in": "query", "schema": {"type": "string"}},
    {"name": "q", "in": "query", "schema": {"type": "string"}, "description": "diacritics and case ignored"},
    {"name": "received_from", "in": "query", "schema": {"type": "string", "format": "date"}},
    {"name": "received_to", "in": "query", "schema": {"type": "string", "format": "date"}},
    {"name": "due_before", "in": "query", "schema": {"type": "string", "format": "date"}},
    {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1}},
    {"name": "per_page", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 200}},
]


def extend(doc: dict) -> dict:
    secured = [{"bearer": []}]
    doc["components"]["schemas"].update(SCHEMAS)
    doc["components"]["schemas"]["Document"]["properties"]["lines"] = {"type": "array", "items": ref("Line")}
    paths = doc["paths"]
    paths["/tasks"]["get"]["parameters"] = TASK_FILTERS
    paths["/tasks"]["get"]["responses"]["422"] = err("invalid filter")
    complete = paths["/tasks/{id}/complete"]["post"]
    complete["requestBody"]["content"]["application/json"]["schema"]["anyOf"][1:1] = [
        ref(n) for n in ("RouteForm", "AssignForm", "ProcessForm", "ContributeForm", "AcknowledgeForm")]
    paths.update({
        "/tasks/counts": {"get": {"summary": "Số công việc theo từng mục", "security": secured,
                                  "responses": {"200": ok("counts", {"type": "object", "additionalProperties":
                                                                      {"type": "integer"}})}}},
        "/tasks/{id}/claim": {"post": {
            "summary": "Nhận một công việc trong hàng đợi của đơn vị", "security": secured,
            "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}],
            "responses": {"200": ok("task, now assigned to the caller", ref("Task")),
                          "403": err("not in the caller's queue"), "409": err("taken meanwhile")}}},
        "/delegations": {
            "post": {"summary": "Ủy quyền (lãnh đạo)", "security": secured,
                     "requestBody": {"required": True, "content": {"application/json": {"schema": {
                         "type": "object", "required": ["delegate", "starts_on", "ends_on", "rights"],
                         "properties": {"delegate": {"type": "string", "example": "user:phogiamdoc"},
                                        "starts_on": {"type": "string", "format": "date"},
                                        "ends_on": {"type": "string", "format": "date"},
                                        "rights": SCHEMAS["Delegation"]["properties"]["rights"]}}}}},
                     "responses": {"201": ok("delegation", ref("Delegation")), "403": err("not a leader"),
                                   "422": err("invalid")}},
            "get": {"summary": "Ủy quyền của tôi (đã giao và được nhận)", "security": secured,
                    "responses": {"200": ok("delegations", {"type": "object", "properties": {
                        "items": {"type": "array", "items": ref("Delegation")}}})}}},
        "/delegations/{id}": {"delete": {
            "summary": "Thu hồi ủy quyền", "security": secured,
            "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}}],
            "responses": {"200": ok("revoked", ref("Delegation")), "403": err("not the delegator"),
                          "404": err("unknown")}}},
        "/overview": {"get": {
            "summary": "Tình hình xử lý theo đơn vị (lãnh đạo, người được ủy quyền giám sát)", "security": secured,
            "responses": {"200": ok("units", {"type": "object", "properties": {"units": {"type": "array", "items": {
                "type": "object", "properties": {k: {"type": "integer"} for k in
                                                 ("waiting", "in_progress", "overdue", "due_this_week")}}}}}),
                "403": err("not allowed to supervise")}}},
        "/documents/{id}/urge": {"post": {
            "summary": "Đôn đốc người đang giữ văn bản", "security": secured,
            "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}}],
            "requestBody": {"content": {"application/json": {"schema": {
                "type": "object", "properties": {"note": {"type": "string"}}}}}},
            "responses": {"200": ok("how many were notified", {"type": "object", "properties": {
                "notified": {"type": "integer"}}}), "403": err("not allowed to supervise")}}},
        "/users/{username}/handover": {"post": {
            "summary": "Thu hồi tài khoản và bàn giao công việc (quản trị)", "security": secured,
            "parameters": [{"name": "username", "in": "path", "required": True, "schema": {"type": "string"}}],
            "requestBody": {"required": True, "content": {"application/json": {"schema": {
                "type": "object", "required": ["successor"],
                "properties": {"successor": {"type": "string", "example": "user:tp.ldvl"}}}}}},
            "responses": {"200": ok("what moved", {"type": "object", "properties": {
                k: {"type": "integer"} for k in ("tasks", "lines", "drafts", "documents")}}),
                "403": err("not an administrator"), "422": err("invalid successor or already handed over")}}},
        "/notifications": {"get": {"summary": "Thông báo chưa đọc", "security": secured,
                                   "responses": {"200": ok("notifications", {"type": "object"})}}},
    })
    doc["paths"]["/documents"]["get"]["parameters"] += [
        {"name": "unit", "in": "query", "schema": {"type": "string"}},
        {"name": "state", "in": "query", "schema": {"type": "string", "enum": ["waiting", "in_progress", "overdue",
                                                                             "due_this_week"]},
         "description": "with unit: the leaders' overview click-through"}]
    return doc
