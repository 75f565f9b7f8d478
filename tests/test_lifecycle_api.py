"""The whole life of an incoming document through the API: route, assign, process, contribute,
acknowledge, complete; delegation, handover, visibility, concurrency, backfill, status replies."""
from __future__ import annotations

import threading
from datetime import datetime, timedelta

from engine import clock
from engine.db import db
from engine.models import InboxTask, OutboxMessage, WorkflowInstance


def registered(api, **meta):
    from tests.conftest import incoming_meta

    doc = api.receive(meta=incoming_meta(**meta)).json
    accepted = api.accept(doc["id"])
    assert accepted.status_code == 200, accepted.json
    return doc["id"]


def route(api, doc_id, form, username="giamdoc"):
    task = api.task(username, doc_id, "route")
    assert task is not None, f"no route task for {username}"
    return api.complete(username, task["id"], form)


def complete(api, username, doc_id, name, form=None):
    task = api.task(username, doc_id, name)
    assert task is not None, f"{username} has no {name} task"
    response = api.complete(username, task["id"], form or {})
    assert response.status_code == 200, response.json
    return response.json


def test_whole_lifecycle_with_lead_coordinate_and_inform(api):
    doc_id = registered(api)
    routed = route(api, doc_id, {"lead": ["unit:ldvl"], "coordinate": ["unit:ncc"], "inform": ["user:phogiamdoc"],
                                 "deadline": 5, "instruction": "Phòng LĐVL chủ trì, tham mưu trả lời."})
    assert routed.status_code == 200, routed.json
    body = routed.json
    assert body["status"] == "routed"
    assert {(line["kind"], line["unit"], line["status"]) for line in body["lines"]} == {
        ("lead", "ldvl", "waiting"), ("coordinate", "ncc", "waiting"), ("inform", "000.00.15.H47", "in_progress")}
    lead_due = next(line["due_at"] for line in body["lines"] if line["kind"] == "lead")
    assert lead_due.endswith("17:00:00+07:00")
    assert body["due_on"] == lead_due[:10]

    # The specialists see nothing until their unit head assigns them.
    assert api.get("cv.ldvl", f"/documents/{doc_id}").status_code == 404
    assert api.get("tp.ldvl", f"/documents/{doc_id}").status_code == 200
    assign = api.task("tp.ldvl", doc_id, "assign")
    assert assign is not None and assign["unit"] == "ldvl" and assign["assignee"] is None

    after_assign = complete(api, "tp.ldvl", doc_id, "assign", {"assignees": ["user:cv.ldvl"], "note": "Xử lý gấp"})
    assert after_assign["status"] == "in_progress"
    complete(api, "tp.ncc", doc_id, "assign", {"assignees": ["user:cv.ncc"]})
    assert api.get("cv.ncc", f"/documents/{doc_id}").status_code == 200
    complete(api, "cv.ncc", doc_id, "contribute", {"opinion": "Phòng NCC thống nhất, đề nghị bổ sung số liệu."})
    complete(api, "phogiamdoc", doc_id, "acknowledge")

    done = complete(api, "cv.ldvl", doc_id, "process", {"action": "report", "note": "Đã báo cáo Giám đốc."})
    assert done["status"] == "completed"
    assert all(line["status"] == "done" for line in done["lines"])
    opinions = [line["note"] for line in done["lines"] if line["kind"] == "coordinate"]
    assert opinions == ["Phòng NCC thống nhất, đề nghị bổ sung số liệu."]
    actions = [h["action"] for h in done["history"]]
    for expected in ("arrived", "registered", "routed", "assigned", "in_progress", "line_contributed",
                     "line_acknowledged", "line_report", "completed"):
        assert expected in actions, expected
    assert done["open_tasks"] == []

    # Every status change queued its edXML status reply for the sending agency, once.
    codes = sorted(m.payload["code"] for m in db.session.query(OutboxMessage).filter_by(
        kind="edxml_status", document_id=doc_id))
    assert codes == ["01", "03", "04", "05", "06"]


