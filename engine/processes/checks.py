"""What Q-Office can run, checked element by element before a diagram is deployed: supported elements,
lanes and their roles, user-task forms and properties, service operators and their parameters, gateways,
call activities, drawing information, and every piece of diagram code under the restricted compiler."""
from __future__ import annotations

import ast
from dataclasses import dataclass

from engine.errors import N_
from engine.models import Role
from engine.processes.diagram import (
    BPMN,
    BPMNDI,
    SPIFF,
    Problem,
    dedent,
    extension,
    local,
    owner_id,
    problem,
    processes,
    properties,
    q,
    text_of,
)
from engine.processes.foreign import foreign_expression
from engine.processing.replies import ABANDONED, ISSUED
from engine.workflow import forms, operators
from engine.workflow.scripting import BUILTIN_NAMES, validate

SUPPORTED = {
    "laneSet", "lane", "childLaneSet", "flowNodeRef", "startEvent", "endEvent", "intermediateCatchEvent",
    "intermediateThrowEvent", "boundaryEvent", "userTask", "serviceTask", "scriptTask", "task", "callActivity",
    "subProcess", "exclusiveGateway", "parallelGateway", "inclusiveGateway", "eventBasedGateway", "sequenceFlow",
    "conditionExpression", "timerEventDefinition", "timeDate", "timeDuration", "timeCycle", "terminateEventDefinition",
    "messageEventDefinition", "script",
    "incoming", "outgoing", "extensionElements", "documentation", "textAnnotation", "text", "association", "group",
}
UNSUPPORTED_HINTS = {
    **dict.fromkeys(("signalEventDefinition", "escalationEventDefinition", "errorEventDefinition",
                     "compensateEventDefinition", "conditionalEventDefinition", "linkEventDefinition",
                     "cancelEventDefinition"),
                    N_("Sự kiện loại %(kind)s chưa được Q-Office hỗ trợ: chỉ dùng sự kiện hẹn giờ (timer), sự kiện "
                       "chờ tin nhắn của Q-Office (message) và sự kiện kết thúc dừng hẳn (terminate).")),
    **dict.fromkeys(("sendTask", "receiveTask", "businessRuleTask", "manualTask"),
                    N_("Loại công việc %(kind)s chưa được Q-Office hỗ trợ: dùng user task (người làm, có biểu mẫu), "
                       "service task (thao tác của hệ thống) hoặc script task.")),
    "complexGateway": N_("Cổng %(kind)s chưa được Q-Office hỗ trợ: dùng cổng exclusive, parallel, inclusive hoặc "
                         "event-based."),
    **dict.fromkeys(("transaction", "adHocSubProcess"),
                    N_("%(kind)s chưa được Q-Office hỗ trợ: dùng sub-process thường.")),
    **dict.fromkeys(("multiInstanceLoopCharacteristics", "standardLoopCharacteristics"),
                    N_("Vòng lặp (%(kind)s) chưa được Q-Office hỗ trợ: các dòng xử lý song song do Q-Office mở "
                       "theo phân công của lãnh đạo.")),
    **dict.fromkeys(("dataObject", "dataObjectReference", "dataStoreReference", "dataInputAssociation",
                     "dataOutputAssociation", "ioSpecification", "property"),
                    N_("Đối tượng dữ liệu (%(kind)s) chưa được Q-Office hỗ trợ: dữ liệu của luồng dùng chung cho "
                       "mọi bước.")),
}
EVENT_DEFINITIONS = {"startEvent": set(), "endEvent": {"terminateEventDefinition"},
                     "boundaryEvent": {"timerEventDefinition"},
                     "intermediateCatchEvent": {"timerEventDefinition", "messageEventDefinition"},
                     "intermediateThrowEvent": set()}
DRAWN = {"startEvent", "endEvent", "intermediateCatchEvent", "intermediateThrowEvent", "boundaryEvent", "userTask",
         "serviceTask", "scriptTask", "task", "callActivity", "subProcess", "exclusiveGateway", "parallelGateway",
         "inclusiveGateway", "eventBasedGateway", "sequenceFlow", "lane"}
# Unsupported elements that are shapes of their own (the others are parts of a shape).
UNSUPPORTED_SHAPES = {"sendTask", "receiveTask", "businessRuleTask", "manualTask", "complexGateway",
                      "transaction", "adHocSubProcess", "dataObjectReference", "dataStoreReference"}
