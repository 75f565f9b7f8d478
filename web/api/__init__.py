"""JSON API v1 (contract: API.md; description: /api/v1/openapi.json)."""
from __future__ import annotations

import json
from functools import wraps

from flask import Blueprint, g, jsonify, request, send_file
from io import BytesIO

from engine import documents
from engine.incoming import registration
from engine.people import accounts
from engine.processing import delegations, handover, lines, overview, tasks
from engine.errors import N_, AuthFailed, InvalidInput
from engine.storage import store
from engine.incoming.uploads import Upload
from web.api.openapi.core import openapi_document
from web.api.serializers import document_json, task_json

api = Blueprint("api", __name__, url_prefix="/api/v1")


def token_required(view):
    @wraps(view)
    def wrapper(*args, **kwargs):
        header = request.headers.get("Authorization", "")
        token = header[7:].strip() if header.lower().startswith("bearer ") else ""
        user = accounts.user_for_token(token)
        if user is None:
            raise AuthFailed(N_("Thiếu hoặc sai mã truy cập (Bearer token), hoặc phiên đã hết hạn."))
        g.user = user
        return view(*args, **kwargs)

    return wrapper


def user_json(user) -> dict:
    return {"username": user.username, "full_name": user.full_name, "roles": user.roles,
            "unit": user.unit_code, "position": user.position}


def json_body() -> dict:
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise InvalidInput(N_("Nội dung yêu cầu phải là một đối tượng JSON."), code="bad_request",
                           details={"body": "JSON object expected"})
    return data


def multipart_metadata() -> dict:
    raw = request.form.get("metadata")
    if raw is None and "metadata" in request.files:
        raw = request.files["metadata"].read().decode("utf-8", "replace")
    try:
        meta = json.loads(raw) if raw else None
    except ValueError:
        meta = None
    if not isinstance(meta, dict):
        raise InvalidInput(N_("Phần 'metadata' phải là JSON hợp lệ."), details={"metadata": "JSON object expected"})
    return meta


def uploads() -> list[Upload]:
    return [Upload(f.filename or "", f.read(), f.mimetype) for f in request.files.getlist("files")]


def doc_response(doc, status=200):
    return jsonify(document_json(doc, tasks.open_tasks(doc), lines.lines_of(doc))), status


@api.post("/session")
def create_session():
    data = request.get_json(silent=True) or {}
    user = accounts.authenticate(str(data.get("username", "")), str(data.get("password", "")))
    return jsonify({"token": accounts.issue_token(user), "user": user_json(user)})


@api.get("/me")
@token_required
def me():
    return jsonify(user_json(g.user))


@api.post("/documents/incoming")
@token_required
def receive_incoming():
    doc = registration.receive(g.user, multipart_metadata(), uploads())
    return doc_response(doc, 201)


@api.get("/documents")
@token_required
def list_documents():
    try:
        page = max(int(request.args.get("page", 1)), 1)
    except ValueError:
        raise InvalidInput(N_("Số trang không hợp lệ."), details={"page": "integer expected"})
    items, total = documents.search(g.user, direction=request.args.get("direction") or None,
                                    status=request.args.get("status") or None, q=request.args.get("q") or None,
                                    unit=request.args.get("unit") or None, state=request.args.get("state") or None,
                                    page=page)
    return jsonify({"items": [document_json(d, []) | {"history": []} for d in items], "total": total,
                    "page": page, "per_page": documents.PAGE_SIZE})


@api.get("/documents/<int:document_id>")
@token_required
def get_document(document_id: int):
    return doc_response(documents.get_visible(g.user, document_id))


@api.get("/documents/<int:document_id>/attachments/<int:index>")
@token_required
def get_attachment(document_id: int, index: int):
    doc = documents.get_visible(g.user, document_id)
    return attachment_response(doc, index)


def attachment_response(doc, index: int):
    from engine.errors import NotFound

    if index < 0 or index >= len(doc.attachments):
        raise NotFound(N_("Không tìm thấy tệp đính kèm."))
    att = doc.attachments[index]
    return send_file(BytesIO(store().get(att.sha256)), mimetype=att.content_type, as_attachment=True,
                     download_name=att.name, etag=att.sha256)


@api.get("/tasks")
@token_required
def list_tasks():
    flt = tasks.filter_from(request.args.to_dict())
    items, total = tasks.inbox_page(g.user, flt)
    return jsonify({"items": [task_json(t) for t in items], "total": total, "page": flt.page,
                    "counts": tasks.counts(g.user)})


@api.get("/tasks/counts")
@token_required
def task_counts():
    return jsonify(tasks.counts(g.user))


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


def delegation_json(d) -> dict:
    from web.api.serializers import iso

    return {"id": d.id, "delegator": d.delegator.username, "delegate": d.delegate.username,
            "starts_on": d.starts_on.isoformat(), "ends_on": d.ends_on.isoformat(), "rights": d.rights,
            "revoked_at": iso(d.revoked_at), "in_force": d in delegations.in_force(d.delegate)}


@api.get("/overview")
@token_required
def unit_overview():
    return jsonify({"units": overview.unit_overview(g.user)})


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


@api.get("/notifications")
@token_required
def list_notifications():
    from engine.notifications.notify import unread
    from web.api.serializers import iso

    return jsonify({"items": [{"id": n.id, "document_id": n.document_id, "kind": n.kind, "message": n.message,
                               "created_at": iso(n.created_at)} for n in unread(g.user)]})


@api.get("/openapi.json")
def openapi():
    return jsonify(openapi_document())


from web.api import admin as _admin_routes  # noqa: E402  (calendar and outbox routes)

_admin_routes.register(api, token_required)


from web.api import outgoing as _outgoing_routes  # noqa: E402,F401 - registers the outgoing routes