def test_lead_done_closes_open_coordination_and_says_so(api):
    doc_id = registered(api)
    route(api, doc_id, {"lead": ["user:cv.ldvl"], "coordinate": ["user:cv.ncc"]})
    assert api.task("cv.ncc", doc_id, "contribute") is not None
    done = complete(api, "cv.ldvl", doc_id, "process", {"action": "file"})
    assert done["status"] == "completed"
    coordination = next(line for line in done["lines"] if line["kind"] == "coordinate")
    assert coordination["status"] == "closed" and coordination["result"] == "closed"
    assert api.task("cv.ncc", doc_id, "contribute") is None
    completed = next(h for h in done["history"] if h["action"] == "completed")
    assert "Đóng 1 dòng phối hợp" in completed["note"]


def test_forward_and_reply(api):
    doc_id = registered(api)
    route(api, doc_id, {"lead": ["user:cv.ldvl"]})
    outside = api.complete("cv.ldvl", api.task("cv.ldvl", doc_id, "process")["id"],
                           {"action": "forward", "forward_to": "user:cv.ncc"})
    assert outside.status_code == 422 and "forward_to" in outside.json["details"]
    complete(api, "cv.ldvl", doc_id, "process", {"action": "forward", "forward_to": "user:tp.ldvl",
                                                "note": "Nhờ trưởng phòng xử lý"})
    lead = next(line for line in api.get("giamdoc", f"/documents/{doc_id}").json["lines"] if line["kind"] == "lead")
    assert lead["holder"] == "tp.ldvl" and lead["status"] == "in_progress"
    replied = complete(api, "tp.ldvl", doc_id, "process", {"action": "reply", "note": "Soạn công văn trả lời"})
    assert replied["status"] == "in_progress"  # open until the reply is issued (tests/test_replies.py)
    reply_id = next(line for line in replied["lines"] if line["kind"] == "lead")["reply_document_id"]
    reply = api.get("tp.ldvl", f"/documents/{reply_id}").json
    assert reply["direction"] == "outgoing" and reply["status"] == "draft" and reply["in_reply_to"] == doc_id


def test_unit_head_assigns_only_own_staff_and_within_the_deadline(api):
    doc_id = registered(api)
    route(api, doc_id, {"lead": ["unit:ldvl"], "deadline": (clock.today() + timedelta(days=10)).isoformat()})
    task = api.task("tp.ldvl", doc_id, "assign")
    wrong = api.complete("tp.ldvl", task["id"], {"assignees": ["user:cv.ncc"]})
    assert wrong.status_code == 422 and "assignees" in wrong.json["details"]
    late = api.complete("tp.ldvl", task["id"], {"assignees": ["user:cv.ldvl"],
                                               "deadline": (clock.today() + timedelta(days=30)).isoformat()})
    assert late.status_code == 422 and "deadline" in late.json["details"]
    # The unit head may handle it personally.
    complete(api, "tp.ldvl", doc_id, "assign", {"assignees": ["user:tp.ldvl"]})
    assert api.task("tp.ldvl", doc_id, "process") is not None


def test_route_validation(api):
    doc_id = registered(api)
    task = api.task("giamdoc", doc_id, "route")
    for form, field in (({"lead": []}, "lead"), ({"lead": ["unit:ldvl", "unit:ncc"]}, "lead"),
                        ({"lead": ["unit:khong-co"]}, "lead"), ({"lead": ["ldvl"]}, "lead"),
                        ({"lead": ["unit:ldvl"], "coordinate": ["unit:ldvl"]}, "coordinate"),
                        ({"lead": ["unit:ldvl"], "deadline": "2001-01-01"}, "deadline"),
                        ({"lead": ["unit:ldvl"], "deadline": "ngày mai"}, "deadline")):
        response = api.complete("giamdoc", task["id"], form)
        assert response.status_code == 422, form
        assert field in response.json["details"], (form, response.json)
    assert api.get("giamdoc", f"/documents/{doc_id}").json["status"] == "accepted"


