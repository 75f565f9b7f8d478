"""Pages people use: inbox, documents, the new incoming document form, task forms."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user, login_required

from engine import documents, incoming, tasks
from engine.db import db
from engine.doctypes import DOC_TYPES
from engine.errors import DomainError, DuplicateSuspected
from engine.models import Document, Role, User
from engine.models.documents import Status, Urgency
from engine.uploads import Upload
from web.api import attachment_response
from web.i18n import error_text

bp = Blueprint("pages", __name__)


@bp.route("/")
@login_required
def home():
    return redirect(url_for("pages.inbox"))


@bp.route("/inbox")
@login_required
def inbox():
    items = tasks.inbox_query(current_user).limit(200).all()
    return render_template("inbox.html", items=items)


@bp.route("/documents")
@login_required
def document_list():
    try:
        page = max(int(request.args.get("page", 1)), 1)
    except ValueError:
        page = 1
    direction = request.args.get("direction") or None
    status = request.args.get("status") or None
    q = request.args.get("q") or None
    items, total = documents.search(current_user, direction=direction, status=status, q=q, page=page)
    pages = max((total + documents.PAGE_SIZE - 1) // documents.PAGE_SIZE, 1)
    return render_template("documents.html", items=items, total=total, page=page, pages=pages,
                           q=q or "", direction=direction or "", status=status or "",
                           statuses=Status.INCOMING + Status.OUTGOING)


def _leaders():
    return (db.session.query(User).filter(User.active.is_(True))
            .filter(User.role_rows.any(role=Role.LEADER)).order_by(User.id).all())


@bp.route("/documents/incoming/new", methods=["GET", "POST"])
@login_required
def new_incoming():
    if not current_user.has_role(Role.CLERK):
        abort(403)
    form = request.form.to_dict() if request.method == "POST" else {"urgency": "normal", "source": "electronic"}
    errors = {}
    if request.method == "POST":
        meta = {k: v for k, v in form.items() if k != "csrf_token"}
        meta["paper_copy"] = "paper_copy" in form
        files = [Upload(f.filename or "", f.read(), f.mimetype) for f in request.files.getlist("files") if f.filename]
        try:
            doc = incoming.receive(current_user, meta, files)
        except DomainError as error:
            flash(error_text(error), "error")
            errors = error.details
        else:
            flash(gettext("Đã ghi nhận văn bản đến. Hãy kiểm tra và tiếp nhận."), "success")
            verify = next((t for t in tasks.open_tasks(doc) if t.name == "verify"), None)
            return redirect(url_for("pages.task_form", task_id=verify.id) if verify
                            else url_for("pages.document", document_id=doc.id))
    return render_template("incoming_new.html", form=form, errors=errors, doc_types=DOC_TYPES,
                           urgencies=Urgency.LABELS), (422 if errors else 200)


@bp.route("/documents/<int:document_id>")
@login_required
def document(document_id: int):
    doc = documents.get_visible(current_user, document_id)
    return render_template("document.html", doc=doc, open_tasks=tasks.open_tasks(doc),
                           can_act=_actionable(doc), duplicate_of=_get(doc.duplicate_of_id))


def _get(document_id):
    return db.session.get(Document, document_id) if document_id else None


def _actionable(doc) -> set[str]:
    ids = set()
    for task in tasks.open_tasks(doc):
        try:
            tasks.authorize(current_user, task)
            ids.add(task.id)
        except DomainError:
            pass
    return ids


@bp.route("/documents/<int:document_id>/attachments/<int:index>")
@login_required
def attachment(document_id: int, index: int):
    return attachment_response(documents.get_visible(current_user, document_id), index)


@bp.route("/tasks/<task_id>", methods=["GET", "POST"])
@login_required
def task_form(task_id: str):
    task = tasks.get_task(task_id)
    doc = documents.get_visible(current_user, task.document_id)
    errors, suspected = {}, None
    form = request.form.to_dict()
    if request.method == "POST":
        data = {k: v for k, v in form.items() if k != "csrf_token"}
        try:
            tasks.complete(task.id, current_user, data)
        except DuplicateSuspected as error:
            suspected = error
            flash(error_text(error), "error")
        except DomainError as error:
            flash(error_text(error), "error")
            errors = error.details
            if error.status == 409:
                return redirect(url_for("pages.document", document_id=doc.id))
        else:
            flash(gettext("Đã hoàn thành: %(title)s", title=gettext(task.title)), "success")
            return redirect(url_for("pages.document", document_id=doc.id))
    template = f"tasks/{task.name}.html"
    matches = []
    if suspected:
        matches = [(_get(m["id"]), m["reason"]) for m in suspected.details.get("matches", [])]
    return render_template([template, "tasks/generic.html"], task=task, doc=doc, form=form, errors=errors,
                           leaders=_leaders(), matches=matches,
                           can_act=task.id in _actionable(doc) and task.status == "open"), \
        (422 if errors or suspected else 200)
