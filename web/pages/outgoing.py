"""Pages for outgoing documents: the drafting form with a preview, editing a draft, the PDF preview.

The review, sign and issue screens are task pages (web/pages/processing.py ``task_form`` with
templates/tasks/{submit,review,sign,issue}.html).
"""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user, login_required

from engine import documents
from engine.doctypes import DOC_TYPES
from engine.errors import DomainError
from engine.incoming.uploads import Upload
from engine.models.documents import Urgency
from engine.outgoing import drafting
from engine.processing import tasks
from web.downloads import preview_response
from web.i18n import error_text
from web.pages.common import leaders, units

bp = Blueprint("outgoing", __name__)


def _meta(form) -> dict:
    """Form fields → outgoing metadata (receivers: checked units plus typed agency codes)."""
    receivers = list(form.getlist("receivers"))
    for code in (form.get("org_receivers") or "").replace(";", ",").split(","):
        if code.strip():
            receivers.append("org:" + code.strip())
    meta = {"doc_type": form.get("doc_type") or None, "subject": form.get("subject") or None,
            "urgency": form.get("urgency") or "normal", "signer": form.get("signer") or None,
            "paper_copy": "paper_copy" in form, "body": form.get("body") or None, "receivers": receivers,
            "notes": form.get("notes") or None}
    if form.get("in_reply_to"):
        meta["in_reply_to"] = form.get("in_reply_to")
    layout = {}
    for key in drafting.BOX_KEYS:
        raw = (form.get(key) or "").strip()
        if raw:
            parts = [p for p in raw.replace(";", ",").replace(" ", ",").split(",") if p]
            layout[key] = parts
    for key in ("page", "number_page"):
        if (form.get(key) or "").strip():
            layout[key] = form.get(key).strip()
    if "layout_form" in form:
        meta["layout"] = layout or None
    return meta


def _files():
    return [Upload(f.filename or "", f.read(), f.mimetype) for f in request.files.getlist("files") if f.filename]


def _form_values(doc=None, form=None) -> dict:
    if form is not None:
        values = {k: form.get(k) for k in form.keys()}
        values["receivers"] = form.getlist("receivers")
        return values
    if doc is None:
        return {"doc_type": "CV", "urgency": "normal", "receivers": []}
    custom = (doc.layout or {}).get("custom") or {}
    return {"doc_type": doc.doc_type, "subject": doc.subject, "urgency": doc.urgency,
            "signer": f"user:{doc.signer.username}" if doc.signer else "", "paper_copy": doc.paper_copy,
            "body": doc.body or "", "notes": doc.notes or "",
            "receivers": [r.get("ref") for r in doc.receivers or () if r.get("kind") == "unit"],
            "org_receivers": ", ".join(r["code"] for r in doc.receivers or () if r.get("kind") == "org"),
            **{k: ", ".join(f"{v:g}" for v in custom[k]) for k in drafting.BOX_KEYS if k in custom},
            **{k: custom[k] for k in ("page", "number_page") if k in custom}}


def _render(template, doc=None, values=None, errors=None, status=200):
    return render_template(template, doc=doc, form=values or {}, errors=errors or {}, doc_types=DOC_TYPES,
                           urgencies=Urgency.LABELS, leaders=leaders(), units=units(),
                           submit_task=_submit_task(doc) if doc else None), status


def _submit_task(doc):
    return next((t for t in tasks.open_tasks(doc) if t.name == "submit"), None)


@bp.route("/outgoing/new", methods=["GET", "POST"])
@login_required
def new_outgoing():
    if not drafting.can_draft(current_user):
        abort(403)
    if request.method == "POST":
        try:
            doc = drafting.create(current_user, _meta(request.form), _files())
        except DomainError as error:
            flash(error_text(error), "error")
            return _render("outgoing/draft.html", values=_form_values(form=request.form), errors=error.details,
                           status=422)
        flash(gettext("Đã tạo dự thảo. Xem trước, chỉnh sửa nếu cần, rồi trình."), "success")
        return redirect(url_for("outgoing.edit_draft", document_id=doc.id))
    values = _form_values()
    if request.args.get("in_reply_to"):
        values["in_reply_to"] = request.args["in_reply_to"]
    return _render("outgoing/draft.html", values=values)


@bp.route("/documents/<int:document_id>/draft", methods=["GET", "POST"])
@login_required
def edit_draft(document_id: int):
    doc = documents.get_visible(current_user, document_id)
    if doc.direction != "outgoing":
        abort(404)
    editable = doc.status == "draft" and doc.created_by_id == current_user.id
    if request.method == "POST":
        if not editable:
            abort(403)
        try:
            files = _files()
            if files:
                drafting.add_files(current_user, doc, files)
            drafting.update_draft(current_user, doc, _meta(request.form))
        except DomainError as error:
            flash(error_text(error), "error")
            return _render("outgoing/draft.html", doc=doc, values=_form_values(form=request.form),
                           errors=error.details, status=422)
        flash(gettext("Đã lưu dự thảo."), "success")
        submit = _submit_task(doc) if request.form.get("then") == "submit" else None
        if submit is not None:  # "Lưu và trình": the edits are saved before the submit step opens
            return redirect(url_for("processing.task_form", task_id=submit.id))
        return redirect(url_for("outgoing.edit_draft", document_id=doc.id))
    if not editable:
        return redirect(url_for("documents.document", document_id=doc.id))
    return _render("outgoing/draft.html", doc=doc, values=_form_values(doc))


@bp.route("/documents/<int:document_id>/preview")
@login_required
def preview(document_id: int):
    doc = documents.get_visible(current_user, document_id)
    if doc.direction != "outgoing":
        abort(404)
    try:
        return preview_response(doc)
    except DomainError as error:
        return render_template("error.html", message=error_text(error), details=error.details), error.status
