"""OpenAPI description of people: one's own session and password, users, units, the staff import,
the audit trail, notification preferences."""
from __future__ import annotations

from engine.models import Role
from web.api.openapi.parts import SECURED, err, ok, ref

ROLES = {"type": "array", "items": {"type": "string", "enum": list(Role.ALL)}, "minItems": 1}
SCHEMAS = {
    "Account": {"type": "object", "properties": {
        "username": {"type": "string"}, "full_name": {"type": "string"},
        "email": {"type": "string", "nullable": True}, "phone": {"type": "string", "nullable": True},
        "unit": {"type": "string"}, "roles": ROLES, "position": {"type": "string", "nullable": True},
        "active": {"type": "boolean"}, "must_change_password": {"type": "boolean"},
        "one_time_password": {"type": "string", "description": "only in the answer that created or reset it"}}},
    "AccountInput": {"type": "object", "properties": {
        "username": {"type": "string", "pattern": "^[a-z0-9][a-z0-9._-]{2,79}$", "description": "create only"},
        "full_name": {"type": "string"}, "email": {"type": "string"}, "phone": {"type": "string"},
        "unit": {"type": "string", "example": "ldvl"}, "roles": ROLES, "position": {"type": "string"},
        "active": {"type": "boolean", "description": "false deactivates (409 open_work while work is open)"}}},
    "Unit": {"type": "object", "properties": {
        "code": {"type": "string"}, "name": {"type": "string"},
        "kind": {"type": "string", "enum": ["department", "division", "affiliated"]},
        "abbreviation": {"type": "string", "nullable": True}, "active": {"type": "boolean"},
        "head": {"type": "string", "nullable": True, "description": "username of the named head"}}},
    "ImportResult": {"type": "object", "properties": {
        "dry_run": {"type": "boolean"}, "created": {"type": "integer"}, "failed": {"type": "integer"},
        "rows": {"type": "array", "items": {"type": "object", "properties": {
            "row": {"type": "integer"}, "username": {"type": "string"},
            "status": {"type": "string", "enum": ["ok", "created", "skipped", "error"]},
            "errors": {"type": "object"}, "one_time_password": {"type": "string"}}}}}},
}


def _op(summary: str, responses: dict, body: dict | None = None, params: list | None = None) -> dict:
    op = {"summary": summary, "security": SECURED, "responses": responses}
    if body is not None:
        op["requestBody"] = {"required": True, "content": {"application/json": {"schema": body}}}
    if params:
        op["parameters"] = params
    return op


def _path(name: str) -> dict:
    return {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}