USER_TASK_PROPERTIES = ("assignee", "unit", "due", "form")
MESSAGES = (ISSUED, ABANDONED)  # what Q-Office delivers to waiting diagrams (engine/processing/replies.py)
TIMER_KINDS = ("timeDate", "timeDuration", "timeCycle")


@dataclass(frozen=True)
class Code:
    """A piece of diagram code: where it is, the text, 'eval' or 'exec', and the timer kind if any."""

    element_id: str
    source: str
    mode: str
    timer_kind: str | None = None


def elements_of(root, tag: str) -> list:
    return [el for proc in processes(root) for el in proc.iter(q(tag))]


def unsupported_elements(root) -> list[Problem]:
    found = []
    for proc in processes(root):
        for node in proc.iter():
            if not isinstance(node.tag, str) or not node.tag.startswith(f"{{{BPMN}}}") or node is proc:
                continue
            kind = local(node)
            if _inside_extension(node):
                continue
            if kind not in SUPPORTED:
                found.append(problem(_drawn_owner(node, proc), "unsupported_element",
                                     UNSUPPORTED_HINTS.get(kind, N_("Phần tử %(kind)s chưa được Q-Office hỗ trợ.")),
                                     kind=kind))
            elif kind.endswith("EventDefinition") and node.getparent() is not None:
                event = local(node.getparent())
                if kind not in EVENT_DEFINITIONS.get(event, set()):
                    found.append(problem(node.getparent().get("id"), "unsupported_event",
                                         N_("Sự kiện %(event)s loại %(kind)s chưa được Q-Office hỗ trợ: bắt đầu bằng "
                                            "sự kiện không loại, hẹn giờ ở sự kiện gắn vào công việc hoặc sự kiện "
                                            "chờ, tin nhắn ở sự kiện chờ, kết thúc bằng sự kiện thường hoặc dừng "
                                            "hẳn."),
                                         event=event, kind=kind))
    return found


def _drawn_owner(node, process) -> str:
    """The id of the element drawn on the diagram that a part belongs to (an event for its definition,
    a task for its loop), so that the modeler can mark it."""
    while node is not process and local(node) not in DRAWN | UNSUPPORTED_SHAPES:
        node = node.getparent()
    return node.get("id")


def _inside_extension(node) -> bool:
    parent = node.getparent()
    while parent is not None:
        if parent.tag == q("extensionElements"):
            return True
        parent = parent.getparent()
    return False


def missing_drawings(root) -> list[Problem]:
    drawn = {shape.get("bpmnElement") for shape in root.iter(q("BPMNShape", BPMNDI), q("BPMNEdge", BPMNDI))}
    return [problem(el.get("id"), "not_drawn",
                    N_("Phần tử chưa có hình vẽ trên sơ đồ (BPMNDI): mở và lưu sơ đồ trong trình vẽ để bổ sung."))
            for proc in processes(root) for el in proc.iter()
            if isinstance(el.tag, str) and el.tag.startswith(f"{{{BPMN}}}") and local(el) in DRAWN
            and el.get("id") not in drawn]


def lanes_and_user_tasks(root) -> list[Problem]:
    found = []
    lane_of = {}
    for lane in elements_of(root, "lane"):
        props = properties(lane)
        role = props.get("role") or lane.get("name") or ""
        if role not in Role.LANES:
            found.append(problem(lane.get("id"), "unknown_role",
                                 N_("Làn “%(lane)s” chưa gắn vai trò của Q-Office: chọn vai trò Văn thư (Clerk), Lãnh "
                                    "đạo Sở (Leader), Lãnh đạo phòng (UnitHead), Chuyên viên (Specialist) hoặc "
                                    "Người soạn thảo (Drafter)."), lane=lane.get("name") or lane.get("id")))
        for unknown in sorted(set(props) - {"role"}):
            found.append(_unknown_property(lane.get("id"), unknown))
        for ref in lane.findall(q("flowNodeRef")):
            lane_of[text_of(ref)] = lane
    for task in elements_of(root, "userTask"):
        task_id = task.get("id")
        props = properties(task)
        if task_id not in lane_of:
            found.append(problem(task_id, "user_task_without_lane",
                                 N_("Công việc của người dùng phải nằm trong một làn (vai trò) để biết ai nhận việc.")))
        form = props.get("form") or task_id
        if form not in forms.FORMS:
            found.append(problem(
                task_id, "unknown_form",
                N_("Biểu mẫu “%(form)s” không có trong Q-Office: chọn một biểu mẫu có sẵn (%(known)s)."),
                form=form, known=", ".join(sorted(forms.FORMS))))
        for unknown in sorted(set(props) - set(USER_TASK_PROPERTIES)):
            found.append(_unknown_property(task_id, unknown))
    return found