def test_delegation_in_force_expired_and_revoked(api):
    doc_id = registered(api)
    today = clock.today()
    created = api.post("giamdoc", "/delegations", {"delegate": "user:phogiamdoc", "starts_on": today.isoformat(),
                                                  "ends_on": (today + timedelta(days=3)).isoformat(),
                                                  "rights": ["route", "supervise"]})
    assert created.status_code == 201, created.json
    delegated = api.get("phogiamdoc", "/tasks", query_string={"view": "delegated"}).json
    assert [t["name"] for t in delegated["items"]] == ["route"] and delegated["counts"]["delegated"] == 1
    body = route(api, doc_id, {"lead": ["unit:ldvl"]}, username="phogiamdoc").json
    event = next(h for h in body["history"] if h["action"] == "routed")
    assert (event["actor"], event["on_behalf_of"]) == ("phogiamdoc", "giamdoc")

    # Revoked: no effect any more.
    second = registered(api)
    assert api.client.delete(f"/api/v1/delegations/{created.json['id']}",
                             headers=api.headers("giamdoc")).status_code == 200
    task = api.task("giamdoc", second, "route")
    assert api.complete("phogiamdoc", task["id"], {"lead": ["unit:ldvl"]}).status_code == 403
    assert api.get("phogiamdoc", "/tasks", query_string={"view": "delegated"}).json["total"] == 0

    # Outside its dates: no effect either.
    later = api.post("giamdoc", "/delegations", {"delegate": "user:phogiamdoc",
                                                "starts_on": (today + timedelta(days=7)).isoformat(),
                                                "ends_on": (today + timedelta(days=9)).isoformat(),
                                                "rights": ["route"]})
    assert later.status_code == 201
    assert api.complete("phogiamdoc", task["id"], {"lead": ["unit:ldvl"]}).status_code == 403
    clock.set_time(datetime.combine(today + timedelta(days=8), datetime.min.time().replace(hour=9),
                                    tzinfo=clock.VN_TZ))
    api.tokens.clear()
    assert api.complete("phogiamdoc", task["id"], {"lead": ["unit:ldvl"]}).status_code == 200
    clock.set_time(datetime.combine(today + timedelta(days=12), datetime.min.time().replace(hour=9),
                                    tzinfo=clock.VN_TZ))
    api.tokens.clear()
    assert api.get("phogiamdoc", "/tasks", query_string={"view": "delegated"}).json["total"] == 0


def test_only_leaders_delegate(api):
    response = api.post("cv.ldvl", "/delegations", {"delegate": "user:cv.ncc", "starts_on": "2026-01-01",
                                                   "ends_on": "2030-01-01", "rights": ["route"]})
    assert response.status_code == 403
    bad = api.post("giamdoc", "/delegations", {"delegate": "user:phogiamdoc", "starts_on": "2030-01-05",
                                              "ends_on": "2030-01-01", "rights": ["fly"]})
    assert bad.status_code == 422 and {"rights", "ends_on"} <= set(bad.json["details"])


def test_handover_moves_everything_in_one_go(api):
    doc_id = registered(api)
    route(api, doc_id, {"lead": ["user:cv.ldvl"], "coordinate": ["unit:ncc"]})
    old_headers = api.headers("cv.ldvl")
    assert api.post("tp.ldvl", "/users/cv.ldvl/handover", {"successor": "user:tp.ldvl"}).status_code == 403
    moved = api.post("quantri", "/users/cv.ldvl/handover", {"successor": "user:tp.ldvl"})
    assert moved.status_code == 200, moved.json
    assert moved.json["tasks"] == 1 and moved.json["lines"] == 1
    assert api.task("tp.ldvl", doc_id, "process") is not None
    lead = next(line for line in api.get("giamdoc", f"/documents/{doc_id}").json["lines"] if line["kind"] == "lead")
    assert lead["holder"] == "tp.ldvl"
    # The leaving user can neither log in nor use an old token.
    assert api.client.get("/api/v1/tasks", headers=old_headers).status_code == 401
    from tests.conftest import DEMO_PASSWORD

    login = api.client.post("/api/v1/session", json={"username": "cv.ldvl", "password": DEMO_PASSWORD})
    assert login.status_code == 401
    history = api.get("giamdoc", f"/documents/{doc_id}").json["history"]
    assert any(h["action"] == "handover" and "Hoàng Thị Lan" in h["note"] for h in history)
    again = api.post("quantri", "/users/cv.ldvl/handover", {"successor": "user:tp.ldvl"})
    assert again.status_code == 422


