"""Links between documents respect visibility: no number or subject of a document one may not open."""
from __future__ import annotations

import json

from tests.conftest import DEMO_PASSWORD
from tests.test_lifecycle_api import complete, registered, route


def _draft(api, username, **meta):
    body = {"doc_type": "CV", "subject": "V/v trả lời", **meta}
    return api.client.post("/api/v1/documents/outgoing", headers=api.headers(username),
                           data={"metadata": json.dumps(body)}, content_type="multipart/form-data")


def test_a_draft_may_only_answer_a_document_its_drafter_can_see(api):
    hidden = registered(api, subject="V/v hồ sơ người có công — chỉ phòng LĐVL xử lý")
    route(api, hidden, {"lead": ["unit:ldvl"]})
    refused = _draft(api, "cv.ncc", in_reply_to=hidden)
    assert refused.status_code == 422 and "in_reply_to" in refused.json["details"]
    complete(api, "tp.ldvl", hidden, "assign", {"assignees": ["user:cv.ldvl"]})
    allowed = _draft(api, "cv.ldvl", in_reply_to=hidden)
    assert allowed.status_code == 201 and allowed.json["in_reply_to"] == hidden


def test_the_document_page_hides_replies_its_reader_may_not_open(api, client):
    doc_id = registered(api, subject="V/v kế hoạch đào tạo nghề")
    route(api, doc_id, {"lead": ["unit:ldvl"], "inform": ["unit:ncc"]})
    complete(api, "tp.ldvl", doc_id, "assign", {"assignees": ["user:cv.ldvl"]})
    reply = _draft(api, "cv.ldvl", in_reply_to=doc_id, subject="V/v phương án bí mật chưa trình").json
    client.post("/login", data={"username": "tp.ncc", "password": DEMO_PASSWORD})
    page = client.get(f"/documents/{doc_id}")
    assert page.status_code == 200 and "V/v kế hoạch đào tạo nghề" in page.get_data(as_text=True)
    assert "phương án bí mật" not in page.get_data(as_text=True)
    assert client.get(f"/documents/{reply['id']}").status_code == 404
    client.post("/logout")
    client.post("/login", data={"username": "cv.ldvl", "password": DEMO_PASSWORD})
    assert "phương án bí mật" in client.get(f"/documents/{doc_id}").get_data(as_text=True)


def test_late_entry_only_inside_a_declared_outage_and_never_into_a_closed_year(api):
    from datetime import datetime

    from engine import clock
    from tests.conftest import incoming_meta

    clock.set_time(datetime(2026, 12, 31, 9, 0, tzinfo=clock.VN_TZ))
    doc = api.receive(meta=incoming_meta(issued_on="2026-12-30")).json
    clock.set_time(datetime(2027, 1, 4, 8, 0, tzinfo=clock.VN_TZ))
    api.tokens.clear()
    declared = api.post("quantri", "/outages", {"starts_at": "2026-12-31T10:00", "ends_at": "2027-01-02T07:00",
                                               "reason": "Hỏng máy chủ"})
    assert declared.status_code == 201 and declared.json["starts_at"] == "2026-12-31T10:00:00+07:00"
    verify = api.task("vanthu", doc["id"], "verify")
    last_year = api.complete("vanthu", verify["id"], {"decision": "accept", "done_at": "2026-12-31T15:00"})
    assert last_year.status_code == 422 and "khóa" in last_year.json["message"]
    assert api.get("vanthu", f"/documents/{doc['id']}").json["incoming_number"] is None
    assert api.post("cv.ldvl", "/outages", {"starts_at": "2027-01-02T07:00", "ends_at": "2027-01-03T07:00",
                                            "reason": "x"}).status_code == 403
    future = api.post("quantri", "/outages", {"starts_at": "2027-01-04T07:00", "ends_at": "2027-01-05T07:00",
                                              "reason": "Chưa kết thúc"})
    assert future.status_code == 422


