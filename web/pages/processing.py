"""Processing pages: the task inbox, task forms, the leaders' overview and urging, delegations."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user, login_required

from engine import documents
from engine.db import db
from engine.doctypes import DOC_TYPES
from engine.errors import DomainError, DuplicateSuspected
from engine.incoming import duplicates
from engine.models import ProcessingLine
from engine.models.documents import Urgency
from engine.processing import delegations, lines, overview, task_list, tasks
from web.i18n import error_text
from web.pages.common import (
    act,
    actionable,
    colleagues,
    form_data,
    leaders,
    people,
    units,
)

bp = Blueprint("processing", __name__)


@bp.route("/inbox")
@login_required
def inbox():
    args = request.args
    flt = task_list.filter_from(args.to_dict(), strict=False)  # a page just ignores a bad filter value
    found = task_list.inbox(current_user, flt)
    pages = max((found.total + flt.per_page - 1) // flt.per_page, 1)
    return render_template("processing/inbox.html", items=found.items, total=found.total, flt=flt, pages=pages,
                           counts=found.counts, doc_types=DOC_TYPES, urgencies=Urgency.LABELS,
                           args={k: v for k, v in args.items() if k != "page"})


@bp.route("/tasks/<task_id>/claim", methods=["POST"])
@login_required
def claim(task_id: str):
    act(lambda: tasks.claim(task_id, current_user), gettext("Đã nhận công việc."))
    return redirect(url_for("processing.inbox", view="mine"))


@bp.route("/documents/<int:document_id>/urge", methods=["POST"])
@login_required
def urge(document_id: int):
    doc = documents.get_visible(current_user, document_id)
    act(lambda: overview.urge(current_user, doc, {"note": request.form.get("note", "")}),
        lambda count: gettext("Đã đôn đốc %(count)s người đang giữ văn bản.", count=count))
    return redirect(url_for("documents.document", document_id=doc.id))


@bp.route("/tasks/<task_id>", methods=["GET", "POST"])
@login_required
def task_form(task_id: str):
    task = tasks.get_task(task_id)
    doc = documents.get_visible(current_user, task.document_id)
    errors, suspected = {}, False
    form = form_data(request.form)
    if request.method == "POST":
        data = dict(form)
        if data.get("duplicate_number"):  # the clerk typed a register number instead of picking one
            data["duplicate_of"] = data.pop("duplicate_number")
        try:
            tasks.complete(task.id, current_user, data)
        except DuplicateSuspected as error:
            suspected = True
            flash(error_text(error), "error")
        except DomainError as error:
            flash(error_text(error), "error")
            errors = error.details
            if error.status == 409:
                return redirect(url_for("documents.document", document_id=doc.id))
        else:
            flash(gettext("Đã hoàn thành: %(title)s", title=gettext(task.title)), "success")
            return redirect(url_for("documents.document", document_id=doc.id))
    template = f"tasks/{task.form_name}.html"
    # The clerk keeps seeing the likely duplicates, by register number, whatever was tried before.
    matches = duplicates.find(doc) if task.form_name == "verify" and task.status == "open" else []
    line = db.session.query(ProcessingLine).filter_by(instance_id=task.instance_id).one_or_none()
    return render_template([template, "tasks/generic.html"], task=task, doc=doc, form=form, errors=errors,
                           leaders=leaders(), matches=matches, line=line, lines=lines.lines_of(doc),
                           units=units(), people=people(), colleagues=colleagues(line),
                           can_act=task.id in actionable(doc) and task.status == "open"), \
        (422 if errors or suspected else 200)


@bp.route("/overview")
@login_required
def unit_overview():
    scope = overview.require_supervisor(current_user)
    own_unit = scope != overview.DEPARTMENT
    return render_template("processing/overview.html", rows=overview.unit_overview(current_user),
                           states=overview.STATES, own_unit=own_unit,
                           people=overview.people_overview(current_user) if own_unit else [])


@bp.route("/delegations", methods=["GET", "POST"])
@login_required
def delegation_page():
    form = form_data(request.form) if request.method == "POST" else {}
    errors = {}
    if request.method == "POST":
        data = {"delegate": form.get("delegate"), "starts_on": form.get("starts_on"),
                "ends_on": form.get("ends_on"), "rights": request.form.getlist("rights")}
        try:
            delegations.create(current_user, data)
            flash(gettext("Đã ủy quyền."), "success")
            return redirect(url_for("processing.delegation_page"))
        except DomainError as error:
            flash(error_text(error), "error")
            errors = error.details
    return render_template("processing/delegations.html", items=delegations.listing(current_user), form=form,
                           errors=errors, people=people(), rights=delegations.RIGHTS,
                           in_force={d.id for d in delegations.in_force(current_user)})


@bp.route("/delegations/<int:delegation_id>/revoke", methods=["POST"])
@login_required
def revoke_delegation(delegation_id: int):
    act(lambda: delegations.revoke(current_user, delegation_id), gettext("Đã thu hồi ủy quyền."))
    return redirect(url_for("processing.delegation_page"))
