"""API answers the review asked for: Allow on 405, 409 for a lost claim race, a complete OpenAPI document."""
from __future__ import annotations

from engine import clock
from engine.db import db
from engine.models import Role, User, UserRole
from engine.people.passwords import hash_password
from tests.conftest import DEMO_PASSWORD


def test_method_not_allowed_says_which_methods_are(client, api):
    response = client.delete("/api/v1/documents/incoming", headers=api.headers("vanthu"))
    assert response.status_code == 405 and response.json["error"] == "method_not_allowed"
    assert set(response.headers["Allow"].replace(" ", "").split(",")) >= {"POST"}
    page = client.put("/login")
    assert page.status_code == 405 and "GET" in page.headers["Allow"] and "POST" in page.headers["Allow"]


def test_losing_a_claim_race_is_a_conflict(client, api):
    second = User(username="vanthu2", full_name="Lê Thị Hạnh", unit_code="vp", active=True,
                  password_hash=hash_password(DEMO_PASSWORD), created_at=clock.now())
    second.role_rows.append(UserRole(role=Role.CLERK))
    db.session.add(second)
    db.session.commit()
    doc = api.receive().json
    task_id = api.task("vanthu", doc["id"], "verify")["id"]
    assert api.post("vanthu", f"/tasks/{task_id}/claim").status_code == 200
    assert api.post("vanthu", f"/tasks/{task_id}/claim").status_code == 200  # a retry by the winner
    lost = api.post("vanthu2", f"/tasks/{task_id}/claim")
    assert lost.status_code == 409 and lost.json["error"] == "task_closed"
    assert api.post("cv.ldvl", f"/tasks/{task_id}/claim").status_code == 403  # not a clerk at all


def test_openapi_lists_every_answer(client):
    spec = client.get("/api/v1/openapi.json").json
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            responses = operation["responses"]
            if path != "/session":
                assert "401" in responses, (method, path)
            if "{" in path:
                assert "404" in responses, (method, path)
            if operation.get("requestBody"):
                assert "422" in responses, (method, path)
    rights = spec["components"]["schemas"]["Delegation"]["properties"]["rights"]
    assert rights["minItems"] == 1
    year = next(p for p in spec["paths"]["/registers/outgoing"]["get"]["parameters"] if p["name"] == "year")
    assert year["schema"]["minimum"] == 2000 and year["schema"]["maximum"] == 2100
