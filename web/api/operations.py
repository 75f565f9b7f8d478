"""Running the system through the API: declared outages (administrators)."""
from __future__ import annotations

from flask import g, jsonify

from engine.errors import N_, Forbidden
from engine.models import Role
from engine.operations import outages
from web.api.base import api, json_body, token_required
from web.api.serializers import iso


def outage_json(o) -> dict:
    return {"id": o.id, "starts_at": iso(o.starts_at), "ends_at": iso(o.ends_at), "reason": o.reason,
            "declared_by": o.declared_by.username, "declared_at": iso(o.declared_at)}


@api.get("/outages")
@token_required
def list_outages():
    if not g.user.has_role(Role.ADMIN):
        raise Forbidden(N_("Chỉ quản trị hệ thống xem danh sách sự cố."))
    return jsonify({"items": [outage_json(o) for o in outages.listing()]})


@api.post("/outages")
@token_required
def declare_outage():
    return jsonify(outage_json(outages.declare(g.user, json_body()))), 201
