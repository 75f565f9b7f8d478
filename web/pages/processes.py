"""Pages for process owners (leaders may look): the processes and their versions, the modeler, validation
and deploy, comparison, rollback and migration; and the diagrams of one document for its page."""
from __future__ import annotations

from flask import Blueprint, Response, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user, login_required

from engine import documents
from engine.db import db
from engine.errors import DomainError
from engine.models import WorkflowInstance
from engine.processes import compare, deployment, migration, progress
from engine.processes.catalog import catalog
from engine.processes.compare import FIELD_LABELS
from engine.processes.deployment import DiagramInvalid
from engine.validation import parse_id
from web.api.process_serializers import process_json, progress_json, version_json
from web.i18n import error_text
from web.pages.common import act

bp = Blueprint("processes", __name__)


def _problems_json(problems) -> list[dict]:
    """Problems for the page's script, in the page's language."""
    return [{**p.as_dict(), "message": gettext(p.template, **dict(p.params))} for p in problems]


def _json_error(error: DomainError):
    """The API's error body, for the page's script; diagram problems in the page's language."""
    details = {"problems": _problems_json(error.problems)} if isinstance(error, DiagramInvalid) else error.details
    response = jsonify({"error": error.code, "message": error_text(error), "details": details})
    response.status_code = error.status
    return response


@bp.route("/processes")
@login_required
def process_list():
    rows = deployment.process_list(current_user)
    items = [process_json(v, sum(deployment.running_counts(v.process_id).values())) for v in rows]
    return render_template("processes/list.html", items=items,
                           can_edit=current_user.has_role("process_owner"))


@bp.route("/processes/catalog.json")
@login_required
def catalog_json():
    deployment.require_viewer(current_user)
    return jsonify(catalog(gettext))


@bp.route("/processes/<process_id>")
@login_required
def modeler(process_id: str):
    number = request.args.get("version", type=parse_id)
    row = deployment.version(current_user, process_id, number)
    newest = deployment.version(current_user, process_id)
    return render_template("processes/modeler.html", version=version_json(row), process=process_json(newest),
                           process_id=process_id, is_newest=row.version == newest.version,
                           can_edit=current_user.has_role("process_owner"))


@bp.route("/processes/<process_id>/versions/<int:number>.bpmn")
@login_required
def download(process_id: str, number: int):
    row = deployment.version(current_user, process_id, number)
    attachment = request.args.get("download") == "1"
    headers = {"Content-Disposition": f'attachment; filename="{process_id}-v{number}.bpmn"'} if attachment else {}
    return Response(row.bpmn_xml, mimetype="application/xml", headers=headers)


@bp.route("/processes/<process_id>/validate", methods=["POST"])
@login_required
def validate(process_id: str):
    try:
        problems = deployment.check(current_user, process_id, request.get_data(cache=False))
    except DomainError as error:
        return _json_error(error)
    return jsonify({"valid": not problems, "problems": _problems_json(problems)})


@bp.route("/processes/<process_id>/deploy", methods=["POST"])
@login_required
def deploy(process_id: str):
    try:
        row = deployment.deploy(current_user, process_id, request.get_data(cache=False), request.args.get("note"))
    except DomainError as error:
        return _json_error(error)
    flash(gettext("Đã triển khai phiên bản %(version)s của quy trình.", version=row.version), "success")
    return jsonify({**version_json(row), "url": url_for("processes.modeler", process_id=process_id)}), 201


@bp.route("/processes/<process_id>/versions")
@login_required
def versions(process_id: str):
    rows = deployment.versions(current_user, process_id)
    running = deployment.running_counts(process_id)
    return render_template("processes/versions.html", process_id=process_id, process=process_json(rows[0]),
                           versions=[version_json(v, running.get(v.version, 0)) for v in rows],
                           can_edit=current_user.has_role("process_owner"))


@bp.route("/processes/<process_id>/rollback", methods=["POST"])
@login_required
def rollback(process_id: str):
    act(lambda: deployment.rollback(current_user, process_id, request.form.get("version", type=parse_id) or 0,
                                    request.form.get("note")),
        lambda row: gettext("Đã triển khai lại sơ đồ cũ thành phiên bản %(version)s.", version=row.version))
    return redirect(url_for("processes.versions", process_id=process_id))


@bp.route("/processes/<process_id>/compare")
@login_required
def compare_page(process_id: str):
    old = deployment.version(current_user, process_id, request.args.get("from", type=parse_id) or 0)
    new = deployment.version(current_user, process_id, request.args.get("to", type=parse_id) or 0)
    return render_template("processes/compare.html", process_id=process_id, result=compare.compare(old, new),
                           labels=FIELD_LABELS)


@bp.route("/processes/<process_id>/migrations", methods=["GET", "POST"])
@login_required
def migrations(process_id: str):
    rows = deployment.versions(current_user, process_id)
    deployment.require_owner(current_user)
    source = request.values.get("from_version", type=parse_id)
    target = request.values.get("to_version", type=parse_id) or rows[0].version
    outcomes, applied = None, request.method == "POST"
    if source is not None:
        run = migration.apply if applied else migration.plan
        try:
            outcomes = run(current_user, process_id, source, target, request.form.getlist("instances") or None)
        except DomainError as error:
            flash(error_text(error), "error")
    if applied and outcomes is not None:
        moved = sum(1 for o in outcomes if o.status == "moved")
        flash(gettext("Đã chuyển %(moved)s/%(total)s văn bản sang phiên bản %(version)s.", moved=moved,
                      total=len(outcomes), version=target), "success" if moved == len(outcomes) else "info")
    running = deployment.running_counts(process_id)
    return render_template("processes/migrations.html", process_id=process_id, versions=rows, running=running,
                           source=source, target=target, applied=applied,
                           outcomes=[o.as_dict(gettext) for o in outcomes] if outcomes is not None else None)


@bp.route("/documents/<int:document_id>/diagrams.json")
@login_required
def document_diagrams(document_id: int):
    doc = documents.get_visible(current_user, document_id)
    items = [progress_json(i) for i in progress.document_diagrams(doc)]
    for item in items:
        item["xml_url"] = url_for("processes.document_diagram_xml", document_id=doc.id,
                                  instance_id=item["instance_id"])
    return jsonify({"document_id": doc.id, "items": items})


@bp.route("/documents/<int:document_id>/diagrams/<int:instance_id>.bpmn")
@login_required
def document_diagram_xml(document_id: int, instance_id: int):
    doc = documents.get_visible(current_user, document_id)
    instance = db.session.get(WorkflowInstance, instance_id)
    if instance is None or instance.document_id != doc.id:
        abort(404)
    return Response(instance.process_version.bpmn_xml, mimetype="application/xml")
