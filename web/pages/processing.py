"""Pages people use: inbox, documents, the new incoming document form, task forms."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user, login_required

from engine import documents
from engine.incoming import registration
from engine.processing import delegations, handover, lines, overview, tasks
from engine.db import db
from engine.doctypes import DOC_TYPES
from engine.errors import DomainError, DuplicateSuspected
from engine.models import Document, ProcessingLine, Role, Unit, User
from engine.models.documents import Status, Urgency
from engine.incoming.uploads import Upload
from web.api import attachment_response
from web.i18n import error_text

bp = Blueprint("pages", __name__)


@bp.route("/")
@login_required
def home():
    return redirect(url_for("pages.inbox"))


LIST_FIELDS = {"lead", "coordinate", "inform", "assignees"}


def form_data(form) -> dict:
    """Form fields as the engine expects them: lists for multi-selects, one deadline field."""
    data = {}
    for key in form.keys():
        if key == "csrf_token":
            continue
        values = [v for v in form.getlist(key) if v != ""]
        data[key] = values if key in LIST_FIELDS else (values[0] if values else "")
    days, day = data.pop("deadline_days", ""), data.pop("deadline_date", "")
    if days or day:
        data["deadline"] = days or day
    return data


@bp.route("/inbox")
@login_required
def inbox():
    args = request.args
    flt = tasks.filter_from(args.to_dict(), strict=False)  # a page just ignores a bad filter value
    items, total = tasks.inbox_page(current_user, flt)
    pages = max((total + flt.per_page - 1) // flt.per_page, 1)
    return render_template("processing/inbox.html", items=items, total=total, flt=flt, pages=pages,
                           counts=tasks.counts(current_user), doc_types=DOC_TYPES, urgencies=Urgency.LABELS,
                           args={k: v for k, v in args.items() if k != "page"})


def _act(operation, success) -> None:
    """Run one engine operation behind a button and flash how it went.

    ``success`` is the message, or a function of the operation's result giving it.
    """
    try:
        result = operation()
    except DomainError as error:
        flash(error_text(error), "error")
    else:
        flash(success(result) if callable(success) else success, "success")


@bp.route("/tasks/<task_id>/claim", methods=["POST"])
@login_required
def claim(task_id: str):
    _act(lambda: tasks.claim(task_id, current_user), gettext("Đã nhận công việc."))
    return redirect(url_for("pages.inbox", view="mine"))


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
    unit, state = request.args.get("unit") or None, request.args.get("state") or None
    items, total = documents.search(current_user, direction=direction, status=status, q=q, unit=unit,
                                    state=state, page=page)
    pages = max((total + documents.PAGE_SIZE - 1) // documents.PAGE_SIZE, 1)
    return render_template("documents/list.html", items=items, total=total, page=page, pages=pages,
                           q=q or "", direction=direction or "", status=status or "", unit=unit or "",
                           state=state or "",
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
            doc = registration.receive(current_user, meta, files)
        except DomainError as error:
            flash(error_text(error), "error")
            errors = error.details
        else:
            flash(gettext("Đã ghi nhận văn bản đến. Hãy kiểm tra và tiếp nhận."), "success")
            verify = next((t for t in tasks.open_tasks(doc) if t.name == "verify"), None)
            return redirect(url_for("pages.task_form", task_id=verify.id) if verify
                            else url_for("pages.document", document_id=doc.id))
    return render_template("incoming/new.html", form=form, errors=errors, doc_types=DOC_TYPES,
                           urgencies=Urgency.LABELS), (422 if errors else 200)


@bp.route("/documents/<int:document_id>")
@login_required
def document(document_id: int):
    doc = documents.get_visible(current_user, document_id)
    return render_template("documents/detail.html", doc=doc, open_tasks=tasks.open_tasks(doc),
                           can_act=_actionable(doc), duplicate_of=_get(doc.duplicate_of_id),
                           lines=lines.lines_of(doc), replies=_replies(doc), in_reply_to=_get(doc.in_reply_to_id),
                           can_urge=delegations.has_right(current_user, "supervise"))


def _replies(doc):
    return db.session.query(Document).filter_by(in_reply_to_id=doc.id).all()


@bp.route("/documents/<int:document_id>/urge", methods=["POST"])
@login_required
def urge(document_id: int):
    doc = documents.get_visible(current_user, document_id)
    _act(lambda: overview.urge(current_user, doc, {"note": request.form.get("note", "")}),
         lambda count: gettext("Đã đôn đốc %(count)s người đang giữ văn bản.", count=count))
    return redirect(url_for("pages.document", document_id=doc.id))


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
    form = form_data(request.form)
    if request.method == "POST":
        data = dict(form)
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
    line = db.session.query(ProcessingLine).filter_by(instance_id=task.instance_id).one_or_none()
    return render_template([template, "tasks/generic.html"], task=task, doc=doc, form=form, errors=errors,
                           leaders=_leaders(), matches=matches, line=line, lines=lines.lines_of(doc),
                           units=_units(), people=_people(), colleagues=_colleagues(line),
                           can_act=task.id in _actionable(doc) and task.status == "open"), \
        (422 if errors or suspected else 200)


def _units():
    return db.session.query(Unit).filter(Unit.kind != "department").order_by(Unit.position).all()


def _people():
    return (db.session.query(User).filter(User.active.is_(True))
            .filter(~User.role_rows.any(role=Role.ADMIN)).order_by(User.unit_code, User.full_name).all())


def _colleagues(line):
    if line is None or not line.unit_code:
        return []
    return (db.session.query(User).filter_by(unit_code=line.unit_code, active=True)
            .order_by(User.full_name).all())


@bp.route("/overview")
@login_required
def unit_overview():
    rows = overview.unit_overview(current_user)
    return render_template("processing/overview.html", rows=rows, states=overview.STATES)


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
            return redirect(url_for("pages.delegation_page"))
        except DomainError as error:
            flash(error_text(error), "error")
            errors = error.details
    return render_template("processing/delegations.html", items=delegations.listing(current_user), form=form,
                           errors=errors, people=_people(), rights=delegations.RIGHTS,
                           in_force={d.id for d in delegations.in_force(current_user)})


@bp.route("/delegations/<int:delegation_id>/revoke", methods=["POST"])
@login_required
def revoke_delegation(delegation_id: int):
    _act(lambda: delegations.revoke(current_user, delegation_id), gettext("Đã thu hồi ủy quyền."))
    return redirect(url_for("pages.delegation_page"))


@bp.route("/admin/users", methods=["GET", "POST"])
@login_required
def admin_users():
    if not current_user.has_role(Role.ADMIN):
        abort(403)
    if request.method == "POST":
        _act(lambda: handover.handover(current_user, request.form.get("username", ""),
                                       request.form.get("successor", "")),
             lambda moved: gettext("Đã bàn giao: %(tasks)s công việc, %(lines)s dòng xử lý, %(drafts)s dự thảo.",
                                   **moved))
        return redirect(url_for("pages.admin_users"))
    users = db.session.query(User).order_by(User.active.desc(), User.unit_code, User.username).all()
    return render_template("people/users.html", users=users)


@bp.route("/notifications")
@login_required
def notifications():
    """Unread notices (urging, escalations, urgent arrivals); opening the page marks them read."""
    from engine import clock
    from engine.notifications.notify import unread

    items = unread(current_user, limit=100)
    for item in items:
        item.read_at = clock.now()
    db.session.commit()
    return render_template("notifications/list.html", items=items)
