"""API routes of the interconnection with other agencies (API.md "Interconnection"): packages in,
the package sent to one receiver, deliveries and their statuses, recall, the agency directory."""
from __future__ import annotations

from flask import g, jsonify, request

from engine import clock, documents
from engine.errors import N_, Forbidden
from engine.interconnection import agencies, inbound, recall, tracking
from engine.models import Role
from web.api.base import api, doc_response, json_body, token_required
from web.api.serializers import iso
from web.downloads import edxml_response


def delivery_json(delivery) -> dict:
    return {"agency_id": delivery.agency_code, "agency_name": delivery.agency_name, "state": delivery.state,
            "attempts": delivery.attempts, "last_error": delivery.last_error, "sent_at": iso(delivery.sent_at),
            "recall_state": delivery.recall_state,
            "statuses": [{"code": s.code, "at": iso(s.at), "description": s.description, "staff": s.staff}
                         for s in delivery.statuses]}


@api.post("/interconnection/packages")
@token_required
def take_package():
    if not g.user.has_role(Role.CLERK):
        raise Forbidden(N_("Chỉ văn thư hoặc tài khoản trục liên thông được gửi gói tin vào hệ thống."))
    outcome = inbound.take_in(request.get_data(cache=False), via="api")
    body = {"kind": outcome.kind, "document_id": outcome.document_id}
    if outcome.kind == "status":
        body["code"] = outcome.code
    else:
        body["business"] = outcome.business
    if outcome.duplicate:
        body["duplicate"] = True
    return jsonify(body), 201 if outcome.created else 200


@api.get("/documents/<int:document_id>/edxml")
@token_required
def document_edxml(document_id: int):
    return edxml_response(documents.get_visible(g.user, document_id), request.args.get("to", ""))


@api.get("/documents/<int:document_id>/deliveries")
@token_required
def document_deliveries(document_id: int):
    doc = documents.get_visible(g.user, document_id)
    return jsonify({"items": [delivery_json(d) for d in tracking.deliveries_of(doc)], "at": iso(clock.now())})


@api.post("/documents/<int:document_id>/recall")
@token_required
def recall_document(document_id: int):
    doc = documents.get_visible(g.user, document_id)
    return doc_response(recall.recall(g.user, doc, json_body()))


@api.get("/agencies")
@token_required
def list_agencies():
    return jsonify({"items": [{"id": a.code, "name": a.name, "parent_id": a.parent_code}
                              for a in agencies.search(request.args.get("q"), limit=200)]})
