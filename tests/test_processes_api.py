"""Process owners through the API: validation naming every element at fault (Camunda diagrams included),
permissions, dry runs, versions, rollback, comparison, migration, and where a document stands."""
from __future__ import annotations

import pytest

from engine.db import db
from engine.models import HistoryEvent, InboxTask, WorkflowInstance
from tests.processes_support import DATA, arrived, at_route, deploy, shipped, versions


def _problems(response) -> list[dict]:
    assert response.status_code == 422, response.json
    assert response.json["error"] == "invalid_diagram"
    return response.json["details"]["problems"]


def test_shipped_diagrams_are_valid_and_listed_with_their_versions(api):
    for name in ("receive", "handle_line", "issue_sign_send", "recall"):
        response = deploy(api, shipped(name), name, dry_run=True)
        assert response.status_code == 200 and response.json == {"valid": True, "problems": []}, response.json
    items = {p["id"]: p for p in api.get("giamdoc", "/processes").json["items"]}
    assert set(items) == {"receive", "handle_line", "issue_sign_send", "recall"}
    assert items["receive"]["name"] == "Tiếp nhận văn bản đến"
    assert items["receive"]["version"] == 1 and items["receive"]["deployed_by"] is None
    assert items["receive"]["deployed_at"].endswith("+07:00")
    xml = api.get("giamdoc", "/processes/receive/versions/1")
    assert xml.status_code == 200 and xml.mimetype == "application/xml" and b'id="verify"' in xml.data


def test_a_camunda_modeler_diagram_is_refused_with_every_element_named(api):
    problems = _problems(deploy(api, (DATA / "camunda_modeler.bpmn").read_text(encoding="utf-8"), dry_run=True))
    assert all(p["element_id"] and p["message"] for p in problems)
    found = {(p["element_id"], p["code"]) for p in problems}
    assert {("Activity_check", "camunda_extension"), ("Flow_yes", "juel_expression"), ("Flow_no", "juel_expression"),
            ("Event_remind", "cron_cycle"), ("Event_late", "bare_iso_literal"),
            ("Activity_notify", "camunda_extension"),
            ("Activity_register", "script_language"), ("Gateway_valid", "gateway_without_default"),
            ("Activity_check", "user_task_without_lane"), ("Activity_check", "unknown_form")} <= found
    assignee = next(p for p in problems if "camunda:assignee" in p["message"])
    assert "assignee" in assignee["message"] and "'user:' + leader" in assignee["message"]  # what to write instead
    cron = next(p for p in problems if p["code"] == "cron_cycle")
    assert "0 0 9 * * ?" in cron["message"] and "R5/" in cron["message"]
    assert versions(api) == [1]


