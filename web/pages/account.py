"""A person's own account: change the password (forced for a one-time password), the list of open
sessions, signing out one session or everywhere."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext
from flask_login import current_user, login_required

from engine.errors import DomainError
from engine.people import accounts, sessions
from web.auth import SESSION_KEY, sign_out_browser
from web.i18n import error_text
from web.pages.common import act

bp = Blueprint("account", __name__, url_prefix="/account")


def _current():
    return sessions.find(session.get(SESSION_KEY), "web")


@bp.route("/")
@login_required
def overview():
    current = _current()
    return render_template("account/overview.html", items=sessions.listing(current_user),
                           current_id=current.id if current else None)


@bp.route("/password", methods=["GET", "POST"])
@login_required
def change_password():
    errors = {}
    if request.method == "POST":
        form = request.form
        if form.get("new", "") != form.get("confirm", ""):
            errors = {"confirm": gettext("Hai lần nhập mật khẩu mới không khớp.")}
            flash(errors["confirm"], "error")
        else:
            try:
                accounts.change_password(current_user, form.get("current", ""), form.get("new", ""), keep=_current())
            except DomainError as error:
                flash(error_text(error), "error")
                errors = error.details
            else:
                flash(gettext("Đã đổi mật khẩu. Các phiên đăng nhập khác đã được đăng xuất."), "success")
                return redirect(url_for("processing.inbox"))
    return render_template("account/password.html", errors=errors,
                           forced=current_user.must_change_password), (422 if errors else 200)


@bp.route("/sessions/<int:session_id>/end", methods=["POST"])
@login_required
def end_session(session_id: int):
    act(lambda: sessions.end(current_user, session_id), gettext("Đã kết thúc phiên đăng nhập."))
    return redirect(url_for("account.overview"))


@bp.route("/sessions/end-all", methods=["POST"])
@login_required
def sign_out_everywhere():
    accounts.sign_out_everywhere(current_user)
    sign_out_browser()
    flash(gettext("Đã đăng xuất khỏi mọi nơi."), "info")
    return redirect(url_for("auth.login"))
