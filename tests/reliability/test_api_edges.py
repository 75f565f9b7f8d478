"""Requests schemathesis found answered with a server error, each kept here as a plain regression test."""
from __future__ import annotations

from datetime import timedelta

import pytest

from engine import clock


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


def test_an_outage_before_last_year_is_refused(api):
    # Found by schemathesis: year 277 was stored, and Vietnam's local mean time of then (+07:06:30) made the
    # answer's starts_at something no client parses as RFC 3339.
    response = api.post("quantri", "/outages", {"reason": "Mất điện", "starts_at": "0277-11-27T06:05:04+05:29",
                                                "ends_at": "0277-11-27T10:37:25+05:29"})
    assert response.status_code == 422 and "starts_at" in response.json["details"]
    last_year = clock.now().year - 1
    kept = api.post("quantri", "/outages", {"reason": "Mất điện", "starts_at": f"{last_year}-12-31T08:00:00+07:00",
                                            "ends_at": f"{last_year}-12-31T11:00:00+07:00"})
    assert kept.status_code == 201 and kept.json["starts_at"] == f"{last_year}-12-31T08:00:00+07:00"


def test_a_moment_is_written_as_forms_write_it_not_any_iso_8601_spelling(api):
    day = clock.today() - timedelta(days=2)
    for spelling in (day.strftime("%Y%m%dT0800"), day.strftime("%G-W%V-%uT08:00"), day.isoformat(), "8:00"):
        refused = api.post("quantri", "/outages", {"reason": "Mất điện", "starts_at": spelling,
                                                   "ends_at": f"{day.isoformat()}T11:00:00+07:00"})
        assert refused.status_code == 422 and "starts_at" in refused.json["details"], spelling
    kept = api.post("quantri", "/outages", {"reason": "Mất điện", "starts_at": f"{day.isoformat()}T08:00",
                                            "ends_at": f"{day.isoformat()}T03:00:00Z"})
    assert kept.status_code == 201 and kept.json["ends_at"] == f"{day.isoformat()}T10:00:00+07:00"
