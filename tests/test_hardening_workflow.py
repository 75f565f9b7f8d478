"""Diagram code runs on a budget: a loop in a script or a timer expression fails its step in seconds,
and the outgoing preview is rendered once per content."""
from __future__ import annotations

import time

import pytest

from engine.db import db
from engine.models import Document
from engine.workflow import specs
from engine.workflow.scripting import DiagramCodeError, RestrictedEnvironment, validate

COMPUTE = "<bpmn:script>verify_due = "


@pytest.mark.parametrize("code", [
    "while True:\n    pass", "x = [i * j for i in range(100000) for j in range(100000)]",
    "x = sum(range(999999999))", "x = 9 ** 9 ** 9",
    # One C call each, out of the step budget's reach: they froze the server or took gigabytes.
    "x = pow(10, pow(10, 8))", "x = [0] * 1000000 * 1000", "x = 'x' * 999999 * 999999", "x = 1 << 999999",
    "x = 'x'.ljust(999999)", "x = 'ab'\nx *= 999999", "x = [1]\nfor i in range(40):\n    x = x + x",
    "raise SystemExit(0)", "raise KeyboardInterrupt()",
])
def test_runaway_code_is_stopped(code):
    env = RestrictedEnvironment({})
    started = time.monotonic()
    with pytest.raises((DiagramCodeError, NameError)):  # NameError: pow, SystemExit … are not there
        env.execute(code, {})
    assert time.monotonic() - started < 10


def test_powers_and_giant_literals_are_refused_when_the_diagram_is_checked():
    assert validate("x = 2 ** 64", "exec") and validate("10000000000", "eval")
    assert validate("f'{x:>100000000}'", "eval") and validate("f'{x:>{n}}'", "eval")
    assert validate("add_working_days(received_at, 5)", "eval") == []


def test_ordinary_arithmetic_and_formatting_still_work():
    env = RestrictedEnvironment({})
    data = {"n": 7}
    env.execute("a = n * 3 + 1\nb = 'V/v ' + str(n)\nc = [n] * 3\nd = f'{n:02d}'\ne = 2 << 3\nf = 'ab'\nf *= 2",
                data)
    assert (data["a"], data["b"], data["c"], data["d"], data["e"], data["f"]) == (22, "V/v 7", [7, 7, 7], "07", 16,
                                                                                 "abab")


@pytest.mark.parametrize("replace", [
    (COMPUTE, "<bpmn:script>while True:\n    pass\nverify_due = "),
    ("<bpmn:timeDate xsi:type=\"bpmn:tFormalExpression\">verify_due</bpmn:timeDate>",
     "<bpmn:timeDate xsi:type=\"bpmn:tFormalExpression\">[i for i in range(100000) for j in range(100000)] "
     "and verify_due</bpmn:timeDate>"),
])
def test_a_looping_diagram_fails_the_step_and_stores_nothing(api, replace):
    xml = specs.latest("receive").bpmn_xml
    assert replace[0] in xml
    specs.deploy(xml.replace(*replace))
    db.session.commit()
    before = db.session.query(Document).count()
    started = time.monotonic()
    response = api.receive()
    assert response.status_code == 422 and response.json["error"] == "workflow_error"
    assert time.monotonic() - started < 30
    assert db.session.query(Document).count() == before


def test_a_timer_beyond_year_9999_fails_the_step_as_the_diagrams_error(api):
    xml = specs.latest("receive").bpmn_xml  # deployed past the checks, as an older version could have been
    specs.deploy(xml.replace('<bpmn:timeDate xsi:type="bpmn:tFormalExpression">verify_due</bpmn:timeDate>',
                             '<bpmn:timeDuration xsi:type="bpmn:tFormalExpression">\'P9999Y\'</bpmn:timeDuration>', 1))
    db.session.commit()
    before = db.session.query(Document).count()
    response = api.receive()
    assert response.status_code == 422 and response.json["error"] == "workflow_error", response.json
    assert "9999" in response.json["message"]
    assert db.session.query(Document).count() == before


