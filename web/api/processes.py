"""Processes through the API (API.md "Processes"): versions, validation and deploy, rollback, comparison,
migration of running documents, and where a document stands on its diagrams."""
from __future__ import annotations

from flask import Response, g, jsonify, request

from engine import documents
from engine.errors import N_, InvalidInput, TooLarge
from engine.processes import compare, deployment, migration, progress
from engine.processes.catalog import catalog
from engine.processes.diagram import MAX_DIAGRAM_BYTES
from web.api.base import api, json_body, token_required
from web.api.process_serializers import problems_json, process_json, progress_json, version_json


def _diagram_body() -> bytes:
    """The BPMN XML of the request: the raw body, or a ``file`` part of a multipart form."""
    if request.content_length and request.content_length > MAX_DIAGRAM_BYTES + 64 * 1024:
        raise TooLarge(N_("Sơ đồ quá lớn (tối đa %(mb)s MB)."), params={"mb": MAX_DIAGRAM_BYTES // (1024 * 1024)})
    if request.mimetype == "multipart/form-data":
        upload = request.files.get("file")
        if upload is None:
            raise InvalidInput(N_("Gửi sơ đồ trong phần tệp tên “file” của biểu mẫu (multipart/form-data)."),
                               details={"file": "Bắt buộc."})
        return upload.read(MAX_DIAGRAM_BYTES + 1)
    # Any other type is the diagram itself, form-encoded included (what `curl -d @so-do.bpmn` sends):
    # read before anything parses the body as a form.
    return request.get_data(cache=False)


def _flag(name: str) -> bool:
    return request.args.get(name, "").lower() in ("1", "true", "yes")


@api.get("/processes")
@token_required
def list_processes():
    rows = deployment.process_list(g.user)
    return jsonify({"items": [process_json(v, sum(deployment.running_counts(v.process_id).values())) for v in rows]})


@api.get("/processes/catalog")
@token_required
def process_catalog():
    deployment.require_viewer(g.user)
    return jsonify(catalog())


@api.get("/processes/<process_id>/versions")
@token_required
def list_versions(process_id: str):
    rows = deployment.versions(g.user, process_id)
    running = deployment.running_counts(process_id)
    return jsonify({"id": process_id, "items": [version_json(v, running.get(v.version, 0)) for v in rows]})


@api.get("/processes/<process_id>/versions/<int:number>")
@token_required
def version_xml(process_id: str, number: int):
    row = deployment.version(g.user, process_id, number)
    return Response(row.bpmn_xml, mimetype="application/xml")


@api.post("/processes/<process_id>/versions")
@token_required
def deploy_version(process_id: str):
    body = _diagram_body()
    if _flag("dry_run"):
        problems = deployment.check(g.user, process_id, body)
        if problems:
            raise InvalidInput(N_("Sơ đồ có %(count)s lỗi."), params={"count": len(problems)}, code="invalid_diagram",
                               details=problems_json(problems))
        return jsonify({"valid": True, "problems": []})
    row = deployment.deploy(g.user, process_id, body, request.args.get("note") or request.form.get("note"))
    return jsonify({"id": row.process_id, **version_json(row)}), 201


@api.post("/processes/<process_id>/rollback")
@token_required
def rollback_version(process_id: str):
    data = json_body()
    try:
        number = int(data.get("version"))
    except (TypeError, ValueError):
        raise InvalidInput(N_("Hãy chọn phiên bản để quay lại."), details={"version": "integer"}) from None
    row = deployment.rollback(g.user, process_id, number, data.get("note"))
    return jsonify({"id": row.process_id, **version_json(row)}), 201


@api.get("/processes/<process_id>/compare")
@token_required
def compare_versions(process_id: str):
    try:
        old, new = int(request.args.get("from", "")), int(request.args.get("to", ""))
    except ValueError:
        raise InvalidInput(N_("Hãy chọn hai phiên bản để so sánh."), details={"from": "integer", "to": "integer"}) \
            from None
    result = compare.compare(deployment.version(g.user, process_id, old), deployment.version(g.user, process_id, new))
    return jsonify(result.as_dict())


@api.post("/processes/<process_id>/migrations")
@token_required
def migrate_instances(process_id: str):
    data = json_body()
    run = migration.plan if data.get("dry_run", True) not in (False, "false", 0, "0") else migration.apply
    outcomes = run(g.user, process_id, data.get("from_version"), data.get("to_version"), data.get("instances"))
    return jsonify({"dry_run": run is migration.plan, "items": [o.as_dict() for o in outcomes]})


@api.get("/documents/<int:document_id>/diagram")
@token_required
def document_diagram(document_id: int):
    doc = documents.get_visible(g.user, document_id)
    return jsonify({"document_id": doc.id, "items": [progress_json(i) for i in progress.document_diagrams(doc)]})