FAULTS = [
    # (what to break in receive.bpmn, replaced by, element at fault, problem code)
    ("verify_due = add_working_hours", "import os\nverify_due = add_working_hours", "compute_deadlines",
     "restricted_code"),
    ("decision == 'refuse'", "decision.__class__ == 'refuse'", "Flow_refuse", "restricted_code"),
    ('id="document/register_incoming"', 'id="os/system"', "register", "unknown_operator"),
    ('<spiffworkflow:parameter id="duplicate_of" type="int" value="duplicate_of" />', "", "record_duplicate",
     "missing_parameter"),
    ('<spiffworkflow:parameter id="kind" type="str"', '<spiffworkflow:parameter id="knd" type="str"', "notify_urgent",
     "unknown_parameter"),
    ('<spiffworkflow:property name="due" value="route_due" />',
     '<spiffworkflow:property name="due" value="route_due" /><spiffworkflow:property name="form" value="approve" />',
     "route", "unknown_form"),
    ('<spiffworkflow:property name="role" value="Leader" />', '<spiffworkflow:property name="role" value="Boss" />',
     "Lane_Leader", "unknown_role"),
    ('name="Quyết định của văn thư" default="Flow_accept"', 'name="Quyết định của văn thư"', "decision_gateway",
     "gateway_without_default"),
    (">route_due</bpmn:timeDate>", ">add_working_days(route_due)</bpmn:timeDate>", "route_overdue", "timer_sample"),
    (">route_due</bpmn:timeDate>", ">'ngày mai'</bpmn:timeDate>", "route_overdue", "timer_value"),
    (">route_due</bpmn:timeDate>", ">add_working_dayz(received_at, 1)</bpmn:timeDate>", "route_overdue",
     "unknown_function"),
    ('<bpmn:serviceTask id="register" name="Vào sổ văn bản đến">',
     '<bpmn:sendTask id="register" name="Vào sổ văn bản đến">', "register", "unsupported_element"),
    # Timers SpiffWorkflow cannot read (it raises a bare Exception), could not wait for (beyond year 9999),
    # would walk month by month for hours, or would fire every second.
    (">verify_due</bpmn:timeDate>", ">'Pabc'</bpmn:timeDate>".replace("timeDate", "timeDuration"), "verify_overdue",
     "timer_value"),
    (">verify_due</bpmn:timeDate>", ">'P9999Y'</bpmn:timeDate>".replace("timeDate", "timeDuration"),
     "verify_overdue", "timer_value"),
    (">verify_due</bpmn:timeDate>", ">'R5/2026-03-03T07:30:00+07:00/P9999999999Y'</bpmn:timeCycle>",
     "verify_overdue", "timer_value"),
    (">verify_due</bpmn:timeDate>", ">'R/2026-03-03T07:30:00+07:00/PT1S'</bpmn:timeCycle>", "verify_overdue",
     "timer_value"),
    # Code whose one C call would freeze the server or exhaust its memory, or stop the worker.
    ("verify_due = add_working_hours", "x = pow(10, pow(10, 8))\nverify_due = add_working_hours",
     "compute_deadlines", "unknown_function"),
    ("verify_due = add_working_hours", "raise SystemExit(0)\nverify_due = add_working_hours", "compute_deadlines",
     "unknown_function"),
    ("verify_due = add_working_hours", "x = f'{1:>100000000}'\nverify_due = add_working_hours", "compute_deadlines",
     "restricted_code"),
    # How the diagram hangs together.
    ('name="Lãnh đạo Sở"', 'name="Văn thư"', "Lane_Leader", "duplicate_lane"),
    ('sourceRef="arrived" targetRef="compute_deadlines"', 'sourceRef="nowhere" targetRef="compute_deadlines"',
     "Flow_arrived_compute", "dangling_flow"),
    ('<bpmn:boundaryEvent id="verify_daily"', '<bpmn:boundaryEvent id="verify_overdue"', "verify_overdue",
     "duplicate_id"),
    ('name="Quyết định của văn thư"', f'name="{"Quyết định " * 40}"', "decision_gateway", "name_too_long"),
]


@pytest.mark.parametrize("old,new,element_id,code", FAULTS, ids=[f[3] + ":" + f[2] for f in FAULTS])
def test_each_fault_is_named_by_its_element(api, old, new, element_id, code):
    xml = shipped("receive")
    assert old in xml
    xml = xml.replace(old, new, 1)
    if "timeDuration" in new or "timeCycle" in new:
        xml = xml.replace('<bpmn:timeDate xsi:type="bpmn:tFormalExpression">' + new[1:],
                          f'<bpmn:{"timeCycle" if "timeCycle" in new else "timeDuration"} '
                          'xsi:type="bpmn:tFormalExpression">' + new[1:], 1)
    if "sendTask" in new:
        xml = xml.replace("</bpmn:serviceTask>\n    <bpmn:serviceTask id=\"record_refusal\"",
                          "</bpmn:sendTask>\n    <bpmn:serviceTask id=\"record_refusal\"", 1)
    problems = _problems(deploy(api, xml))  # a real deploy: refused as a whole
    assert (element_id, code) in {(p["element_id"], p["code"]) for p in problems}, problems
    assert versions(api) == [1]


def test_call_activities_call_deployed_processes_and_run_them(api):
    caller = (DATA / "with_call.bpmn").read_text(encoding="utf-8")
    missing = _problems(deploy(api, caller, "with_call", dry_run=True))
    assert ("call_review", "call_not_deployed") in {(p["element_id"], p["code"]) for p in missing}
    assert deploy(api, (DATA / "sub_review.bpmn").read_text(encoding="utf-8"), "sub_review").status_code == 201
    assert deploy(api, caller, "with_call").status_code == 201

    from engine.models import Document
    from engine.tx import transaction
    from engine.workflow import runtime

    doc = db.session.get(Document, arrived(api))
    with transaction():
        instance = runtime.start("with_call", doc, {"document_id": doc.id}, runtime.RunContext(document=doc))
    task = api.task("cv.ldvl", doc.id, "read")  # the callee's step, in the callee's lane
    assert task is not None and task["role"] == "specialist" and task["title"] == "Đọc văn bản"
    assert api.complete("cv.ldvl", task["id"]).status_code == 200
    db.session.expire_all()
    assert db.session.get(WorkflowInstance, instance.id).status == "completed"


