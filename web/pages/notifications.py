"""A person's unread notifications."""
from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user, login_required

from engine import clock
from engine.db import db
from engine.notifications.notify import unread

bp = Blueprint("notifications", __name__)


@bp.route("/notifications")
@login_required
def notifications():
    """Unread notices (urging, escalations, urgent arrivals); opening the page marks them read."""
    items = unread(current_user, limit=100)
    for item in items:
        item.read_at = clock.now()
    db.session.commit()
    return render_template("notifications/list.html", items=items)
