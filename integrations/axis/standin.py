"""A stand-in for the interconnection axis, speaking the protocol of :mod:`integrations.axis.http`,
so that two Q-Office instances with different organisation codes exchange packages on one machine.

Run it with ``make axis`` or ``flask --app integrations.axis.standin run --port 5900``. Settings
(environment): ``AXIS_STANDIN_DIR`` (where messages are kept, default ``./instance/axis``) and
``AXIS_STANDIN_TOKENS`` (``<organisation code>=<token>`` pairs separated by commas: the token each
organisation sends as its bearer token). It never reads the packages: it moves bytes.
"""
from __future__ import annotations

import json
import os
import secrets
import threading
import uuid
from datetime import datetime, timezone
from pathlib import Path

from flask import Flask, abort, g, jsonify, request

_lock = threading.Lock()


def parse_tokens(value: str | None) -> dict[str, str]:
    """``"000.00.15.H47=abc,000.00.00.H47=def"`` → {token: organisation code}."""
    tokens = {}
    for pair in (value or "").split(","):
        code, _, token = pair.strip().partition("=")
        if code.strip() and token.strip():
            tokens[token.strip()] = code.strip().upper()
    return tokens


def create_app(config: dict | None = None) -> Flask:
    app = Flask(__name__)
    app.config.update(MAX_CONTENT_LENGTH=64 * 1024 * 1024,
                      AXIS_STANDIN_DIR=os.environ.get("AXIS_STANDIN_DIR") or "instance/axis",
                      AXIS_STANDIN_TOKENS=parse_tokens(os.environ.get("AXIS_STANDIN_TOKENS")))
    app.config.update(config or {})
    root = Path(app.config["AXIS_STANDIN_DIR"])
    (root / "messages").mkdir(parents=True, exist_ok=True)

    # (sender, idempotency key, receiver) → message id, and the ids waiting per receiver, kept in memory
    # and rebuilt from the folder at start.
    sent_keys: dict[tuple[str, str, str], str] = {}
    waiting_for: dict[str, dict[str, dict]] = {}

    def remember(meta: dict) -> None:
        sent_keys[(meta["from"], meta["key"], meta["to"])] = meta["id"]
        if meta["status"] != "DONE":
            waiting_for.setdefault(meta["to"], {})[meta["id"]] = meta
        else:
            waiting_for.get(meta["to"], {}).pop(meta["id"], None)

    for existing_meta in (root / "messages").glob("*.json"):
        remember(json.loads(existing_meta.read_text(encoding="utf-8")))

    def meta_path(message_id: str) -> Path:
        try:
            uuid.UUID(message_id)
        except ValueError:
            abort(404)
        return root / "messages" / f"{message_id}.json"

    def load(path: Path) -> dict:
        return json.loads(path.read_text(encoding="utf-8"))

    def error(status: int, code: str, message: str):
        response = jsonify({"error": code, "message": message})
        response.status_code = status
        return response

    @app.before_request
    def authenticate():
        if request.path == "/health":
            return None
        header = request.headers.get("Authorization", "")
        token = header[7:].strip() if header.lower().startswith("bearer ") else ""
        for known, code in app.config["AXIS_STANDIN_TOKENS"].items():
            if token and secrets.compare_digest(token, known):
                g.organ = code
                return None
        return error(401, "unauthenticated", "Sai hoặc thiếu mã truy cập của đơn vị.")

    @app.get("/health")
    def health():
        return jsonify({"ok": True})

    @app.post("/packages")
    def send():
        receivers = [r.strip().upper() for r in request.headers.get("X-Axis-To", "").split(",") if r.strip()]
        kind = request.headers.get("X-Axis-Type", "edoc")
        body = request.get_data()
        if not receivers or kind not in ("edoc", "status") or not body:
            return error(400, "bad_request", "Cần X-Axis-To, X-Axis-Type (edoc|status) và nội dung gói tin.")
        key = request.headers.get("Idempotency-Key", "") or uuid.uuid4().hex
        ids = []
        with _lock:
            for receiver in receivers:
                known = sent_keys.get((g.organ, key, receiver))
                if known:  # the sender retried after a lost answer
                    ids.append(known)
                    continue
                message_id = str(uuid.uuid4())
                (root / "messages" / f"{message_id}.edxml").write_bytes(body)
                meta = {"id": message_id, "from": g.organ, "to": receiver, "type": kind, "key": key,
                        "created": datetime.now(timezone.utc).isoformat(), "status": "INITIAL"}
                meta_path(message_id).write_text(json.dumps(meta), encoding="utf-8")
                remember(meta)
                ids.append(message_id)
        return jsonify({"id": ids[0], "ids": ids}), 201

    @app.get("/packages")
    def waiting():
        with _lock:
            items = sorted(waiting_for.get(g.organ, {}).values(), key=lambda m: m["created"])
        return jsonify({"items": [{k: m[k] for k in ("id", "from", "to", "type", "created", "status")}
                                  for m in items]})

    def own(message_id: str) -> dict:
        path = meta_path(message_id)
        if not path.exists():
            abort(404)
        meta = load(path)
        if meta["to"] != g.organ:
            abort(404)
        return meta

    @app.get("/packages/<message_id>")
    def fetch(message_id: str):
        meta = own(message_id)
        data = (root / "messages" / f"{meta['id']}.edxml").read_bytes()
        return app.response_class(data, mimetype="application/xml")

    @app.put("/packages/<message_id>/status")
    def acknowledge(message_id: str):
        payload = request.get_json(silent=True) or {}
        status = payload.get("status")
        if status not in ("INITIAL", "PROCESSING", "DONE", "FAIL"):
            return error(400, "bad_request", "status: INITIAL | PROCESSING | DONE | FAIL")
        with _lock:
            meta = own(message_id)
            meta["status"] = status
            meta_path(message_id).write_text(json.dumps(meta), encoding="utf-8")
            remember(meta)
        return "", 204

    @app.errorhandler(404)
    def not_found(_error):
        return error(404, "not_found", "Không có gói tin này.")

    @app.errorhandler(413)
    def too_large(_error):
        return error(413, "too_large", "Gói tin quá lớn.")

    return app
