"""People administration through the API (API.md "People"): users, units, the staff-list import,
the audit trail. Administrators only."""
from __future__ import annotations

from flask import g, jsonify, request

from engine.errors import N_, InvalidInput
from engine.people import audit, directory, staff_import, units
from web.api.base import api, json_body, token_required
from web.api.serializers import iso


def account_json(user, one_time_password: str | None = None) -> dict:
    data = {"username": user.username, "full_name": user.full_name, "email": user.email, "phone": user.phone,
            "unit": user.unit_code, "roles": user.roles, "position": user.position, "active": user.active,
            "must_change_password": user.must_change_password, "created_at": iso(user.created_at),
            "successor": user.successor.username if user.successor else None}
    if one_time_password:
        data["one_time_password"] = one_time_password
    return data


def unit_json(unit) -> dict:
    return {"code": unit.code, "name": unit.name, "kind": unit.kind, "abbreviation": unit.abbreviation,
            "active": unit.active, "head": unit.head.username if unit.head else None,
            "head_name": unit.head.full_name if unit.head else None}


def audit_json(event) -> dict:
    return {"id": event.id, "at": iso(event.at), "actor": event.actor.username if event.actor else None,
            "action": event.action, "target": event.target, "details": event.details or {}}


def import_json(result) -> dict:
    return {"dry_run": result.dry_run, "created": result.created, "failed": result.failed,
            "rows": [{"row": r.row, "username": r.username, "status": r.status, "errors": r.errors,
                      **({"one_time_password": r.password} if r.password else {})} for r in result.rows]}


@api.get("/users")
@token_required
def list_users():
    directory.require_admin(g.user)
    return jsonify({"items": [account_json(u) for u in directory.users(request.args.get("q"),
                                                                        request.args.get("unit"))]})


@api.post("/users")
@token_required
def create_user():
    account = directory.create_user(g.user, json_body())
    return jsonify(account_json(account.user, account.one_time_password)), 201


@api.get("/users/<username>")
@token_required
def get_user(username: str):
    directory.require_admin(g.user)
    return jsonify(account_json(directory.get_user(username)))


@api.patch("/users/<username>")
@token_required
def update_user(username: str):
    return jsonify(account_json(directory.update_user(g.user, username, json_body())))


@api.post("/users/<username>/password")
@token_required
def reset_password(username: str):
    secret = directory.reset_password(g.user, username)
    return jsonify(account_json(directory.get_user(username), secret))


@api.post("/users/import")
@token_required
def import_users():
    upload = request.files.get("file")
    content = upload.read() if upload is not None else request.get_data()
    if not content:
        raise InvalidInput(N_("Chưa có tệp danh sách (CSV)."), details={"file": "CSV expected"})
    dry_run = (request.args.get("dry_run") or "").lower() in ("1", "true", "yes")
    result = staff_import.import_staff(g.user, content, dry_run=dry_run)
    if result.failed and not dry_run:
        raise InvalidInput(N_("Có %(n)s dòng chưa hợp lệ; chưa tạo tài khoản nào."), params={"n": result.failed},
                           details=import_json(result))
    return jsonify(import_json(result)), (200 if dry_run else 201)


@api.get("/units")
@token_required
def list_units():
    return jsonify({"items": [unit_json(u) for u in units.listing(active_only=not g.user.has_role("admin"))]})


@api.post("/units")
@token_required
def create_unit():
    return jsonify(unit_json(units.create_unit(g.user, json_body()))), 201


@api.patch("/units/<code>")
@token_required
def update_unit(code: str):
    return jsonify(unit_json(units.update_unit(g.user, code, json_body())))


@api.get("/audit")
@token_required
def audit_trail():
    directory.require_admin(g.user)
    return jsonify({"items": [audit_json(e) for e in audit.recent(request.args.get("target") or None)]})
