"""A person's unread notifications through the API."""
from __future__ import annotations

from flask import g, jsonify

from engine.notifications.notify import unread
from web.api.base import api, token_required
from web.api.serializers import notification_json


@api.get("/notifications")
@token_required
def list_notifications():
    return jsonify({"items": [notification_json(n) for n in unread(g.user)]})