def test_a_process_may_not_end_up_calling_itself(api):
    sub = (DATA / "sub_review.bpmn").read_text(encoding="utf-8")
    assert deploy(api, sub, "sub_review").status_code == 201
    assert deploy(api, (DATA / "with_call.bpmn").read_text(encoding="utf-8"), "with_call").status_code == 201
    for called in ("sub_review", "with_call"):  # itself, or a process that calls it back
        calling = (sub.replace('<bpmn:userTask id="read"', f'<bpmn:callActivity id="read" calledElement="{called}"', 1)
                   .replace("</bpmn:userTask>", "</bpmn:callActivity>", 1))
        problems = _problems(deploy(api, calling, "sub_review", dry_run=True))
        assert ("read", "call_cycle") in {(p["element_id"], p["code"]) for p in problems}, problems


def test_a_declared_encoding_that_is_not_the_real_one_is_ignored(api):
    xml = shipped("recall").replace('encoding="UTF-8"', 'encoding="ISO-8859-1"', 1)
    xml = xml.replace('<bpmn:process id="recall" name="', '<bpmn:process id="recall" name="Sửa đổi: ', 1)
    assert 'encoding="ISO-8859-1"' in xml and "Sửa đổi: " in xml
    assert deploy(api, xml, "recall").status_code == 201
    items = {p["id"]: p for p in api.get("giamdoc", "/processes").json["items"]}
    assert items["recall"]["version"] == 2 and items["recall"]["name"].startswith("Sửa đổi: ")


def test_a_diagram_sent_form_encoded_is_read_and_a_misnamed_file_part_is_named(api):
    url = "/api/v1/processes/recall/versions?dry_run=1"
    # What `curl -d @recall.bpmn` sends: the diagram as the body, typed as a form.
    as_form = api.client.post(url, data=shipped("recall").encode("utf-8"),
                              headers={**api.headers("quytrinh"), "Content-Type": "application/x-www-form-urlencoded"})
    assert as_form.status_code == 200 and as_form.json["valid"] is True, as_form.json
    import io

    misnamed = api.client.post(url, data={"diagram": (io.BytesIO(shipped("recall").encode("utf-8")), "recall.bpmn")},
                               headers=api.headers("quytrinh"), content_type="multipart/form-data")
    assert misnamed.status_code == 422 and "“file”" in misnamed.json["message"]


def test_message_events_must_wait_for_a_message_q_office_sends(api):
    xml = shipped("handle_line")
    assert deploy(api, xml, "handle_line", dry_run=True).status_code == 200
    wrong = xml.replace('name="reply_issued"', 'name="reply_done"', 1)
    problems = _problems(deploy(api, wrong, "handle_line", dry_run=True))
    assert ("reply_issued", "unknown_message") in {(p["element_id"], p["code"]) for p in problems}


def test_unreadable_or_hostile_xml_is_refused_without_a_trace(api):
    doctype = '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><x>&a;</x>'
    problems = _problems(deploy(api, doctype, dry_run=True))
    assert problems[0]["element_id"] is None and problems[0]["code"] == "doctype"
    broken = _problems(deploy(api, "<bpmn:definitions", dry_run=True))
    assert broken[0]["code"] == "xml_syntax"
    too_large = deploy(api, "<x>" + "a" * (2 * 1024 * 1024 + 10) + "</x>", dry_run=True)
    assert too_large.status_code == 413 and too_large.json["error"] == "too_large"


def test_only_process_owners_deploy_and_leaders_may_look(api):
    xml = shipped("receive").replace("Phân công xử lý văn bản đến", "Phân công (thử)")
    for username in ("cv.ldvl", "giamdoc", "vanthu"):
        response = deploy(api, xml, username=username)
        assert response.status_code == 403 and response.json["error"] == "forbidden", username
    assert api.get("cv.ldvl", "/processes").status_code == 403
    assert api.get("giamdoc", "/processes/receive/versions").status_code == 200
    assert api.post("giamdoc", "/processes/receive/migrations", {"from_version": 1, "to_version": 2}).status_code == 403
    assert versions(api) == [1]


