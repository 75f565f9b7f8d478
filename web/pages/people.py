"""People administration: the users and the handover of a leaving user's work."""
from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user, login_required

from engine.db import db
from engine.models import Role, User
from engine.processing import handover
from web.pages.common import act

bp = Blueprint("people", __name__)


@bp.route("/admin/users", methods=["GET", "POST"])
@login_required
def admin_users():
    if not current_user.has_role(Role.ADMIN):
        abort(403)
    if request.method == "POST":
        act(lambda: handover.handover(current_user, request.form.get("username", ""),
                                      request.form.get("successor", "")),
            lambda moved: gettext("Đã bàn giao: %(tasks)s công việc, %(lines)s dòng xử lý, %(drafts)s dự thảo.",
                                  **moved))
        return redirect(url_for("people.admin_users"))
    users = db.session.query(User).order_by(User.active.desc(), User.unit_code, User.username).all()
    return render_template("people/users.html", users=users)
