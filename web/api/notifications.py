"""A person's notifications and notification preferences through the API."""
from __future__ import annotations

from flask import g, jsonify

from engine.notifications import preferences
from engine.notifications.notify import unread
from web.api.base import api, json_body, token_required
from web.api.serializers import notification_json


def preferences_json(user) -> dict:
    chosen = preferences.channels_of(user)
    return {"items": [{"kind": kind, "label": label, "channel": chosen[kind], "default": default}
                      for kind, (label, default) in preferences.OPTIONAL.items()],
            "channels": list(preferences.CHANNELS), "always_email": list(preferences.MANDATORY)}


@api.get("/notifications")
@token_required
def list_notifications():
    return jsonify({"items": [notification_json(n) for n in unread(g.user)]})


@api.get("/notifications/preferences")
@token_required
def get_preferences():
    return jsonify(preferences_json(g.user))


@api.put("/notifications/preferences")
@token_required
def save_preferences():
    preferences.save(g.user, json_body())
    return jsonify(preferences_json(g.user))