def extend(spec: dict) -> dict:
    spec["components"]["schemas"].update(SCHEMAS)
    session_answer = spec["paths"]["/session"]["post"]["responses"]["200"]["content"]["application/json"]["schema"]
    session_answer["properties"]["must_change_password"] = {
        "type": "boolean", "description": "true: every call but POST /session/password and DELETE /session is "
                                          "403 password_change_required"}
    admin_only = err("not an administrator")
    spec["paths"].update({
        "/session/password": {"post": _op(
            "Đổi mật khẩu của mình (ít nhất 10 ký tự, không là tên đăng nhập, không phổ biến)",
            {"204": {"description": "changed; other sessions ended"},
             "422": err("invalid (details.current) or weak_password (details.new)")},
            {"type": "object", "required": ["current", "new"],
             "properties": {"current": {"type": "string"}, "new": {"type": "string"}}})},
        "/sessions": {
            "get": _op("Các phiên đăng nhập của tôi", {"200": ok("sessions", {"type": "object"})}),
            "delete": _op("Đăng xuất khỏi mọi nơi", {"204": {"description": "every session ended"}})},
        "/sessions/{id}": {"delete": _op("Kết thúc một phiên đăng nhập của mình",
                                         {"204": {"description": "ended"}, "404": err("not yours")},
                                         params=[_path("id")])},
        "/users": {
            "get": _op("Danh sách người dùng (quản trị)", {"200": ok("users", {"type": "object", "properties": {
                "items": {"type": "array", "items": ref("Account")}}}), "403": admin_only},
                params=[{"name": "q", "in": "query", "schema": {"type": "string"}},
                        {"name": "unit", "in": "query", "schema": {"type": "string"}}]),
            "post": _op("Tạo tài khoản, cấp mật khẩu dùng một lần (quản trị)",
                        {"201": ok("account with one_time_password", ref("Account")), "403": admin_only,
                         "422": err("invalid (details: field → message)")}, ref("AccountInput"))},
        "/users/{username}": {
            "get": _op("Một tài khoản (quản trị)", {"200": ok("account", ref("Account")), "403": admin_only, "404": err("unknown")},
                       params=[_path("username")]),
            "patch": _op("Sửa, khóa hoặc mở lại tài khoản (quản trị; không bao giờ xóa)",
                         {"200": ok("account", ref("Account")), "403": admin_only, "404": err("unknown"),
                          "409": err("open_work: hand the work over first"), "422": err("invalid")},
                         ref("AccountInput"), [_path("username")])},
        "/users/{username}/password": {"post": _op(
            "Cấp lại mật khẩu dùng một lần (quản trị); mọi phiên của tài khoản kết thúc",
            {"200": ok("account with one_time_password", ref("Account")), "403": admin_only,
             "404": err("unknown")}, params=[_path("username")])},
        "/users/{username}/sign-in-blocks": {
            "get": _op("Các máy đang bị khóa đăng nhập vào tài khoản này (đăng nhập sai nhiều lần)",
                       {"200": ok("blocked clients", {"type": "object", "properties": {"items": {
                           "type": "array", "items": {"type": "object", "properties": {
                               "client": {"type": "string"},
                               "blocked_until": {"type": "string", "format": "date-time"}}}}}}),
                        "403": admin_only}, params=[_path("username")]),
            "delete": _op("Mở khóa đăng nhập cho tài khoản này từ mọi máy (quản trị)",
                          {"200": ok("how many blocks were lifted", {"type": "object", "properties": {
                              "unlocked": {"type": "integer"}}}), "403": admin_only},
                          params=[_path("username")])},
        "/users/import": {"post": {
            "summary": "Nhập danh sách cán bộ (CSV: username, full_name, email, unit, roles, position[, phone])",
            "security": SECURED,
            "parameters": [{"name": "dry_run", "in": "query", "schema": {"type": "boolean"},
                            "description": "only check every row"}],
            "requestBody": {"required": True, "content": {
                "text/csv": {"schema": {"type": "string"}},
                "multipart/form-data": {"schema": {"type": "object", "properties": {
                    "file": {"type": "string", "format": "binary"}}}}}},
            "responses": {"200": ok("dry run: a result per row", ref("ImportResult")),
                          "201": ok("created: a result per row with one-time passwords", ref("ImportResult")),
                          "403": admin_only, "413": err("file over 1 MB"),
                          "422": err("a row is wrong: nothing created; details holds the ImportResult")}}},
        "/units": {
            "get": _op("Phòng, đơn vị (người quản trị thấy cả đơn vị đã ngừng)", {"200": ok("units", {
                "type": "object", "properties": {"items": {"type": "array", "items": ref("Unit")}}})}),
            "post": _op("Tạo phòng, đơn vị (quản trị)", {"201": ok("unit", ref("Unit")), "403": admin_only,
                                                          "422": err("invalid")},
                        {"type": "object", "required": ["code", "name", "kind"], "properties": {
                            "code": {"type": "string"}, "name": {"type": "string"},
                            "kind": {"type": "string", "enum": ["division", "affiliated"]},
                            "abbreviation": {"type": "string"}}})},
        "/units/{code}": {"patch": _op(
            "Đổi tên, trưởng đơn vị, ngừng hoặc dùng lại phòng, đơn vị (quản trị)",
            {"200": ok("unit", ref("Unit")), "403": admin_only, "404": err("unknown"),
             "409": err("unit_in_use: people or open work left"), "422": err("invalid")},
            {"type": "object", "properties": {"name": {"type": "string"}, "abbreviation": {"type": "string"},
                                              "head": {"type": "string", "example": "user:tp.ldvl"},
                                              "active": {"type": "boolean"}}}, [_path("code")])},
        "/notifications/preferences": {
            "get": _op("Cách nhận thư thông báo của tôi, theo loại", {"200": ok("choices", {"type": "object"})}),
            "put": _op("Lưu cách nhận thư: {kind: email | digest | off}",
                       {"200": ok("choices", {"type": "object"}), "422": err("unknown kind or channel")},
                       {"type": "object", "additionalProperties": {"type": "string",
                                                                   "enum": ["email", "digest", "off"]}})},
        "/audit": {"get": _op("Nhật ký quản trị tài khoản và đơn vị (quản trị)",
                              {"200": ok("newest first", {"type": "object"}), "403": admin_only},
                              params=[{"name": "target", "in": "query", "schema": {"type": "string"},
                                       "example": "user:cv.ldvl"}])},
    })
    overview = spec["paths"]["/overview"]["get"]
    overview["summary"] += "; lãnh đạo phòng, đơn vị: đơn vị mình và từng người"
    overview["parameters"] = [{"name": "unit", "in": "query", "schema": {"type": "string"},
                               "description": "leaders: a unit whose people to list as well"}]
    overview["responses"]["200"]["content"]["application/json"]["schema"]["properties"]["people"] = {
        "type": "array", "description": "per person of the unit head's unit (or of ?unit=)",
        "items": {"type": "object", "properties": {k: {"type": "integer"} for k in
                                                   ("waiting", "in_progress", "overdue", "due_this_week")}}}
    spec["paths"]["/session"]["delete"] = _op("Đăng xuất (mã truy cập này hết hiệu lực)",
                                              {"204": {"description": "signed out"}})
    return spec
