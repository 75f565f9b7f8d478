"""The review's web findings: redirects stay on this site, CSRF failures go nowhere, security headers."""
from __future__ import annotations

import pytest

from tests.conftest import DEMO_PASSWORD, login


@pytest.mark.parametrize("target", [
    "/\t/evil.example", "//evil.example", "/\\evil.example", "https://evil.example/", "/\n/evil.example",
    "/inbox\r\nSet-Cookie: x=1", "javascript:alert(1)", "evil.example", " //evil.example",
])
def test_sign_in_never_redirects_to_another_site(client, target):
    response = login(client, next_url=target)
    assert response.status_code == 302
    location = response.headers["Location"]
    assert location.endswith("/inbox") and "evil" not in location and "\n" not in location


def test_sign_in_returns_to_the_page_asked_for(client):
    response = login(client, next_url="/documents?direction=incoming&page=2")
    assert response.status_code == 302 and response.headers["Location"].endswith("/documents?direction=incoming&page=2")


def test_language_switch_never_redirects_to_another_site(client):
    response = client.post("/lang/en", data={"next": "/\t/evil.example"})
    assert response.status_code == 302 and "evil" not in response.headers["Location"]


def test_a_form_without_csrf_token_is_refused_without_following_the_referer(app):
    app.config["WTF_CSRF_ENABLED"] = True
    client = app.test_client()
    response = client.post("/login", data={"username": "vanthu", "password": DEMO_PASSWORD},
                           headers={"Referer": "https://evil.example/phish"})
    assert response.status_code == 400
    assert "Location" not in response.headers
    assert "Phiên biểu mẫu đã hết hạn" in response.get_data(as_text=True)


def test_security_headers_on_pages_and_api(client):
    for response in (client.get("/login"), client.get("/api/v1/openapi.json")):
        csp = response.headers["Content-Security-Policy"]
        script = next(part for part in csp.split(";") if part.strip().startswith("script-src"))
        assert script.split() == ["script-src", "'self'"]  # no inline script, no eval
        assert "frame-ancestors 'self'" in csp and "object-src 'none'" in csp
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Referrer-Policy"] == "same-origin"
        assert "Strict-Transport-Security" not in response.headers  # plain HTTP: HSTS would be ignored


def test_over_tls_hsts_and_a_secure_session_cookie(client):
    page = client.get("/login", base_url="https://qoffice.example")
    assert page.headers["Strict-Transport-Security"].startswith("max-age=")
    signed_in = client.post("/login", base_url="https://qoffice.example",
                            data={"username": "vanthu", "password": DEMO_PASSWORD})
    cookie = signed_in.headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_over_plain_http_the_session_cookie_is_httponly_and_samesite(client):
    cookie = login(client).headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie
