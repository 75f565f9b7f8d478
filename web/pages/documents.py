"""Documents: the list, one document's page, its attachments."""
from __future__ import annotations

from flask import Blueprint, current_app, redirect, render_template, request
from flask_login import current_user, login_required

from engine import documents
from engine.doctypes import DOC_TYPES
from engine.models.documents import Status
from engine.processing import lines, overview, tasks
from engine.records import saved_searches, search
from web.auth import landing_url
from web.downloads import attachment_response
from web.pages.common import actionable, units

bp = Blueprint("documents", __name__)


@bp.route("/")
@login_required
def home():
    return redirect(landing_url())


@bp.route("/favicon.ico")
def favicon():
    """The icon, also where clients look for it without reading a page (no 404 in their console)."""
    return current_app.send_static_file("favicon.svg")


@bp.route("/documents")
@login_required
def document_list():
    flt = search.parse_filter(request.args.to_dict(), strict=False)  # a page just ignores a bad value
    results = search.find(current_user, flt)
    pages = max((results.total + flt.per_page - 1) // flt.per_page, 1)
    return render_template("documents/list.html", results=results, flt=flt, params=flt.params(), pages=pages,
                           statuses=Status.INCOMING + Status.OUTGOING, doc_types=DOC_TYPES, units=units(),
                           saved=saved_searches.listing(current_user))


@bp.route("/documents/<int:document_id>")
@login_required
def document(document_id: int):
    doc = documents.get_visible(current_user, document_id)
    return render_template("documents/detail.html", doc=doc, open_tasks=tasks.open_tasks(doc),
                           can_act=actionable(doc), lines=lines.lines_of(doc),
                           duplicate_of=documents.visible_or_none(current_user, doc.duplicate_of_id),
                           in_reply_to=documents.visible_or_none(current_user, doc.in_reply_to_id),
                           replies=documents.replies(current_user, doc),
                           can_urge=overview.can_urge(current_user, doc))


@bp.route("/documents/<int:document_id>/attachments/<int:index>")
@login_required
def attachment(document_id: int, index: int):
    return attachment_response(documents.get_visible(current_user, document_id), index)
