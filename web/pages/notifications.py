"""A person's notifications and how they want to receive them."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user, login_required

from engine import clock
from engine.db import db
from engine.errors import DomainError
from engine.notifications import preferences
from engine.notifications.notify import recent
from web.i18n import error_text

bp = Blueprint("notifications", __name__)


@bp.route("/notifications")
@login_required
def notifications():
    """The latest notices, unread first marked; opening the page marks them read."""
    items = recent(current_user, limit=100)
    unread = {n.id for n in items if n.read_at is None}
    now = clock.now()
    for item in items:
        if item.read_at is None:
            item.read_at = now
    db.session.commit()
    return render_template("notifications/list.html", items=items, unread=unread,
                           kind_label=lambda kind: gettext(preferences.label(kind)))


@bp.route("/notifications/preferences", methods=["GET", "POST"])
@login_required
def preferences_page():
    if request.method == "POST":
        choices = {kind: request.form.get(kind, "") for kind in preferences.OPTIONAL}
        try:
            preferences.save(current_user, choices)
        except DomainError as error:
            flash(error_text(error), "error")
        else:
            flash(gettext("Đã lưu cách nhận thông báo."), "success")
            return redirect(url_for("notifications.preferences_page"))
    return render_template("notifications/preferences.html", chosen=preferences.channels_of(current_user),
                           kinds=preferences.OPTIONAL, channels=preferences.CHANNEL_LABELS,
                           mandatory=preferences.MANDATORY)
