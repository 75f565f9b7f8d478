"""Sign-in throttling per account and client, the same answer for unknown accounts, administrator
unlock, and sessions that end within a day however active."""
from __future__ import annotations

import threading
from datetime import timedelta

from engine import clock
from engine.db import db
from engine.models import Throttle
from tests.conftest import DEMO_PASSWORD


def _sign_in(client, username, password, ip):
    return client.post("/api/v1/session", json={"username": username, "password": password},
                       environ_base={"REMOTE_ADDR": ip})


def test_a_stranger_guessing_blocks_only_himself(client):
    for _ in range(4):
        assert _sign_in(client, "giamdoc", "doan-mo", "10.0.0.66").status_code == 401
    blocked = _sign_in(client, "giamdoc", "doan-mo", "10.0.0.66")
    assert blocked.status_code == 429 and blocked.json["error"] == "throttled"
    assert _sign_in(client, "giamdoc", DEMO_PASSWORD, "10.0.0.66").status_code == 429
    assert _sign_in(client, "giamdoc", DEMO_PASSWORD, "10.0.0.7").status_code == 200  # the director's own desk


def test_unknown_accounts_are_answered_like_known_ones(client):
    known = [_sign_in(client, "giamdoc", "sai", "10.0.0.8") for _ in range(5)]
    unknown = [_sign_in(client, "khong-co-ai", "sai", "10.0.0.8") for _ in range(5)]
    assert [r.status_code for r in known] == [r.status_code for r in unknown] == [401] * 4 + [429]
    assert known[0].json == unknown[0].json


def test_parallel_guesses_are_all_counted(app):
    barrier = threading.Barrier(8)
    answers = []

    def guess():
        client = app.test_client()
        barrier.wait()
        answers.append(_sign_in(client, "vanthu", "sai", "10.0.0.9").status_code)

    threads = [threading.Thread(target=guess) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert 429 in answers
    assert _sign_in(app.test_client(), "vanthu", DEMO_PASSWORD, "10.0.0.9").status_code == 429
    db.session.expire_all()
    row = db.session.get(Throttle, "login:vanthu:10.0.0.9")
    assert row.failures == 8 - 5  # all eight counted: five made the block, three more came in parallel


def test_the_administrator_lifts_a_block(client, api):
    for _ in range(5):
        _sign_in(client, "vanthu", "sai", "10.0.0.10")
    blocks = api.get("quantri", "/users/vanthu/sign-in-blocks").json["items"]
    assert [b["client"] for b in blocks] == ["10.0.0.10"]
    assert api.get("vanthu", "/users/vanthu/sign-in-blocks").status_code == 403
    lifted = api.client.delete("/api/v1/users/vanthu/sign-in-blocks", headers=api.headers("quantri"))
    assert lifted.status_code == 200 and lifted.json["unlocked"] == 1
    assert _sign_in(client, "vanthu", DEMO_PASSWORD, "10.0.0.10").status_code == 200
    events = api.get("quantri", "/audit").json["items"]
    assert any(e["action"] == "sign_in_unlocked" and e["target"] == "user:vanthu" for e in events)


def test_a_session_ends_within_a_day_however_active(client):
    token = _sign_in(client, "cv.ldvl", DEMO_PASSWORD, "10.0.0.11").json["token"]
    headers = {"Authorization": f"Bearer {token}"}
    for _ in range(28):  # in use every 25 minutes: never idle, 11 h 40 in all
        clock.set_time(clock.now() + timedelta(minutes=25))
        assert client.get("/api/v1/me", headers=headers).status_code == 200
    clock.set_time(clock.now() + timedelta(minutes=25))
    assert client.get("/api/v1/me", headers=headers).status_code == 401


def test_signing_out_ends_the_token(client):
    token = _sign_in(client, "cv.ldvl", DEMO_PASSWORD, "10.0.0.12").json["token"]
    headers = {"Authorization": f"Bearer {token}"}
    assert client.delete("/api/v1/session", headers=headers).status_code == 204
    assert client.get("/api/v1/me", headers=headers).status_code == 401
