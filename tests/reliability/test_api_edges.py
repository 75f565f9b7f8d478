"""Requests schemathesis found answered with a server error, each kept here as a plain regression test."""
from __future__ import annotations

import pytest


@pytest.mark.parametrize("starts_at", ["0001-01-01T00:00:00+00:01", "9999-12-31T23:59:59-00:01"])
def test_outage_at_the_edge_of_the_calendar_is_refused_not_a_crash(api, starts_at):
    response = api.post("quantri", "/outages", {"reason": "Mất điện", "starts_at": starts_at,
                                                "ends_at": "2026-01-01T08:00:00+07:00"})
    assert response.status_code == 422 and "starts_at" in response.json["details"]


def test_late_entry_at_the_edge_of_the_calendar_is_refused_not_a_crash(api):
    doc_id = api.receive().json["id"]
    task = api.task("vanthu", doc_id, "verify")
    response = api.complete("vanthu", task["id"], {"decision": "accept", "done_at": "0001-01-01T00:00:00+00:01"})
    assert response.status_code == 422 and "done_at" in response.json["details"]
