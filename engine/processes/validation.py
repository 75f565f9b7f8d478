"""Validation before deploy: every fault of a diagram, each named by the element at fault.

Order: the XML must be readable; then the BPMN 2.0 schema, other engines' extensions, what Q-Office
supports and allows (lanes, forms, operators, gateways, call activities, drawings, diagram code); and
only for a diagram with none of those faults, SpiffWorkflow's own parse and the timers evaluated on a
sample document (both need a diagram that makes sense).
"""
from __future__ import annotations

import threading

from lxml import etree
from SpiffWorkflow.bpmn.parser.BpmnParser import XSD_PATH
from SpiffWorkflow.exceptions import SpiffWorkflowException

from engine.errors import N_
from engine.processes import checks, diagram, structure
from engine.processes.diagram import Problem, main_process, owner_id, problem
from engine.processes.foreign import foreign_extensions
from engine.processes.samples import timer_problems
from engine.workflow import operators, specs
from engine.workflow.runtime import expression_functions

_schema = None
_schema_lock = threading.Lock()


def _bpmn_schema() -> etree.XMLSchema:
    global _schema
    with _schema_lock:
        if _schema is None:
            _schema = etree.XMLSchema(etree.parse(XSD_PATH))
        return _schema


def calls_of_deployed() -> dict[str, set[str]]:
    """Each deployed process id -> the process ids its newest version calls (its keys: what is deployed)."""
    calls = {}
    for version in specs.newest_versions(with_xml=True):
        root, _problems = diagram.parse(version.bpmn_xml)
        calls[version.process_id] = specs.called_processes(root) if root is not None else set()
    return calls


def validate(xml: str, process_id: str | None = None) -> list[Problem]:
    """The problems of a diagram (empty when it can be deployed); ``process_id`` is the process it must
    define when it is uploaded as a new version of that process."""
    root, problems = diagram.parse(xml)
    if root is None:
        return problems
    process = main_process(root)
    if process is None:
        return [problem(root.get("id"), "no_process", N_("Sơ đồ chưa có quy trình (bpmn:process)."))]
    if process_id and process.get("id") != process_id:
        problems.append(problem(process.get("id"), "wrong_process",
                                N_("Sơ đồ là quy trình “%(found)s”, không phải “%(expected)s”: mở đúng quy trình hoặc "
                                   "sửa mã quy trình."), found=process.get("id"), expected=process_id))
    if not list(process.iter(diagram.q("startEvent"))):
        problems.append(problem(process.get("id"), "no_start_event", N_("Quy trình chưa có sự kiện bắt đầu.")))
    operators.load_all()
    duplicates = structure.duplicate_ids(root)
    problems += duplicates
    # The schema says the same about a second id, in the validator's English: said once, in Vietnamese.
    problems += [p for p in schema_problems(root) if not (duplicates and "xs:ID" in p.message)]
    problems += structure.lengths(root)
    problems += structure.dangling_flows(root)
    problems += structure.lane_names(root)
    deployed = calls_of_deployed()
    problems += structure.call_cycles(root, deployed)
    problems += foreign_extensions(root)
    problems += checks.unsupported_elements(root)
    problems += checks.lanes_and_user_tasks(root)
    problems += checks.service_tasks(root)
    problems += checks.gateways(root)
    problems += checks.messages(root)
    problems += checks.call_activities(root, set(deployed))
    problems += checks.timers(root)
    problems += checks.scripts(root)
    problems += checks.expression_languages(root)
    problems += checks.missing_drawings(root)
    problems += checks.code_problems(checks.code_of(root), set(expression_functions()))
    if not problems:
        problems += _spiff_problems(xml, process.get("id"))
    if not problems:
        problems += timer_problems(process)
    return _unique(problems)


def schema_problems(root) -> list[Problem]:
    """BPMN 2.0 schema errors, each at the element on the line the validator names."""
    schema = _bpmn_schema()
    if schema.validate(root):
        return []
    by_line = {}
    for node in root.iter():
        if isinstance(node.tag, str):
            by_line.setdefault(node.sourceline, node)
    return [problem(owner_id(by_line.get(error.line)) if by_line.get(error.line) is not None else None,
                    "bpmn_schema", N_("Sơ đồ không đúng chuẩn BPMN 2.0 (dòng %(line)s): %(detail)s"),
                    line=error.line, detail=error.message)
            for error in schema.error_log]


def _spiff_problems(xml: str, process_id: str) -> list[Problem]:
    try:
        specs.parse(xml, process_id, specs.dependencies(xml))
    except SpiffWorkflowException as exc:
        return [problem(getattr(exc, "id", None) or process_id, "bpmn_error",
                        N_("Sơ đồ không chạy được: %(detail)s"), detail=str(exc)[:300])]
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        return [problem(process_id, "bpmn_error", N_("Sơ đồ không chạy được: %(detail)s"), detail=str(exc)[:300])]
    return []


def _unique(problems: list[Problem]) -> list[Problem]:
    seen, result = set(), []
    for p in problems:
        key = (p.element_id, p.code, p.params)
        if key not in seen:
            seen.add(key)
            result.append(p)
    return result