def _unknown_property(element_id: str, name: str) -> Problem:
    return problem(element_id, "unknown_property",
                   N_("Thuộc tính “%(name)s” không được Q-Office dùng (công việc: assignee, unit, due, form; làn: "
                      "role)."), name=name)


def service_tasks(root) -> list[Problem]:
    found = []
    for task in elements_of(root, "serviceTask"):
        task_id = task.get("id")
        node = extension(task, "serviceTaskOperator")
        if node is None or not node.get("id"):
            found.append(problem(task_id, "missing_operator",
                                 N_("Service task chưa chọn thao tác: chọn một thao tác trong danh sách cho phép.")))
            continue
        name = node.get("id")
        if name not in operators.OPERATORS:
            found.append(problem(task_id, "unknown_operator",
                                 N_("Thao tác “%(name)s” không có trong danh sách cho phép của Q-Office."), name=name))
            continue
        given = {p.get("id") for p in node.iter(q("parameter", SPIFF))}
        declared = {p.name: p for p in operators.params_of(name)}
        for param in declared.values():
            if param.required and param.name not in given:
                found.append(problem(task_id, "missing_parameter",
                                     N_("Thao tác “%(operator)s” cần tham số “%(param)s” (%(description)s)."),
                                     operator=name, param=param.name, description=param.description))
        for extra in sorted(given - set(declared)):
            found.append(problem(task_id, "unknown_parameter",
                                 N_("Thao tác “%(operator)s” không có tham số “%(param)s”."), operator=name,
                                 param=extra or "?"))
    return found


def gateways(root) -> list[Problem]:
    found = []
    for proc in processes(root):
        flows = list(proc.iter(q("sequenceFlow")))
        for kind in ("exclusiveGateway", "inclusiveGateway"):
            for gateway in proc.iter(q(kind)):
                outgoing = [f for f in flows if f.get("sourceRef") == gateway.get("id")]
                if len(outgoing) < 2:
                    continue  # a join, or a single way on
                default = gateway.get("default")
                if not default:
                    found.append(problem(gateway.get("id"), "gateway_without_default",
                                         N_("Cổng rẽ nhánh chưa có nhánh mặc định: chọn một nhánh làm mặc định để văn "
                                            "bản không bị kẹt khi không điều kiện nào đúng.")))
                for flow in outgoing:
                    if flow.get("id") != default and not text_of(flow.find(q("conditionExpression"))):
                        found.append(problem(flow.get("id"), "flow_without_condition",
                                             N_("Nhánh ra khỏi cổng rẽ nhánh cần điều kiện (biểu thức Python), trừ "
                                                "nhánh mặc định.")))
    return found


def messages(root) -> list[Problem]:
    """A message catch event waits for a message Q-Office sends; any other would wait forever."""
    names = {m.get("id"): m.get("name") for m in root.iter(q("message"))}
    found = []
    for definition in elements_of(root, "messageEventDefinition"):
        event = definition.getparent()
        name = names.get(definition.get("messageRef"))
        if name is None:
            found.append(problem(event.get("id"), "message_undefined",
                                 N_("Sự kiện chờ tin nhắn chưa chọn tin nhắn (bpmn:message) nào.")))
        elif name not in MESSAGES:
            found.append(problem(event.get("id"), "unknown_message",
                                 N_("Q-Office không gửi tin nhắn “%(name)s”: văn bản sẽ chờ mãi. Các tin nhắn có: "
                                    "%(known)s."), name=name, known=", ".join(MESSAGES)))
    return found


def call_activities(root, deployed: set[str]) -> list[Problem]:
    own = {p.get("id") for p in processes(root)}
    found = []
    for call in elements_of(root, "callActivity"):
        called = call.get("calledElement")
        if not called:
            found.append(problem(call.get("id"), "call_without_process",
                                 N_("Hoạt động gọi quy trình con chưa ghi mã quy trình được gọi (calledElement).")))
        elif called not in own and called not in deployed:
            found.append(problem(call.get("id"), "call_not_deployed",
                                 N_("Quy trình “%(process)s” được gọi chưa được triển khai: triển khai nó trước."),
                                 process=called))
    return found


