"""Timers checked on a sample document: each timer expression is evaluated with the data a real document
would carry at that point of the flow, and its value must be a time Q-Office can wait for.

The data is the start data the engine gives each process (a sample of it, below), the variables the
diagram's scripts compute from it, and sample results of the operators whose results timers read.
A name that only a person's form would supply cannot be known before run time; such a timer is checked
by the compiler alone.
"""
from __future__ import annotations

from collections import deque
from datetime import datetime

from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition

from engine.errors import N_
from engine.processes.checks import TIMER_KINDS
from engine.processes.diagram import Problem, dedent, extension, problem, q, text_of
from engine.workflow import operators
from engine.workflow.runtime import expression_functions
from engine.workflow.scripting import RestrictedEnvironment

SAMPLE_MOMENT = "2026-03-02T09:00:00+07:00"  # a Monday morning
# The data each process starts with (engine/incoming/registration.py, engine/processing/lines.py,
# engine/outgoing/drafting.py); tests/test_process_validation.py keeps these keys equal to the real ones.
START_DATA = {
    "receive": {"document_id": 1, "urgency": "normal", "doc_type": "CV", "received_at": SAMPLE_MOMENT,
                "default_leader": "giamdoc"},
    "handle_line": {"document_id": 1, "line_id": 1, "kind": "lead", "target_type": "unit", "unit": "ldvl",
                    "holder": "cv.ldvl", "due": "2026-03-09T17:00:00+07:00", "urgency": "normal"},
    "issue_sign_send": {"document_id": 1, "drafter": "cv.ldvl", "review_unit": "ldvl", "needs_review": True,
                        "signer": "giamdoc", "urgency": "normal", "due": "2026-03-09T17:00:00+07:00"},
}


def start_data(process_id: str) -> dict:
    """Sample start data of a process; a process Q-Office does not start itself (a called sub-process)
    gets what any of them may pass on."""
    if process_id in START_DATA:
        return dict(START_DATA[process_id])
    merged = {}
    for data in START_DATA.values():
        merged.update(data)
    return merged


def timer_problems(process) -> list[Problem]:
    """Walk the process from its start events, running its scripts on the sample data, and evaluate each
    timer with the data reached at its place."""
    functions = expression_functions()
    environment = RestrictedEnvironment(functions)
    data = start_data(process.get("id"))
    found = []
    for node in _walk(process):
        kind = node.tag.split("}")[1]
        if kind == "scriptTask" and text_of(node.find(q("script"))):
            _run_script(environment, dedent(node.find(q("script")).text), data)
        elif kind == "serviceTask":
            operator = extension(node, "serviceTaskOperator")
            if operator is not None and operator.get("id") in operators.SAMPLES:
                data[operator.get("resultVariable") or f"spiff__{node.get('id')}_result"] = dict(
                    operators.SAMPLES[operator.get("id")])
        definition = node.find(q("timerEventDefinition"))
        if definition is not None:
            for timer_kind in TIMER_KINDS:
                source = text_of(definition.find(q(timer_kind)))
                if source:
                    found += _check_timer(environment, node.get("id"), timer_kind, dedent(source), data)
    return found


def _walk(process):
    """Flow nodes in the order a document reaches them (breadth first from the start events); boundary
    events follow the activity they are attached to, a sub-process its own start events."""
    nodes = {el.get("id"): el for el in process.iter() if isinstance(el.tag, str) and el.get("id")}
    outgoing: dict[str, list[str]] = {}
    attached: dict[str, list[str]] = {}
    for el in nodes.values():
        if el.tag == q("sequenceFlow"):
            outgoing.setdefault(el.get("sourceRef"), []).append(el.get("targetRef"))
        elif el.tag == q("boundaryEvent"):
            attached.setdefault(el.get("attachedToRef"), []).append(el.get("id"))
    queue = deque(el.get("id") for el in process.iter(q("startEvent")) if el.getparent() is process)
    seen = set()
    while queue:
        node_id = queue.popleft()
        if node_id in seen or node_id not in nodes:
            continue
        seen.add(node_id)
        node = nodes[node_id]
        yield node
        queue.extend(attached.get(node_id, ()))
        if node.tag == q("subProcess"):
            queue.extend(el.get("id") for el in node.findall(q("startEvent")))
        queue.extend(outgoing.get(node_id, ()))


