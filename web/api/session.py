"""Signing in and out through the API, one's own password and sessions (API.md "Session", "People")."""
from __future__ import annotations

from flask import g, jsonify, request

from engine.people import accounts, sessions
from web.api.base import api, json_body, token_required
from web.api.serializers import iso, user_json


def session_json(row, current=None) -> dict:
    return {"id": row.id, "kind": row.kind, "created_at": iso(row.created_at), "last_used_at": iso(row.last_used_at),
            "client_ip": row.client_ip, "user_agent": row.user_agent,
            "current": current is not None and row.id == current.id}


def _client() -> sessions.Client:
    return sessions.Client(ip=request.remote_addr, user_agent=request.headers.get("User-Agent"))


@api.post("/session")
def create_session():
    data = request.get_json(silent=True) or {}
    user, token = accounts.sign_in(str(data.get("username", "")), str(data.get("password", "")), "api", _client())
    return jsonify({"token": token, "user": user_json(user), "must_change_password": user.must_change_password})


@api.delete("/session")
@token_required(with_one_time_password=True)
def end_session():
    sessions.end_current(g.session)
    return "", 204


@api.post("/session/password")
@token_required(with_one_time_password=True)
def change_password():
    data = json_body()
    accounts.change_password(g.user, data.get("current"), data.get("new"), keep=g.session)
    return "", 204


@api.get("/sessions")
@token_required
def list_sessions():
    return jsonify({"items": [session_json(s, current=g.session) for s in sessions.listing(g.user)]})


@api.delete("/sessions")
@token_required
def sign_out_everywhere():
    accounts.sign_out_everywhere(g.user)
    return "", 204


@api.delete("/sessions/<int:session_id>")
@token_required
def end_one_session(session_id: int):
    sessions.end(g.user, session_id)
    return "", 204


@api.get("/me")
@token_required
def me():
    return jsonify(user_json(g.user))
