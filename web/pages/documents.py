"""Documents: the list, one document's page, its attachments."""
from __future__ import annotations

from flask import Blueprint, redirect, render_template, request
from flask_login import current_user, login_required

from engine import documents
from engine.db import db
from engine.models import Document
from engine.models.documents import Status
from engine.processing import lines, overview, tasks
from web.auth import landing_url
from web.downloads import attachment_response
from web.pages.common import actionable, document_or_none

bp = Blueprint("documents", __name__)


@bp.route("/")
@login_required
def home():
    return redirect(landing_url())


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


@bp.route("/documents/<int:document_id>")
@login_required
def document(document_id: int):
    doc = documents.get_visible(current_user, document_id)
    return render_template("documents/detail.html", doc=doc, open_tasks=tasks.open_tasks(doc),
                           can_act=actionable(doc), duplicate_of=document_or_none(doc.duplicate_of_id),
                           lines=lines.lines_of(doc), replies=_replies(doc),
                           in_reply_to=document_or_none(doc.in_reply_to_id),
                           can_urge=overview.can_urge(current_user, doc))


def _replies(doc):
    return db.session.query(Document).filter_by(in_reply_to_id=doc.id).all()


@bp.route("/documents/<int:document_id>/attachments/<int:index>")
@login_required
def attachment(document_id: int, index: int):
    return attachment_response(documents.get_visible(current_user, document_id), index)