def test_a_dry_run_deploys_nothing(api):
    xml = shipped("receive").replace("Phân công xử lý văn bản đến", "Phân công (thử)")
    assert deploy(api, xml, dry_run=True).json == {"valid": True, "problems": []}
    assert versions(api) == [1]
    doc_id = at_route(api)
    assert api.task("giamdoc", doc_id, "route")["title"] == "Phân công xử lý văn bản đến"


def test_versions_deploy_rollback_and_compare(api):
    running = at_route(api)
    xml = shipped("receive").replace("Phân công xử lý văn bản đến", "Phân công xử lý (2 ngày)").replace(
        "add_working_days(received_at, 1)", "add_working_days(received_at, 2)")
    response = deploy(api, xml, note="Lãnh đạo có 2 ngày làm việc để phân công")
    assert response.status_code == 201, response.json
    assert response.json["version"] == 2 and response.json["deployed_by"] == "quytrinh"
    assert response.json["note"] == "Lãnh đạo có 2 ngày làm việc để phân công"
    assert deploy(api, xml).status_code == 409  # the same diagram again changes nothing

    later = at_route(api)
    old_task, new_task = api.task("giamdoc", running, "route"), api.task("giamdoc", later, "route")
    assert old_task["title"] == "Phân công xử lý văn bản đến"
    assert new_task["title"] == "Phân công xử lý (2 ngày)"
    assert new_task["due_at"] > old_task["due_at"]

    diff = api.get("giamdoc", "/processes/receive/compare?from=1&to=2").json
    changed = {c["element_id"]: c for c in diff["changes"]}
    assert set(changed) == {"route", "compute_deadlines"}
    assert changed["route"]["fields"] == [{"field": "name", "old": "Phân công xử lý văn bản đến",
                                           "new": "Phân công xử lý (2 ngày)"}]

    for beyond in (-(2**101), 2**63, 0):  # a version no database holds is simply not there
        assert api.post("quytrinh", "/processes/receive/rollback", {"version": beyond}).status_code == 404
    assert api.get("giamdoc", f"/processes/receive/compare?from=1&to={2**70}").status_code == 404
    back = api.post("quytrinh", "/processes/receive/rollback", {"version": 1, "note": "Quay về quy định cũ"})
    assert back.status_code == 201 and back.json["version"] == 3
    assert back.json["note"] == "Quay lại phiên bản 1: Quay về quy định cũ"
    assert api.task("giamdoc", at_route(api), "route")["title"] == "Phân công xử lý văn bản đến"
    listed = api.get("quytrinh", "/processes/receive/versions").json["items"]
    assert [(v["version"], v["running"]) for v in listed] == [(3, 1), (2, 1), (1, 1)]


def test_migration_dry_run_then_apply(api):
    at_verify, at_route_step = arrived(api), at_route(api)
    # Version 2 renames the routing step: documents waiting there cannot move, the others can.
    xml = shipped("receive").replace('id="route"', 'id="route_leader"').replace(
        '"route"', '"route_leader"').replace(">route<", ">route_leader<").replace(
        'targetRef="route"', 'targetRef="route_leader"').replace('sourceRef="route"', 'sourceRef="route_leader"')
    xml = xml.replace('attachedToRef="route"', 'attachedToRef="route_leader"').replace(
        "<spiffworkflow:property name=\"due\" value=\"route_due\" />",
        "<spiffworkflow:property name=\"due\" value=\"route_due\" />\n"
        "          <spiffworkflow:property name=\"form\" value=\"route\" />", 1).replace(
        "<bpmn:flowNodeRef>route</bpmn:flowNodeRef>", "<bpmn:flowNodeRef>route_leader</bpmn:flowNodeRef>").replace(
        'bpmnElement="route"', 'bpmnElement="route_leader"')
    assert deploy(api, xml, note="Đổi mã bước phân công").status_code == 201, deploy(api, xml, dry_run=True).json

    dry = api.post("quytrinh", "/processes/receive/migrations", {"from_version": 1, "to_version": 2, "dry_run": True})
    assert dry.status_code == 200 and dry.json["dry_run"] is True
    outcomes = {o["document_id"]: o for o in dry.json["items"]}
    assert outcomes[at_verify]["status"] == "can_move"
    assert {"from": "verify", "to": "verify"}.items() <= outcomes[at_verify]["mapping"][0].items()
    assert outcomes[at_route_step]["status"] == "cannot_move"
    assert "route" in outcomes[at_route_step]["reasons"][0]
    assert {i.process_version.version for i in db.session.query(WorkflowInstance).filter(
        WorkflowInstance.document_id.in_([at_verify, at_route_step]))} == {1}  # a dry run moves nothing

    applied = api.post("quytrinh", "/processes/receive/migrations",
                       {"from_version": 1, "to_version": 2, "dry_run": False}).json
    result = {o["document_id"]: o["status"] for o in applied["items"]}
    assert result[at_verify] == "moved" and result[at_route_step] == "cannot_move"
    db.session.expire_all()
    moved = db.session.query(WorkflowInstance).filter_by(document_id=at_verify).one()
    assert moved.process_version.version == 2
    history = db.session.query(HistoryEvent).filter_by(document_id=at_verify, action="process_migrated").one()
    assert "1 → 2" in history.note
    # The moved document goes on in the new version: after verification its routing step is route_leader.
    assert api.accept(at_verify).status_code == 200
    task = api.task("giamdoc", at_verify, "route_leader")
    assert task is not None
    done = api.complete("giamdoc", task["id"], {"lead": ["unit:ldvl"]})
    assert done.status_code == 200 and done.json["status"] == "routed", done.json
    # The one that could not move is untouched and still completes on version 1.
    assert api.complete("giamdoc", api.task("giamdoc", at_route_step, "route")["id"],
                        {"lead": ["unit:ldvl"]}).status_code == 200