def test_the_draft_preview_is_rendered_once_per_content(api, monkeypatch):
    import subprocess
    from collections import OrderedDict

    import integrations.pdf.compose as compose
    from engine.outgoing import preparing
    from tests.test_outgoing_api import create

    # Another test's draft in another database may have had this id and content: start with no previews.
    monkeypatch.setattr(preparing, "_PREVIEWS", OrderedDict())
    renders = []
    real = compose.render_draft
    monkeypatch.setattr(compose, "render_draft", lambda layout: renders.append(layout.subject) or real(layout))
    doc_id = create(api).json["id"]
    first = api.get("cv.ldvl", f"/documents/{doc_id}/preview")
    again = api.get("cv.ldvl", f"/documents/{doc_id}/preview")
    assert first.status_code == again.status_code == 200 and len(renders) == 1
    changed = api.client.patch(f"/api/v1/documents/{doc_id}/draft", headers=api.headers("cv.ldvl"),
                               json={"subject": "V/v hướng dẫn chi trả trợ cấp tháng 12"})
    assert changed.status_code == 200
    after = api.get("cv.ldvl", f"/documents/{doc_id}/preview")
    assert len(renders) == 2
    text = subprocess.run(["pdftotext", "-", "-"], input=after.data, capture_output=True, check=True).stdout
    assert "hướng dẫn chi trả trợ cấp tháng 12" in " ".join(text.decode().split())


def _task_still_open(api, doc_id: int) -> None:
    db.session.expire_all()
    assert db.session.get(Document, doc_id).status == "arrived"
    assert api.task("vanthu", doc_id, "verify") is not None


def test_a_diagram_calling_an_operator_off_the_allow_list_fails_its_step_as_the_diagrams_error(api):
    from tests.processes_support import arrived

    xml = specs.latest("receive").bpmn_xml
    assert 'serviceTaskOperator id="document/register_incoming"' in xml
    specs.deploy(xml.replace('serviceTaskOperator id="document/register_incoming"',
                             'serviceTaskOperator id="document/register_elsewhere"'))
    db.session.commit()
    doc_id = arrived(api)
    response = api.accept(doc_id)
    assert response.status_code == 422 and response.json["error"] == "workflow_error"
    assert "document/register_elsewhere" in response.json["message"]
    _task_still_open(api, doc_id)


def test_a_fault_in_the_code_is_a_server_error_not_blamed_on_the_diagram(api, monkeypatch):
    from engine.workflow import operators
    from tests.processes_support import arrived

    def faulty(ctx, **_params):
        return {}["incoming_number"]  # a KeyError: a LookupError, yet no fault of the diagram

    doc_id = arrived(api)
    monkeypatch.setitem(operators.OPERATORS, "document/register_incoming", faulty)
    response = api.accept(doc_id)
    assert response.status_code == 500 and response.json["error"] == "server_error"
    assert "sơ đồ" not in response.json["message"]
    _task_still_open(api, doc_id)


def test_a_diagram_passing_no_line_id_fails_its_step_as_the_diagrams_error(api):
    from tests.test_lifecycle_api import registered, route

    finish = ('<spiffworkflow:parameter id="line_id" type="int" value="line_id" />\n'
              '            <spiffworkflow:parameter id="result" type="str" value="action" />')
    xml = specs.latest("handle_line").bpmn_xml
    assert xml.count(finish) == 1
    specs.deploy(xml.replace(finish, finish.replace('value="line_id"', 'value="\'dòng đầu\'"')))
    db.session.commit()
    doc_id = registered(api)
    assert route(api, doc_id, {"lead": ["user:cv.ldvl"]}).status_code == 200
    task = api.task("cv.ldvl", doc_id, "process")
    response = api.complete("cv.ldvl", task["id"], {"action": "file"})
    assert response.status_code == 422 and response.json["error"] == "workflow_error"
    assert api.task("cv.ldvl", doc_id, "process")["id"] == task["id"]  # still open, nothing stored
