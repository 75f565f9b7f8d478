"""Malformed input answers 4xx with the error JSON, never 500, and is never stored half-read."""
from __future__ import annotations

import json

import pytest

from tests.conftest import incoming_meta

HUGE = 2**64  # above 2^63 − 1, the largest integer SQLite and PostgreSQL store
NESTED = "[" * 50_000 + "]" * 50_000


def _json_routes(app):
    """Every API route that reads a JSON body, with its path parameters filled in."""
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/"):
            continue
        for method in sorted(rule.methods & {"POST", "PATCH", "PUT"}):
            path = rule.rule
            for name in rule.arguments:
                path = path.replace(f"<int:{name}>", "1").replace(f"<{name}>", "x")
            yield method, path


def test_deeply_nested_json_is_refused_everywhere_even_before_sign_in(app, client, api):
    routes = list(_json_routes(app))
    assert ("POST", "/api/v1/session") in routes and len(routes) > 8
    for headers in ({}, api.headers("vanthu")):
        for method, path in routes:
            response = client.open(path, method=method, data=NESTED, content_type="application/json",
                                   headers=headers)
            assert response.status_code < 500, (method, path, response.status_code)
            assert "error" in response.json


def test_a_lone_surrogate_is_refused_and_nothing_is_stored(client, api):
    before = api.get("vanthu", "/documents").json["total"]
    body = '{"username": "vanthu\\ud800", "password": "x"}'
    response = client.post("/api/v1/session", data=body, content_type="application/json")
    assert response.status_code in (400, 422) and response.json["error"] == "bad_request"
    meta = json.dumps(incoming_meta(subject="V/v \ud800 lỗi"), ensure_ascii=True)  # "\ud800" escaped in JSON
    assert "\\ud800" in meta
    received = client.post("/api/v1/documents/incoming", headers=api.headers("vanthu"),
                           data={"metadata": meta}, content_type="multipart/form-data")
    assert received.status_code == 422
    assert api.get("vanthu", "/documents").json["total"] == before


@pytest.mark.parametrize("path", [
    f"/documents/{HUGE}", f"/documents/1/attachments/{HUGE}", f"/documents/{HUGE}/attachments/0",
    f"/documents?page={HUGE}", f"/tasks?page={HUGE}", f"/tasks?per_page={HUGE}",
    f"/registers/outgoing?year={HUGE}", f"/calendar?year={HUGE}", f"/outbox?page={HUGE}",
    f"/documents/{HUGE}/preview", "/documents?page=-3", "/registers/outgoing?year=abc",
])
def test_integers_out_of_range_answer_4xx(api, path):
    user = "quantri" if path.startswith("/outbox") else "vanthu"
    response = api.get(user, path)
    assert 400 <= response.status_code < 500 and "error" in response.json, (path, response.status_code)


def test_out_of_range_ids_in_bodies_and_urls_are_refused(client, api):
    doc = api.receive().json
    task = api.task("vanthu", doc["id"], "verify")
    duplicate = api.complete("vanthu", task["id"], {"decision": "duplicate", "duplicate_of": HUGE})
    assert duplicate.status_code == 422 and "duplicate_of" in duplicate.json["details"]
    for method, path in (("DELETE", f"/api/v1/delegations/{HUGE}"), ("POST", f"/api/v1/documents/{HUGE}/urge"),
                         ("PATCH", f"/api/v1/documents/{HUGE}/draft")):
        response = client.open(path, method=method, json={}, headers=api.headers("giamdoc"))
        assert response.status_code == 404, path
    draft = api.post("cv.ldvl", "/documents/outgoing", None, data={"metadata": json.dumps(
        {"doc_type": "CV", "subject": "V/v thử", "in_reply_to": HUGE})}, content_type="multipart/form-data")
    assert draft.status_code == 422 and "in_reply_to" in draft.json["details"]


@pytest.mark.parametrize("issued_on", ["20140228", "2014-W09-5", 20140228, "2014-02-28T00:00", "2014-2-28"])
def test_dates_must_be_yyyy_mm_dd(api, issued_on):
    response = api.receive(meta=incoming_meta(issued_on=issued_on))
    assert response.status_code == 422 and "issued_on" in response.json["details"]


@pytest.mark.parametrize("number", [True, ["12"], {"n": 12}])
def test_text_fields_refuse_booleans_and_structures(api, number):
    response = api.receive(meta=incoming_meta(number=number))
    assert response.status_code == 422 and "number" in response.json["details"]


def test_a_numeric_number_is_kept_as_text(api):
    response = api.receive(meta=incoming_meta(number=345))
    assert response.status_code == 201 and response.json["number"] == "345"
