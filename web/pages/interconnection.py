"""Pages of the interconnection with other agencies: the clerks' axis queue, the agency directory,
recalling an issued document, and what the document page and the leaders' overview show of it."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user, login_required

from engine import documents, settings
from engine.errors import DomainError
from engine.interconnection import agencies, delivery, recall, statuses, tracking
from engine.models.interconnection import DeliveryState
from engine.processing import delegations
from web.downloads import edxml_response
from web.i18n import error_text
from web.pages.common import act

bp = Blueprint("interconnection", __name__)


@bp.app_context_processor
def interconnection_helpers():
    return {"deliveries_of": tracking.deliveries_of,
            "can_recall": lambda doc: current_user.is_authenticated and recall.can_recall(current_user, doc),
            "edxml_status_label": lambda code: gettext(statuses.LABELS.get(code, code)),
            "delivery_state_label": lambda state: gettext(DeliveryState.LABELS.get(state, state)),
            "late_deliveries": lambda: tracking.late_deliveries(current_user)
            if delegations.has_right(current_user, "supervise") else []}


@bp.route("/interconnection")
@login_required
def queue():
    return render_template("interconnection/queue.html", queue=tracking.axis_queue(current_user),
                           configured=delivery.configured_axis() is not None,
                           max_attempts=int(settings.get("AXIS_MAX_ATTEMPTS")))


@bp.route("/interconnection/outbox/<int:message_id>/retry", methods=["POST"])
@login_required
def retry(message_id: int):
    act(lambda: delivery.retry(current_user, message_id), gettext("Đã đưa gói tin lên đầu hàng đợi gửi."))
    return redirect(url_for("interconnection.queue"))  # never the Referer: it may name another site


@bp.route("/documents/<int:document_id>/edxml")
@login_required
def document_package(document_id: int):
    return edxml_response(documents.get_visible(current_user, document_id), request.args.get("to", ""))


@bp.route("/documents/<int:document_id>/recall", methods=["POST"])
@login_required
def recall_document(document_id: int):
    doc = documents.get_visible(current_user, document_id)
    act(lambda: recall.recall(current_user, doc, {"reason": request.form.get("reason", "")}),
        gettext("Đã thu hồi văn bản; yêu cầu thu hồi được gửi tới các nơi nhận."))
    return redirect(url_for("documents.document", document_id=doc.id))


@bp.route("/interconnection/agencies", methods=["GET", "POST"])
@login_required
def agency_directory():
    errors, result = {}, None
    if request.method == "POST":
        upload = request.files.get("file")
        try:
            result = agencies.import_csv(current_user, upload.read() if upload else b"",
                                         replace="replace" in request.form)
        except DomainError as error:
            errors = error.details
            flash(error_text(error), "error")
    q = request.args.get("q", "")
    return render_template("interconnection/agencies.html", items=agencies.search(q, limit=500), q=q,
                           errors=errors, result=result), (422 if errors else 200)
