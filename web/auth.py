"""Signing in and out of the web UI, the server-side session behind the cookie (idle timeout,
sign out everywhere), the forced change of a one-time password, language switch."""
from __future__ import annotations

from urllib.parse import urlsplit

import flask_babel
from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext, lazy_gettext
from flask_login import current_user, login_required, login_user, logout_user

from engine.db import db
from engine.errors import DomainError
from engine.models import Role, User
from engine.people import accounts, sessions
from web.extensions import login_manager
from web.i18n import LANGUAGES, error_text

bp = Blueprint("auth", __name__)

login_manager.login_view = "auth.login"
login_manager.login_message = lazy_gettext("Vui lòng đăng nhập để tiếp tục.")
login_manager.login_message_category = "info"

SESSION_KEY = "sid"  # the secret of the server-side session (engine.people.sessions)
# Pages a person with a one-time password may still open.
OPEN_WITH_ONE_TIME_PASSWORD = {"account.change_password", "auth.logout", "auth.set_language", "static"}


@login_manager.user_loader
def load_user(user_id: str):
    user = db.session.get(User, int(user_id))
    return user if user is not None and user.active else None


def client() -> sessions.Client:
    return sessions.Client(ip=request.remote_addr, user_agent=request.headers.get("User-Agent"))


def sign_out_browser() -> None:
    """Forget the signed-in user in this browser, keeping only the chosen language."""
    lang = session.get("lang")
    logout_user()
    session.clear()
    if lang:
        session["lang"] = lang


def _end_browser_session(message: str):
    sign_out_browser()
    flash(message, "info")
    return redirect(url_for("auth.login", next=request.path if request.endpoint != "auth.login" else None))


def init_sessions(app) -> None:
    """Check every page request against its server-side session: idle 30 minutes, ended elsewhere
    (sign out everywhere, password change, reset, handover) or a one-time password to replace."""

    @app.before_request
    def _check_session():
        if request.path.startswith(("/api/", "/static/")) or "_user_id" not in session:
            return None
        row = sessions.find(session.get(SESSION_KEY), "web")
        if row is None or not row.user.active:
            return _end_browser_session(gettext("Phiên làm việc đã kết thúc. Vui lòng đăng nhập lại."))
        if not sessions.keep_alive(row):
            return _end_browser_session(
                gettext("Phiên làm việc đã hết hạn sau 30 phút không thao tác. Vui lòng đăng nhập lại."))
        if row.user.must_change_password and request.endpoint not in OPEN_WITH_ONE_TIME_PASSWORD:
            return redirect(url_for("account.change_password"))
        return None


def landing_url() -> str:
    """Where a signed-in person starts: the inbox; a process owner, who has no inbox, the processes."""
    if current_user.is_authenticated and current_user.has_role(Role.PROCESS_OWNER) \
            and not current_user.has_role(*Role.LANES.values()):
        return url_for("processes.process_list")
    return url_for("processing.inbox")


def _safe_next(target: str | None) -> str:
    """``target`` if it is a path on this site, else the inbox.

    Browsers drop tabs and newlines inside URLs and read a backslash as a slash, so "/<TAB>/evil" or
    "/<backslash>evil" would lead to //evil, another site: such characters refuse the target.
    """
    unsafe = not target or "\\" in target or any(ord(ch) < 0x21 or ord(ch) == 0x7F for ch in target)
    parts = urlsplit("" if unsafe else target)
    if (unsafe or parts.scheme or parts.netloc or not parts.path.startswith("/") or parts.path.startswith("//")
            or parts.path in (url_for("auth.login"), url_for("auth.logout"))):  # never back to signing in
        return landing_url()
    return target


@bp.route("/login", methods=["GET", "POST"])
def login():
    if request.method == "POST":
        try:
            user, secret = accounts.sign_in(request.form.get("username", ""), request.form.get("password", ""),
                                            "web", client())
        except DomainError as error:
            flash(error_text(error), "error")
            return render_template("login.html", username=request.form.get("username", "")), error.status
        lang = session.get("lang")
        session.clear()  # no session fixation
        if lang:
            session["lang"] = lang
        login_user(user)
        session[SESSION_KEY] = secret
        session.permanent = True
        if user.must_change_password:
            flash(gettext("Đây là mật khẩu dùng một lần: hãy đặt mật khẩu của riêng bạn để bắt đầu làm việc."),
                  "info")
            return redirect(url_for("account.change_password"))
        return redirect(_safe_next(request.args.get("next")))
    if current_user.is_authenticated:  # already signed in, e.g. the sign-in page open in a second tab
        return redirect(_safe_next(request.args.get("next")))
    return render_template("login.html", username="")


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    sessions.end_current(sessions.find(session.get(SESSION_KEY), "web"))
    sign_out_browser()
    flash(gettext("Đã đăng xuất."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/lang/<code>", methods=["POST"])
def set_language(code: str):
    if code in LANGUAGES:
        session["lang"] = code
        flask_babel.refresh()  # the locale is cached per app context
    return redirect(_safe_next(request.form.get("next")))