def test_migration_refreshes_open_steps(api):
    doc_id = at_route(api)
    task_id = api.task("giamdoc", doc_id, "route")["id"]
    xml = shipped("receive").replace("Phân công xử lý văn bản đến", "Phân công xử lý (mới)")
    assert deploy(api, xml).status_code == 201
    one = api.post("quytrinh", "/processes/receive/migrations",
                   {"from_version": 1, "to_version": 2, "dry_run": False, "instances": [
                       db.session.query(WorkflowInstance).filter_by(document_id=doc_id).one().id]}).json["items"]
    assert [o["status"] for o in one] == ["moved"]
    task = api.task("giamdoc", doc_id, "route")
    assert task["id"] == task_id and task["title"] == "Phân công xử lý (mới)"  # the same step, brought up to date
    assert db.session.query(InboxTask).filter_by(document_id=doc_id, status="open").count() == 1


def test_migration_input_is_checked(api):
    bad = api.post("quytrinh", "/processes/receive/migrations", {"from_version": "x", "to_version": 1})
    assert bad.status_code == 422
    same = api.post("quytrinh", "/processes/receive/migrations", {"from_version": 1, "to_version": 1})
    assert same.status_code == 422
    unknown = api.post("quytrinh", "/processes/receive/migrations", {"from_version": 1, "to_version": 9})
    assert unknown.status_code == 404
    for body in ({"from_version": 1e400, "to_version": 2}, {"from_version": True, "to_version": 2},
                 {"from_version": 1.9, "to_version": 2}, {"from_version": 1, "to_version": 2, "instances": [1e20]},
                 {"from_version": 1, "to_version": 2, "instances": [99999999999999999999999]}):
        odd = api.post("quytrinh", "/processes/receive/migrations", body)
        assert odd.status_code == 422 and odd.json["error"] == "invalid", (body, odd.json)


def test_document_diagram_shows_done_and_open_steps(api):
    doc_id = at_route(api)
    body = api.get("giamdoc", f"/documents/{doc_id}/diagram").json
    [receive] = body["items"]
    assert receive["process_id"] == "receive" and receive["version"] == 1 and receive["status"] == "running"
    assert {"arrived", "compute_deadlines", "verify", "register"} <= set(receive["completed"])
    assert receive["current"] == ["route"]
    assert {"route_overdue", "route_daily"} <= set(receive["waiting"])
    [task] = receive["tasks"]
    assert task["element_id"] == "route" and task["assignee"] == "giamdoc" and task["since"].endswith("+07:00")
    assert api.get("cv.ldvl", f"/documents/{doc_id}/diagram").status_code == 404  # not visible to them

    task_id = api.task("giamdoc", doc_id, "route")["id"]
    assert api.complete("giamdoc", task_id, {"lead": ["unit:ldvl"]}).status_code == 200
    items = api.get("giamdoc", f"/documents/{doc_id}/diagram").json["items"]
    assert [(i["process_id"], i["status"]) for i in items] == [("receive", "completed"), ("handle_line", "running")]
    assert items[1]["current"] == ["assign"] and items[1]["tasks"][0]["holder"].startswith("Phòng Lao động")