def _run_script(environment, script: str, data: dict) -> None:
    try:
        environment.execute(script, data)
    except Exception:  # noqa: BLE001 - a script may need what only a form supplies; the compiler checked it
        pass


def _check_timer(environment, element_id: str, kind: str, source: str, data: dict) -> list[Problem]:
    try:
        value = environment.evaluate(source, dict(data))
    except NameError:
        return []  # needs data a person supplies at run time; unknown functions are reported elsewhere
    except Exception as exc:  # noqa: BLE001 - any failure of the owner's expression is the finding
        return [problem(element_id, "timer_sample",
                        N_("Biểu thức hẹn giờ lỗi khi tính trên văn bản mẫu: %(detail)s"), detail=_describe(exc))]
    template = _bad_value(kind, value)
    if template is None:
        return []
    return [problem(element_id, "timer_value", template, value=repr(value)[:80])]


def _describe(exc: Exception) -> str:
    return f"{type(exc).__name__}: {exc}"[:200]


NOT_TEXT = N_("Hẹn giờ tính trên văn bản mẫu ra %(value)s: phải là một chuỗi theo ISO 8601.")
NAIVE = N_("Hẹn giờ tính trên văn bản mẫu ra %(value)s: thời điểm phải ghi rõ múi giờ, ví dụ "
           "'2026-03-02T17:00:00+07:00' (các hàm lịch làm việc đã trả về +07:00).")
BAD_VALUE = {
    "timeDate": N_("Hẹn giờ tính trên văn bản mẫu ra %(value)s: thời điểm phải theo ISO 8601, ví dụ "
                   "'2026-03-02T17:00:00+07:00'."),
    "timeDuration": N_("Hẹn giờ tính trên văn bản mẫu ra %(value)s: khoảng thời gian phải theo ISO 8601, ví dụ "
                       "'PT2H' hoặc 'P1D'."),
    "timeCycle": N_("Hẹn giờ tính trên văn bản mẫu ra %(value)s: chu kỳ phải theo ISO 8601, ví dụ "
                    "'R5/2026-03-03T07:30:00+07:00/P1D'."),
}


TOO_LONG = N_("Hẹn giờ tính trên văn bản mẫu ra %(value)s: dài quá 10 năm (thời hạn xử lý văn bản tính bằng "
             "ngày, tháng).")
TOO_OFTEN = N_("Hẹn giờ tính trên văn bản mẫu ra %(value)s: chu kỳ lặp phải từ 1 phút trở lên.")
MAX_TIMER_DAYS = 3660  # SpiffWorkflow walks a duration month by month, and dates end at year 9999
MIN_CYCLE_SECONDS = 60
_APPROXIMATE_DAYS = {"years": 366, "months": 31, "weeks": 7, "days": 1, "hours": 1 / 24, "minutes": 1 / 1440,
                     "seconds": 1 / 86400}


def _bad_value(kind: str, value) -> str | None:
    """The message saying why a timer value cannot be waited for, or None when it can."""
    if not isinstance(value, str):
        return NOT_TEXT
    try:
        if kind == "timeDate":
            if datetime.fromisoformat(value).tzinfo is None:
                return NAIVE
        elif kind == "timeDuration":
            if not value.upper().startswith("P") or not TimerEventDefinition.parse_iso_duration(value):
                return BAD_VALUE[kind]
            if _days(value) > MAX_TIMER_DAYS:
                return TOO_LONG
        elif not value.upper().startswith("R"):
            return BAD_VALUE[kind]
        else:
            durations = [_days(part) for part in value.upper().replace("--", "/").split("/")[1:]
                         if part.startswith("P")]
            if any(days > MAX_TIMER_DAYS for days in durations):
                return TOO_LONG  # checked before SpiffWorkflow walks it month by month
            if any(days * 86400 < MIN_CYCLE_SECONDS for days in durations):
                return TOO_OFTEN
            TimerEventDefinition.parse_iso_recurring_interval(value)
    # SpiffWorkflow says "Invalid duration" with a bare Exception; dates beyond year 9999 overflow.
    except Exception:  # noqa: BLE001 - whatever the parse raises, the value cannot be waited for
        return BAD_VALUE[kind]
    return None


def _days(duration: str) -> float:
    """About how many days an ISO 8601 duration lasts (months and years counted long)."""
    parsed = TimerEventDefinition.parse_iso_duration(duration)
    return sum(float(amount) * _APPROXIMATE_DAYS[unit] for unit, amount in parsed.items())
