"""Signing in and out of the web UI, idle timeout, language switch."""
from __future__ import annotations

from datetime import datetime

import flask_babel
from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext, lazy_gettext
from flask_login import current_user, login_required, login_user, logout_user

from engine import clock
from engine.db import db
from engine.errors import DomainError
from engine.models import User
from engine.people import accounts
from web.extensions import login_manager
from web.i18n import LANGUAGES, error_text
from web.pages.common import landing_url

bp = Blueprint("auth", __name__)

login_manager.login_view = "auth.login"
login_manager.login_message = lazy_gettext("Vui lòng đăng nhập để tiếp tục.")
login_manager.login_message_category = "info"


@login_manager.user_loader
def load_user(user_id: str):
    user = db.session.get(User, int(user_id))
    return user if user is not None and user.active else None


def init_idle_timeout(app) -> None:
    """End web sessions after 30 idle minutes, measured on the app clock."""

    @app.before_request
    def _idle_timeout():
        if request.path.startswith(("/api/", "/static/")):
            return None
        if not current_user.is_authenticated:
            return None
        now = clock.now()
        last = session.get("last_seen")
        if last and now - datetime.fromisoformat(last) > accounts.IDLE_TIMEOUT:
            logout_user()
            session.clear()
            flash(gettext("Phiên làm việc đã hết hạn sau 30 phút không thao tác. Vui lòng đăng nhập lại."), "info")
            return redirect(url_for("auth.login", next=request.path))
        session["last_seen"] = now.isoformat()
        session.permanent = True
        return None


def _safe_next(target: str | None) -> str:
    if target and target.startswith("/") and not target.startswith("//"):
        return target
    return landing_url()


@bp.route("/login", methods=["GET", "POST"])
def login():
    if request.method == "POST":
        try:
            user = accounts.authenticate(request.form.get("username", ""), request.form.get("password", ""))
        except DomainError as error:
            flash(error_text(error), "error")
            return render_template("login.html", username=request.form.get("username", "")), error.status
        lang = session.get("lang")
        session.clear()  # no session fixation
        if lang:
            session["lang"] = lang
        login_user(user)
        session["last_seen"] = clock.now().isoformat()
        session.permanent = True
        return redirect(_safe_next(request.args.get("next")))
    return render_template("login.html", username="")


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    logout_user()
    session.clear()
    flash(gettext("Đã đăng xuất."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/lang/<code>", methods=["POST"])
def set_language(code: str):
    if code in LANGUAGES:
        session["lang"] = code
        flask_babel.refresh()  # the locale is cached per app context
    return redirect(_safe_next(request.form.get("next")))
