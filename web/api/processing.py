"""Processing through the API: task inboxes and completion, delegations, the overview and urging,
handover (API.md "Tasks", "Routing and processing")."""
from __future__ import annotations

from flask import g, jsonify, request

from engine import documents
from engine.processing import delegations, handover, overview, task_list, tasks
from web.api.base import api, doc_response, json_body, token_required
from web.api.serializers import delegation_json, task_json


@api.get("/tasks")
@token_required
def list_tasks():
    flt = task_list.filter_from(request.args.to_dict())
    found = task_list.inbox(g.user, flt)
    return jsonify({"items": [task_json(t) for t in found.items], "total": found.total, "page": flt.page,
                    "counts": found.counts})


@api.get("/tasks/counts")
@token_required
def task_counts():
    return jsonify(task_list.counts(g.user))


@api.post("/tasks/<task_id>/claim")
@token_required
def claim_task(task_id: str):
    return jsonify(task_json(tasks.claim(task_id, g.user)))


@api.get("/tasks/<task_id>")
@token_required
def get_task(task_id: str):
    task = tasks.get_task(task_id)
    documents.get_visible(g.user, task.document_id)
    return jsonify(task_json(task))


@api.post("/tasks/<task_id>/complete")
@token_required
def complete_task(task_id: str):
    doc = tasks.complete(task_id, g.user, json_body())
    return doc_response(doc)


@api.post("/delegations")
@token_required
def create_delegation():
    return jsonify(delegation_json(delegations.create(g.user, json_body()))), 201


@api.get("/delegations")
@token_required
def list_delegations():
    return jsonify({"items": [delegation_json(d) for d in delegations.listing(g.user)]})


@api.delete("/delegations/<int:delegation_id>")
@token_required
def revoke_delegation(delegation_id: int):
    return jsonify(delegation_json(delegations.revoke(g.user, delegation_id)))


@api.get("/overview")
@token_required
def unit_overview():
    scope = overview.require_supervisor(g.user)
    people = overview.people_overview(g.user, request.args.get("unit") or None) \
        if scope != overview.DEPARTMENT or request.args.get("unit") else []
    return jsonify({"units": overview.unit_overview(g.user), "people": people})


@api.post("/documents/<int:document_id>/urge")
@token_required
def urge_document(document_id: int):
    doc = documents.get_visible(g.user, document_id)
    notified = overview.urge(g.user, doc, request.get_json(silent=True) or {})
    return jsonify({"notified": notified})


@api.post("/users/<username>/handover")
@token_required
def handover_user(username: str):
    return jsonify(handover.handover(g.user, username, json_body().get("successor")))
