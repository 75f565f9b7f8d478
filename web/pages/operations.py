"""Running the system: declared outages (administrators) and the incident register (everyone reports,
administrators handle)."""
from __future__ import annotations

from flask import Blueprint, Response, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user, login_required

from engine.errors import DomainError
from engine.models import IncidentKind, IncidentStatus, Role
from engine.operations import health, incidents, outages
from web.i18n import error_text
from web.pages.common import act

bp = Blueprint("operations", __name__)


@bp.route("/admin/outages", methods=["GET", "POST"])
@login_required
def outage_list():
    if not current_user.has_role(Role.ADMIN):
        abort(403)
    form, errors = {}, {}
    if request.method == "POST":
        form = {k: request.form.get(k, "") for k in ("starts_at", "ends_at", "reason")}
        try:
            outages.declare(current_user, form)
        except DomainError as error:
            flash(error_text(error), "error")
            errors = error.details
        else:
            flash(gettext("Đã khai báo sự cố. Công việc xử lý trên giấy trong thời gian này được nhập sau."),
                  "success")
            return redirect(url_for("operations.outage_list"))
    return render_template("operations/outages.html", items=outages.listing(), form=form,
                           errors=errors), (422 if errors else 200)


@bp.route("/incidents/new", methods=["GET", "POST"])
@login_required
def report_incident():
    """Reachable from every page (the footer): the page the person was on comes along."""
    form = {"kind": "software", "page": request.args.get("page", "")}
    errors = {}
    if request.method == "POST":
        form = {k: request.form.get(k, "") for k in ("kind", "title", "description", "page")}
        try:
            incident = incidents.report(current_user, form)
        except DomainError as error:
            flash(error_text(error), "error")
            errors = error.details
        else:
            flash(gettext("Đã ghi nhận sự cố số %(id)s; quản trị hệ thống đã được báo.", id=incident.id), "success")
            return redirect(url_for("operations.incident", incident_id=incident.id))
    return render_template("operations/incident_new.html", form=form, errors=errors,
                           kinds=IncidentKind.LABELS), (422 if errors else 200)


@bp.route("/incidents")
@login_required
def incident_list():
    status = request.args.get("status") or None
    return render_template("operations/incidents.html", items=incidents.listing(current_user, status), status=status,
                           kinds=IncidentKind.LABELS, statuses=IncidentStatus.LABELS)


@bp.route("/incidents/<int:incident_id>", methods=["GET", "POST"])
@login_required
def incident(incident_id: int):
    item = incidents.get(current_user, incident_id)
    if request.method == "POST":
        if request.form.get("action") == "close":
            act(lambda: incidents.close(current_user, incident_id, request.form.get("resolution", "")),
                gettext("Đã đóng sự cố."))
        else:
            act(lambda: incidents.assign(current_user, incident_id, request.form.get("assignee", "")),
                gettext("Đã giao xử lý sự cố."))
        return redirect(url_for("operations.incident", incident_id=incident_id))
    return render_template("operations/incident.html", item=item, kinds=IncidentKind.LABELS,
                           statuses=IncidentStatus.LABELS, admins=incidents.administrators())


@bp.route("/incidents/export.csv")
@login_required
def incident_export():
    data = incidents.export_csv(current_user)
    return Response(data, mimetype="text/csv; charset=utf-8",
                    headers={"Content-Disposition": "attachment; filename=so-su-co.csv"})


@bp.route("/healthz")
def healthz():
    """For monitoring: 200 when every check passes, 503 otherwise; no sign-in (it names no document)."""
    result = health.report()
    return jsonify(result), (200 if result["ok"] else 503)