def test_a_specialist_of_an_uninvolved_unit_can_neither_see_nor_act(api):
    doc_id = registered(api)
    route(api, doc_id, {"lead": ["user:cv.ldvl"]})
    process = api.task("cv.ldvl", doc_id, "process")
    assert api.get("cv.ncc", f"/documents/{doc_id}").status_code == 404
    assert api.complete("cv.ncc", process["id"], {"action": "file"}).status_code == 403
    assert api.get("cv.ncc", "/tasks").json["total"] == 0


def test_two_people_completing_the_same_task_at_once(app, api):
    doc_id = registered(api)
    route(api, doc_id, {"lead": ["unit:ldvl"]})
    task_id = api.task("tp.ldvl", doc_id, "assign")["id"]
    from engine.errors import DomainError
    from engine.models import User
    from engine.processing import tasks as engine_tasks

    results = []
    barrier = threading.Barrier(2)

    def worker():
        with app.app_context():
            user = db.session.query(User).filter_by(username="tp.ldvl").one()
            barrier.wait()
            try:
                engine_tasks.complete(task_id, user, {"assignees": ["user:cv.ldvl"]})
                results.append("ok")
            except DomainError as error:
                results.append(error.code)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(results) == ["ok", "task_closed"], results
    body = api.get("giamdoc", f"/documents/{doc_id}").json
    assert [h["action"] for h in body["history"]].count("assigned") == 1
    assert len([t for t in body["open_tasks"] if t["name"] == "process"]) == 1
    db.session.expire_all()
    assert db.session.query(InboxTask).filter_by(document_id=doc_id, name="process", status="open").count() == 1


def test_outage_backfill_records_the_real_time(api):
    clock.set_time(datetime(2026, 11, 25, 8, 0, tzinfo=clock.VN_TZ))
    from tests.conftest import incoming_meta

    doc = api.receive(meta=incoming_meta(issued_on="2026-11-24")).json
    clock.set_time(datetime(2026, 11, 25, 15, 0, tzinfo=clock.VN_TZ))
    api.tokens.clear()
    verify = api.task("vanthu", doc["id"], "verify")
    future = api.complete("vanthu", verify["id"], {"decision": "accept", "done_at": "2026-11-25T16:00:00+07:00"})
    assert future.status_code == 422 and "done_at" in future.json["details"]
    early = api.complete("vanthu", verify["id"], {"decision": "accept", "done_at": "2026-11-25T07:00:00+07:00"})
    assert early.status_code == 422 and "done_at" in early.json["details"]
    # Only inside an outage the administrator declared (issue 13: no backdating one's own work).
    undeclared = api.complete("vanthu", verify["id"], {"decision": "accept", "done_at": "2026-11-25T09:30:00+07:00"})
    assert undeclared.status_code == 422 and "done_at" in undeclared.json["details"]
    outage = api.post("quantri", "/outages", {"starts_at": "2026-11-25T08:30:00+07:00",
                                             "ends_at": "2026-11-25T14:30:00+07:00", "reason": "Mất điện toàn Sở"})
    assert outage.status_code == 201, outage.json
    ok = api.complete("vanthu", verify["id"], {"decision": "accept", "done_at": "2026-11-25T09:30:00+07:00"})
    assert ok.status_code == 200, ok.json
    registered_event = ok.json["history"][-1]
    assert registered_event["at"] == "2026-11-25T09:30:00+07:00" and registered_event["entered_late"] is True
    assert registered_event["recorded_at"].startswith("2026-11-25T15:00")
    assert registered_event["late_entry"]["reason"] == "Mất điện toàn Sở"
    # The next step of the paper trail can be entered with its own earlier time too.
    routed = api.complete("giamdoc", api.task("giamdoc", doc["id"], "route")["id"],
                          {"lead": ["unit:ldvl"], "done_at": "2026-11-25T10:15:00+07:00"})
    assert routed.status_code == 200, routed.json
    assert next(h for h in routed.json["history"] if h["action"] == "routed")["at"] == "2026-11-25T10:15:00+07:00"


