"""Validation details that need the engine itself: the sample documents timers are checked on, the
shipped diagrams after a restart, and the modeler's catalogue."""
from __future__ import annotations

from engine.db import db
from engine.models import Document, ProcessVersion, WorkflowInstance
from engine.processes.catalog import catalog
from engine.processes.samples import START_DATA
from engine.workflow import runtime, specs
from tests.processes_support import arrived, at_route, deploy, shipped
from tests.test_outgoing_api import create


def _start_data(document_id: int, process_id: str) -> dict:
    instance = (db.session.query(WorkflowInstance).join(ProcessVersion)
                .filter(WorkflowInstance.document_id == document_id, ProcessVersion.process_id == process_id).first())
    workflow = runtime.load(instance, runtime.RunContext()).workflow
    start = next(t for t in workflow.get_tasks() if t.task_spec.name == "Start")
    return start.data


def test_sample_documents_carry_what_the_engine_starts_each_process_with(api):
    doc_id = at_route(api)
    route = api.task("giamdoc", doc_id, "route")
    assert api.complete("giamdoc", route["id"], {"lead": ["unit:ldvl"]}).status_code == 200
    draft = create(api)
    assert draft.status_code == 201, draft.json
    flows = ((doc_id, "receive"), (doc_id, "handle_line"), (draft.json["id"], "issue_sign_send"))
    for document_id, process_id in flows:
        assert set(_start_data(document_id, process_id)) == set(START_DATA[process_id]), process_id


def test_a_restart_never_undoes_what_an_owner_deployed(api):
    xml = shipped("receive").replace("Phân công xử lý văn bản đến", "Phân công (đã sửa)")
    assert deploy(api, xml).status_code == 201
    assert specs.deploy_directory() == []  # the shipped files were all deployed before
    assert specs.latest("receive").version == 2 and "Phân công (đã sửa)" in specs.latest("receive").bpmn_xml


def test_lanes_are_read_by_their_role_not_their_label(api):
    doc_id = arrived(api)
    task = api.task("vanthu", doc_id, "verify")
    assert task["role"] == "clerk"  # lane "Văn thư" with role Clerk
    assert db.session.get(Document, doc_id).status == "arrived"


def test_the_catalogue_lists_what_the_runtime_allows(app):
    data = catalog()
    operators = {o["value"]: o for o in data["operators"]}
    assert {"escalation/escalate", "lines/open", "outgoing/sign"} <= set(operators)
    step = next(p for p in operators["escalation/escalate"]["params"] if p["name"] == "step")
    assert step["required"] and step["description"]
    assert {f["value"] for f in data["forms"]} >= {"verify", "route", "sign", "issue"}
    assert {r["value"] for r in data["roles"]} == {"Clerk", "Leader", "UnitHead", "Specialist", "Drafter"}
    assert "add_working_days" in {f["name"] for f in data["functions"]}
