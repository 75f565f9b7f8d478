"""API routes for the working-day calendar and the outbox (administrators)."""
from __future__ import annotations

from flask import g, jsonify, request

from engine import clock
from engine.deadlines import calendar_admin
from engine.errors import N_, InvalidInput
from engine.notifications import mailer
from engine.validation import parse_page, parse_year
from web.api.base import api, json_body, token_required
from web.api.serializers import outbox_json


@api.get("/calendar")
@token_required
def get_calendar():
    year = parse_year(request.args.get("year"), clock.today().year)
    return jsonify({"year": year, "office_hours": calendar_admin.office_hours(),
                    "days": [{"date": d["date"].isoformat(), "name": d["name"], "kind": d["kind"]}
                             for d in calendar_admin.year_days(year)]})


@api.post("/calendar/days")
@token_required
def add_calendar_day():
    row = calendar_admin.add_day(g.user, json_body())
    return jsonify({"date": row.day.isoformat(), "kind": row.kind, "note": row.note}), 201


@api.delete("/calendar/days/<day>")
@token_required
def remove_calendar_day(day: str):
    calendar_admin.remove_day(g.user, day)
    return "", 204


@api.get("/outbox")
@token_required
def list_outbox():
    kind = request.args.get("kind") or None
    status = request.args.get("status") or None
    if status not in (None, *mailer.STATUSES):
        raise InvalidInput(N_("Trạng thái không hợp lệ."), details={"status": ", ".join(mailer.STATUSES)})
    page = parse_page(request.args.get("page"))
    items, total = mailer.outbox_page(g.user, kind=kind, status=status, page=page)
    return jsonify({"items": [outbox_json(m) for m in items], "total": total, "page": page,
                    "per_page": mailer.PAGE_SIZE})