def test_inbox_views_filters_search_and_order(api):
    urgent = registered(api, urgency="hoa_toc", subject="Hỏa tốc: báo cáo tình hình lũ lụt")
    normal = registered(api, subject="Kế hoạch tập huấn nghiệp vụ")
    khan = registered(api, urgency="khan", doc_type="QĐ", subject="Quyết định phân bổ kinh phí Đà Nẵng")
    items = api.get("giamdoc", "/tasks").json["items"]
    assert [t["document_id"] for t in items][:3] == [urgent, khan, normal]
    assert api.get("giamdoc", "/tasks", query_string={"urgency": "khan"}).json["total"] == 1
    assert api.get("giamdoc", "/tasks", query_string={"doc_type": "QĐ"}).json["items"][0]["document_id"] == khan
    assert api.get("giamdoc", "/tasks", query_string={"q": "da nang"}).json["items"][0]["document_id"] == khan
    assert api.get("giamdoc", "/tasks", query_string={"q": "LU LUT"}).json["items"][0]["document_id"] == urgent
    page = api.get("giamdoc", "/tasks", query_string={"per_page": 2, "page": 2}).json
    assert page["total"] == 3 and len(page["items"]) == 1
    assert api.get("giamdoc", "/tasks", query_string={"view": "nope"}).status_code == 422
    assert api.get("giamdoc", "/tasks/counts").json["mine"] == 3
    # A unit's queue: the assign task is claimable by its head.
    route(api, normal, {"lead": ["unit:ldvl"], "inform": ["unit:ncc"]})
    counts = api.get("tp.ldvl", "/tasks/counts").json
    assert counts["queue"] == 1 and counts["mine"] == 0
    assert api.get("tp.ncc", "/tasks", query_string={"view": "info"}).json["items"][0]["name"] == "acknowledge"
    claimed = api.post("tp.ldvl", f"/tasks/{api.task('tp.ldvl', normal, 'assign')['id']}/claim")
    assert claimed.status_code == 200 and claimed.json["assignee"] == "tp.ldvl"
    assert api.get("tp.ldvl", "/tasks/counts").json["mine"] == 1


def test_overview_and_urging(api):
    doc_id = registered(api)
    route(api, doc_id, {"lead": ["unit:ldvl"], "deadline": 1})
    other = registered(api)
    route(api, other, {"lead": ["user:cv.ncc"]})
    units = {u["unit"]: u for u in api.get("giamdoc", "/overview").json["units"]}
    assert units["ldvl"]["waiting"] == 1 and units["ncc"]["in_progress"] == 1
    assert api.get("cv.ldvl", "/overview").status_code == 403
    listed = api.get("giamdoc", "/documents", query_string={"unit": "ldvl", "state": "waiting"}).json
    assert [d["id"] for d in listed["items"]] == [doc_id]
    # Two working days later the ldvl line is overdue.
    clock.set_time(clock.now() + timedelta(days=4))
    api.tokens.clear()
    units = {u["unit"]: u for u in api.get("giamdoc", "/overview").json["units"]}
    assert units["ldvl"]["overdue"] == 1
    urged = api.post("giamdoc", f"/documents/{doc_id}/urge", {"note": "Đề nghị xử lý ngay"})
    assert urged.status_code == 200 and urged.json["notified"] == 1
    assert "Đôn đốc" in api.get("tp.ldvl", "/notifications").json["items"][0]["message"]
    history = api.get("giamdoc", f"/documents/{doc_id}").json["history"]
    assert history[-1]["action"] == "urged" and "Đề nghị xử lý ngay" in history[-1]["note"]


def test_running_documents_keep_their_diagram_version(api):
    from engine.workflow import specs

    doc_id = registered(api)
    old_version = db.session.query(WorkflowInstance).filter_by(document_id=doc_id).one().process_version
    xml = old_version.bpmn_xml.replace("Phân công xử lý văn bản đến", "Phân công xử lý (phiên bản 2)")
    new_version = specs.deploy(xml)
    db.session.commit()
    assert new_version.version == old_version.version + 1
    assert api.task("giamdoc", doc_id, "route")["title"] == "Phân công xử lý văn bản đến"
    later = registered(api)
    assert api.task("giamdoc", later, "route")["title"] == "Phân công xử lý (phiên bản 2)"
    assert route(api, doc_id, {"lead": ["unit:ldvl"]}).status_code == 200

