"""Registers through the API (API.md "Registers, statistics, search")."""
from __future__ import annotations

from flask import g, jsonify, request

from engine.errors import N_, Forbidden
from engine.models import Role
from engine.records import registers
from engine.validation import parse_year
from web.api.base import api, token_required
from web.api.serializers import register_row


@api.get("/registers/outgoing")
@token_required
def outgoing_register():
    """The outgoing register of a year (R-REPORT-2 data): issued documents by number."""
    if not g.user.has_role(Role.CLERK, Role.LEADER, Role.ADMIN):
        raise Forbidden(N_("Chỉ văn thư và lãnh đạo xem sổ văn bản đi."))
    year = parse_year(request.args.get("year"), None)
    return jsonify({"year": year, "items": [register_row(d) for d in registers.outgoing_register(year)]})