def test_the_administrator_declares_an_outage_on_its_page(client):
    from datetime import datetime

    from engine import clock

    clock.set_time(datetime(2026, 11, 26, 16, 0, tzinfo=clock.VN_TZ))
    client.post("/login", data={"username": "quantri", "password": DEMO_PASSWORD})
    bad = client.post("/admin/outages", data={"starts_at": "2026-11-26T10:00", "ends_at": "2026-11-26T09:00",
                                              "reason": "Mất mạng"})
    assert bad.status_code == 422
    good = client.post("/admin/outages", data={"starts_at": "2026-11-26T08:00", "ends_at": "2026-11-26T11:30",
                                               "reason": "Mất mạng diện rộng"})
    assert good.status_code == 302
    page = client.get("/admin/outages").get_data(as_text=True)
    assert "Mất mạng diện rộng" in page and "26/11/2026 08:00" in page
    client.post("/logout")
    client.post("/login", data={"username": "vanthu", "password": DEMO_PASSWORD})
    assert client.get("/admin/outages").status_code == 403


def _delegate(api, delegate, rights, starts, ends, leader="giamdoc"):
    return api.post(leader, "/delegations", {"delegate": f"user:{delegate}", "starts_on": starts.isoformat(),
                                             "ends_on": ends.isoformat(), "rights": rights})


def test_delegated_rights_go_only_to_those_who_may_hold_them(api):
    from datetime import timedelta

    from engine import clock

    today = clock.today()
    week = today + timedelta(days=6)
    for delegate in ("vanthu", "quantri", "cv.ldvl", "tp.ldvl"):
        refused = _delegate(api, delegate, ["sign"], today, week)
        assert refused.status_code == 422 and "delegate" in refused.json["details"], delegate
    assert _delegate(api, "tp.ldvl", ["issue"], today, week).status_code == 422
    assert _delegate(api, "quantri", ["route"], today, week).status_code == 422
    assert _delegate(api, "vanthu", ["issue"], today, week).status_code == 201
    assert _delegate(api, "tp.vp", ["issue"], today, week).status_code == 422  # issue already delegated then
    assert _delegate(api, "phogiamdoc", ["sign"], today, week).status_code == 201


def test_delegations_are_not_backdated_unbounded_or_overlapping(api):
    from datetime import timedelta

    from engine import clock

    today = clock.today()
    past = _delegate(api, "phogiamdoc", ["route"], today - timedelta(days=1), today + timedelta(days=2))
    assert past.status_code == 422 and "starts_on" in past.json["details"]
    long = _delegate(api, "phogiamdoc", ["route"], today, today + timedelta(days=90))
    assert long.status_code == 422 and "ends_on" in long.json["details"]
    assert _delegate(api, "phogiamdoc", ["route"], today, today + timedelta(days=89)).status_code == 201
    overlap = _delegate(api, "tp.ldvl", ["route", "supervise"], today + timedelta(days=10), today + timedelta(days=20))
    assert overlap.status_code == 422 and "rights" in overlap.json["details"]
    assert _delegate(api, "tp.ldvl", ["supervise"], today + timedelta(days=10), today + timedelta(days=20)).status_code == 201


def test_permitting_issue_does_not_grant_signing(api):
    from engine import clock
    from tests.conftest import DEMO_PASSWORD
    from tests.test_outgoing_api import to_signing

    assert _delegate(api, "vanthu", ["issue"], clock.today(), clock.today()).status_code == 201
    doc_id = to_signing(api)
    sign = api.task("giamdoc", doc_id, "sign")
    assert api.complete("vanthu", sign["id"], {"decision": "sign", "pin": DEMO_PASSWORD}).status_code == 403
    assert api.get("vanthu", "/tasks", query_string={"view": "delegated"}).json["total"] == 0


def test_work_goes_only_to_people_who_hold_its_role(api):
    from engine.db import db
    from engine.models import User, UserRole

    doc_id = registered(api)
    refused = api.post("quantri", "/users/giamdoc/handover", {"successor": "user:cv.ldvl"})
    assert refused.status_code == 422 and "Lãnh đạo Sở" in refused.json["message"]
    assert api.task("giamdoc", doc_id, "route") is not None  # nothing moved
    # A leader moved to another post loses the authority of the tasks already assigned to them.
    giamdoc = db.session.query(User).filter_by(username="giamdoc").one()
    db.session.query(UserRole).filter_by(user_id=giamdoc.id, role="leader").delete()
    db.session.commit()
    task = api.task("giamdoc", doc_id, "route")
    assert api.complete("giamdoc", task["id"], {"lead": ["unit:ldvl"]}).status_code == 403
    moved = api.post("quantri", "/users/giamdoc/handover", {"successor": "user:phogiamdoc"})
    assert moved.status_code == 200 and moved.json["tasks"] >= 1
    assert api.complete("phogiamdoc", task["id"], {"lead": ["unit:ldvl"]}).status_code == 200
