"""Signing in through the API: a bearer token for a username and password."""
from __future__ import annotations

from flask import g, jsonify

from engine.people import accounts
from web.api.base import api, json_body, token_required
from web.api.serializers import user_json


@api.post("/session")
def create_session():
    data = json_body()
    user = accounts.authenticate(str(data.get("username", "")), str(data.get("password", "")))
    return jsonify({"token": accounts.issue_token(user), "user": user_json(user)})


@api.get("/me")
@token_required
def me():
    return jsonify(user_json(g.user))