def timers(root) -> list[Problem]:
    found = []
    for definition in elements_of(root, "timerEventDefinition"):
        event = definition.getparent()
        if not any(text_of(definition.find(q(kind))) for kind in TIMER_KINDS):
            found.append(problem(event.get("id"), "timer_without_expression",
                                 N_("Sự kiện hẹn giờ chưa có biểu thức: chọn thời điểm (date), khoảng thời gian "
                                    "(duration) hoặc chu kỳ (cycle) và viết biểu thức Python.")))
    return found


def scripts(root) -> list[Problem]:
    found = []
    for task in elements_of(root, "scriptTask"):
        language = (task.get("scriptFormat") or "python").lower()
        if language != "python":
            found.append(problem(task.get("id"), "script_language",
                                 N_("Mã script phải là Python (đang là %(language)s)."), language=language))
        if not text_of(task.find(q("script"))):
            found.append(problem(task.get("id"), "empty_script", N_("Script task chưa có mã.")))
    return found


def code_of(root) -> list[Code]:
    """Every piece of diagram code: conditions, scripts, timers, user-task properties, operator parameters."""
    code = []
    for flow in elements_of(root, "sequenceFlow"):
        if text_of(flow.find(q("conditionExpression"))):
            code.append(Code(flow.get("id"), text_of(flow.find(q("conditionExpression"))), "eval"))
    for task in elements_of(root, "scriptTask"):
        if text_of(task.find(q("script"))):
            code.append(Code(task.get("id"), task.find(q("script")).text, "exec"))
    for proc in processes(root):
        for node in proc.iter():
            for tag in ("preScript", "postScript"):
                if isinstance(node.tag, str) and text_of(extension(node, tag)):
                    code.append(Code(node.get("id"), extension(node, tag).text, "exec"))
    for definition in elements_of(root, "timerEventDefinition"):
        for kind in TIMER_KINDS:
            if text_of(definition.find(q(kind))):
                code.append(Code(definition.getparent().get("id"), text_of(definition.find(q(kind))), "eval", kind))
    for task in elements_of(root, "userTask"):
        for name, value in properties(task).items():
            if name in ("assignee", "unit", "due") and value.strip():
                code.append(Code(task.get("id"), value, "eval"))
    for task in elements_of(root, "serviceTask"):
        node = extension(task, "serviceTaskOperator")
        for param in (node.iter(q("parameter", SPIFF)) if node is not None else ()):
            code.append(Code(task.get("id"), param.get("value") or "", "eval"))
    return code


def code_problems(code: list[Code], functions: set[str]) -> list[Problem]:
    """Foreign expressions, then what the restricted compiler refuses, then calls to unknown functions."""
    found = []
    for piece in code:
        foreign = foreign_expression(piece.element_id, piece.source, timer_kind=piece.timer_kind)
        if foreign is not None:
            found.append(foreign)
            continue
        errors = validate(dedent(piece.source), piece.mode)
        if errors:
            found.append(problem(piece.element_id, "restricted_code",
                                 N_("Mã trong sơ đồ bị từ chối: %(detail)s (biểu thức: %(source)s)"),
                                 detail="; ".join(errors), source=_short(piece.source)))
            continue
        for name in _unknown_calls(dedent(piece.source), piece.mode, functions):
            found.append(problem(piece.element_id, "unknown_function",
                                 N_("Hàm “%(name)s” không có trong Q-Office (biểu thức: %(source)s)."),
                                 name=name, source=_short(piece.source)))
    return found


def _short(source: str) -> str:
    flat = " ".join(source.split())
    return flat if len(flat) <= 120 else flat[:117] + "…"


def _unknown_calls(source: str, mode: str, functions: set[str]) -> list[str]:
    tree = ast.parse(source, mode=mode)
    defined = {node.name for node in ast.walk(tree) if isinstance(node, ast.FunctionDef)}
    defined |= {node.id for node in ast.walk(tree) if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store)}
    called = [node.func.id for node in ast.walk(tree)
              if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)]
    known = functions | BUILTIN_NAMES | defined
    return sorted({name for name in called if name not in known})


def expression_languages(root) -> list[Problem]:
    """Conditions and timers are Python; an expression declaring another language is refused."""
    found = []
    for node in root.iter(q("conditionExpression"), q("timeDate"), q("timeDuration"), q("timeCycle")):
        language = node.get("language")
        if language and language.lower() not in ("python", "http://www.python.org"):
            found.append(problem(owner_id(node), "expression_language",
                                 N_("Biểu thức phải viết bằng Python (đang khai báo ngôn ngữ %(language)s)."),
                                 language=language))
    return found
