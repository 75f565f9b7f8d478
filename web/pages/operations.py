"""Running the system: declared outages (administrators)."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user, login_required

from engine.errors import DomainError
from engine.models import Role
from engine.operations import outages
from web.i18n import error_text

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
