"""The ``api`` blueprint and what its views share: bearer-token authentication, request bodies, the
document response."""
from __future__ import annotations

from functools import wraps

from flask import Blueprint, current_app, g, jsonify, request

from engine.errors import N_, AuthFailed, InvalidInput
from engine.incoming.uploads import Upload
from engine.people import accounts, sessions
from engine.processing import document_rows
from web.api.openapi import openapi_document
from web.api.serializers import document_json

api = Blueprint("api", __name__, url_prefix="/api/v1")


def token_required(view=None, *, with_one_time_password: bool = False):
    """Authenticate the bearer token (``g.user``, ``g.session``). An account that still has a one-time
    password may only call views marked ``with_one_time_password`` (change it, sign out)."""

    def decorate(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            header = request.headers.get("Authorization", "")
            token = header[7:].strip() if header.lower().startswith("bearer ") else ""
            row = sessions.resume(token, "api")
            if row is None:
                raise AuthFailed(N_("Thiếu hoặc sai mã truy cập (Bearer token), hoặc phiên đã hết hạn."))
            g.user, g.session = row.user, row
            if not with_one_time_password:
                accounts.require_password_changed(row.user)
            return view(*args, **kwargs)

        return wrapper

    return decorate(view) if view is not None else decorate


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
        meta = current_app.json.loads(raw) if raw else None
    except ValueError:
        meta = None
    if not isinstance(meta, dict):
        raise InvalidInput(N_("Phần 'metadata' phải là JSON hợp lệ."), details={"metadata": "JSON object expected"})
    return meta


def uploads(field: str = "files") -> list[Upload]:
    return [Upload(f.filename or "", f.read(), f.mimetype) for f in request.files.getlist(field)]


def doc_response(doc, status=200):
    return jsonify(document_json(doc, document_rows.open_tasks(doc), document_rows.lines(doc),
                                 document_rows.history(doc))), status


def idempotency_key() -> str | None:
    """The request's ``Idempotency-Key`` header (a retried upload must not make a second document)."""
    return request.headers.get("Idempotency-Key")


def replayable_response(doc, replayed: bool):
    """201 with the document; a replayed request gets the same answer, marked as a replay."""
    response, status = doc_response(doc, 201)
    if replayed:
        response.headers["Idempotent-Replayed"] = "true"
    return response, status


@api.get("/openapi.json")
def openapi():
    return jsonify(openapi_document())
