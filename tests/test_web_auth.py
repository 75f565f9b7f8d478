"""Accounts in the web UI: argon2, lockout, CSRF, 30-minute idle timeout, language switch."""
from __future__ import annotations

from datetime import timedelta

import pytest

from engine import clock
from engine.db import db
from engine.models import User
from tests.conftest import DEMO_PASSWORD, login


def test_passwords_are_argon2_hashes(app):
    user = db.session.query(User).filter_by(username="vanthu").one()
    assert user.password_hash.startswith("$argon2id$") and DEMO_PASSWORD not in user.password_hash


def test_login_logout_and_bad_credentials(client):
    page = client.get("/login")
    assert "Đăng nhập" in page.get_data(as_text=True)
    bad = login(client, password="sai-mat-khau")
    assert bad.status_code == 401 and "Tên đăng nhập hoặc mật khẩu không đúng." in bad.get_data(as_text=True)
    ok = login(client)
    assert ok.status_code == 302 and ok.headers["Location"].endswith("/inbox")
    assert "Trần Thị Thu" in client.get("/inbox").get_data(as_text=True)
    client.post("/logout")
    assert client.get("/inbox").status_code == 302


def test_five_failures_lock_the_account_for_fifteen_minutes(client, api):
    for _ in range(5):
        login(client, password="sai")
    locked = login(client)
    assert locked.status_code == 429 and "tạm khóa" in locked.get_data(as_text=True)
    api_locked = client.post("/api/v1/session", json={"username": "vanthu", "password": DEMO_PASSWORD})
    assert api_locked.status_code == 429 and api_locked.json["error"] == "throttled"
    clock.set_time(clock.now() + timedelta(minutes=16))
    assert login(client).status_code == 302


def test_sessions_end_after_thirty_idle_minutes(client):
    login(client)
    clock.set_time(clock.now() + timedelta(minutes=29))
    assert client.get("/inbox").status_code == 200
    clock.set_time(clock.now() + timedelta(minutes=31))
    expired = client.get("/inbox")
    assert expired.status_code == 302 and "/login" in expired.headers["Location"]
    assert "hết hạn" in client.get("/login").get_data(as_text=True)


@pytest.fixture
def csrf_client(app):
    app.config["WTF_CSRF_ENABLED"] = True
    return app.test_client()


def test_forms_without_a_csrf_token_change_nothing(csrf_client, api):
    doc = api.receive().json
    login_page = csrf_client.get("/login").get_data(as_text=True)
    assert 'name="csrf_token"' in login_page
    no_token = csrf_client.post("/login", data={"username": "vanthu", "password": DEMO_PASSWORD})
    assert no_token.status_code == 400 and "Location" not in no_token.headers
    assert csrf_client.get("/inbox").status_code == 302  # not logged in
    token = login_page.split('name="csrf_token" value="')[1].split('"')[0]
    assert csrf_client.post("/login", data={"username": "vanthu", "password": DEMO_PASSWORD,
                                            "csrf_token": token}).status_code == 302
    task_id = doc["open_tasks"][0]["id"]
    forged = csrf_client.post(f"/tasks/{task_id}", data={"decision": "accept"})
    assert forged.status_code == 400
    assert api.get("vanthu", f"/documents/{doc['id']}").json["status"] == "arrived"


def test_bad_input_never_gives_a_stack_trace(client, api):
    login(client)
    for path in ("/documents/abc", "/tasks/not-a-task", "/documents/999999/attachments/0"):
        response = client.get(path)
        assert response.status_code == 404
        assert "Traceback" not in response.get_data(as_text=True)
    assert client.get("/inbox?received_from=2026-99-99").status_code == 200
    api_bad = client.post("/api/v1/tasks/x/complete", headers=api.headers("vanthu"), data="not json",
                          content_type="application/json")
    assert api_bad.status_code in (404, 422) and "error" in api_bad.json


def test_english_is_available(client):
    login(client)
    client.post("/lang/en", data={"next": "/inbox"})
    page = client.get("/inbox").get_data(as_text=True)
    assert "Sign out" in page and "My tasks" in page
    client.post("/lang/vi", data={"next": "/inbox"})
    assert "Đăng xuất" in client.get("/inbox").get_data(as_text=True)


def test_every_page_names_its_icon_and_the_root_icon_exists(client):
    # Without it each first visit asked for /favicon.ico and logged a 404 in the browser's console.
    page = client.get("/login").get_data(as_text=True)
    assert 'rel="icon"' in page and "favicon.svg" in page
    for path in ("/favicon.ico", "/static/favicon.svg"):
        icon = client.get(path)
        assert icon.status_code == 200 and icon.mimetype == "image/svg+xml" and b"<svg" in icon.data
