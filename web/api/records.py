"""Registers through the API (API.md "Registers, statistics, search")."""
from __future__ import annotations

from flask import g, jsonify, request

from engine.errors import N_, Forbidden, InvalidInput
from engine.models import Role
from engine.records import registers, saved_searches
from web.api.base import api, json_body, token_required
from web.api.records_json import saved_search_json
from web.api.serializers import register_row


@api.get("/registers/outgoing")
@token_required
def outgoing_register():
    """The outgoing register of a year (R-REPORT-2 data): issued documents by number."""
    if not g.user.has_role(Role.CLERK, Role.LEADER, Role.ADMIN):
        raise Forbidden(N_("Chỉ văn thư và lãnh đạo xem sổ văn bản đi."))
    try:
        year = int(request.args.get("year") or 0) or None
    except ValueError:
        raise InvalidInput(N_("Năm không hợp lệ."), details={"year": "integer expected"}) from None
    return jsonify({"year": year, "items": [register_row(d) for d in registers.outgoing_register(year)]})


@api.get("/searches")
@token_required
def list_saved_searches():
    return jsonify({"items": [saved_search_json(s) for s in saved_searches.listing(g.user)]})


@api.post("/searches")
@token_required
def save_search():
    return jsonify(saved_search_json(saved_searches.save(g.user, json_body()))), 201


@api.delete("/searches/<int:search_id>")
@token_required
def delete_saved_search(search_id: int):
    saved_searches.delete(g.user, search_id)
    return "", 204
