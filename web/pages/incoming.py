"""The clerk's form for a document that arrived."""
from __future__ import annotations

import uuid

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user, login_required

from engine.doctypes import DOC_TYPES
from engine.errors import DomainError
from engine.incoming import idempotency, registration
from engine.incoming.uploads import Upload
from engine.models import Role
from engine.models.documents import Urgency
from engine.processing import tasks
from web.i18n import error_text

bp = Blueprint("incoming", __name__)


@bp.route("/documents/incoming/new", methods=["GET", "POST"])
@login_required
def new_incoming():
    if not current_user.has_role(Role.CLERK):
        abort(403)
    form = request.form.to_dict() if request.method == "POST" else {"urgency": "normal", "source": "electronic"}
    # One id per form shown: a double click or a resent form makes one document, not two.
    form.setdefault("request_id", uuid.uuid4().hex)
    errors = {}
    if request.method == "POST":
        meta = {k: v for k, v in form.items() if k not in ("csrf_token", "request_id")}
        meta["paper_copy"] = "paper_copy" in form
        files = [Upload(f.filename or "", f.read(), f.mimetype) for f in request.files.getlist("files") if f.filename]
        try:
            doc, _replayed = idempotency.run(
                current_user, form["request_id"], "incoming", meta, files,
                lambda ticket: registration.receive(current_user, meta, files, ticket=ticket))
        except DomainError as error:
            flash(error_text(error), "error")
            errors = error.details
        else:
            flash(gettext("Đã ghi nhận văn bản đến. Hãy kiểm tra và tiếp nhận."), "success")
            verify = next((t for t in tasks.open_tasks(doc) if t.name == "verify"), None)
            return redirect(url_for("processing.task_form", task_id=verify.id) if verify
                            else url_for("documents.document", document_id=doc.id))
    return render_template("incoming/new.html", form=form, errors=errors, doc_types=DOC_TYPES,
                           urgencies=Urgency.LABELS), (422 if errors else 200)
