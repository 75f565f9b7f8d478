"""Running the system through the API: declared outages (administrators), the incident register."""
from __future__ import annotations

from flask import Response, g, jsonify, request

from engine.errors import N_, Forbidden
from engine.models import Role
from engine.operations import incidents, outages
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


def incident_json(i) -> dict:
    return {"id": i.id, "kind": i.kind, "title": i.title, "description": i.description, "page": i.page,
            "status": i.status, "reported_by": i.reported_by.username, "reported_at": iso(i.reported_at),
            "assignee": i.assignee.username if i.assignee else None, "resolution": i.resolution,
            "closed_at": iso(i.closed_at)}


@api.post("/incidents")
@token_required
def report_incident():
    return jsonify(incident_json(incidents.report(g.user, json_body()))), 201


@api.get("/incidents")
@token_required
def list_incidents():
    if request.args.get("format") == "csv":
        return Response(incidents.export_csv(g.user), mimetype="text/csv; charset=utf-8",
                        headers={"Content-Disposition": "attachment; filename=so-su-co.csv"})
    return jsonify({"items": [incident_json(i) for i in incidents.listing(g.user, request.args.get("status"))]})


@api.get("/incidents/<int:incident_id>")
@token_required
def get_incident(incident_id: int):
    return jsonify(incident_json(incidents.get(g.user, incident_id)))


@api.patch("/incidents/<int:incident_id>")
@token_required
def handle_incident(incident_id: int):
    """``{"assignee": "<username>"}`` to give it to an administrator, ``{"resolution": "…"}`` to close it."""
    data = json_body()
    if "resolution" in data:
        return jsonify(incident_json(incidents.close(g.user, incident_id, data.get("resolution"))))
    return jsonify(incident_json(incidents.assign(g.user, incident_id, data.get("assignee"))))
