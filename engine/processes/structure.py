"""How a diagram hangs together, checked before SpiffWorkflow reads it: ids used once and short enough to
be stored, flows between elements that exist, lanes told apart by name (the runtime finds a task's role
by its lane's name), and no process that ends up calling itself."""
from __future__ import annotations

from collections import Counter

from lxml import etree

from engine.errors import N_
from engine.processes.diagram import BPMN, BPMNDI, Problem, local, problem, processes, q

FLOW_NODES = {"startEvent", "endEvent", "intermediateCatchEvent", "intermediateThrowEvent", "boundaryEvent",
              "userTask", "serviceTask", "scriptTask", "task", "callActivity", "subProcess", "exclusiveGateway",
              "parallelGateway", "inclusiveGateway", "eventBasedGateway", "sendTask", "receiveTask",
              "businessRuleTask", "manualTask", "complexGateway", "transaction", "adHocSubProcess"}


def duplicate_ids(root) -> list[Problem]:
    """Every id of the diagram's elements and drawings once (the schema's xs:ID): a second hides the first.
    Extensions (operator parameters …) have ids of their own kind."""
    counts = Counter(node.get("id") for node in root.iter()
                     if isinstance(node.tag, str) and node.get("id") and etree.QName(node).namespace in (BPMN, BPMNDI))
    return [problem(element_id, "duplicate_id",
                    N_("Mã phần tử “%(id)s” bị trùng: mỗi phần tử và hình vẽ phải có mã riêng."), id=element_id)
            for element_id, count in counts.items() if count > 1]


MAX_ID, MAX_NAME = 100, 300  # what the inbox keeps of a step: its element id and its name


def lengths(root) -> list[Problem]:
    """Ids and names short enough for the inbox to keep (a step's id and name are stored with it)."""
    found = []
    for node in root.iter():
        if not isinstance(node.tag, str) or etree.QName(node).namespace != BPMN:
            continue
        element_id, name = node.get("id") or "", node.get("name") or ""
        if len(element_id) > MAX_ID:
            found.append(problem(element_id[:MAX_ID] + "…", "id_too_long",
                                 N_("Mã phần tử dài quá %(max)s ký tự."), max=MAX_ID))
        if len(name) > MAX_NAME:
            found.append(problem(element_id[:MAX_ID], "name_too_long",
                                 N_("Tên phần tử dài quá %(max)s ký tự: rút gọn tên, ghi phần còn lại vào tài liệu "
                                    "(documentation)."), max=MAX_NAME))
    return found


def dangling_flows(root) -> list[Problem]:
    """A sequence flow must join two elements of its own process or sub-process."""
    found = []
    for proc in processes(root):
        for flow in proc.iter(q("sequenceFlow")):
            scope = {node.get("id") for node in flow.getparent()
                     if isinstance(node.tag, str) and local(node) in FLOW_NODES}
            for end, template in (("sourceRef", N_("Luồng “%(flow)s” đi ra từ “%(ref)s”, phần tử không có trong "
                                                   "cùng quy trình: nối lại đầu luồng trong trình vẽ.")),
                                  ("targetRef", N_("Luồng “%(flow)s” đi tới “%(ref)s”, phần tử không có trong "
                                                   "cùng quy trình: nối lại cuối luồng trong trình vẽ."))):
                ref = flow.get(end) or ""
                if ref not in scope:
                    found.append(problem(flow.get("id"), "dangling_flow", template, flow=flow.get("id"), ref=ref))
    return found


def lane_names(root) -> list[Problem]:
    """The runtime knows a task's lane by its name only: two lanes with one name (or two without a
    name) would give one of them the other's role."""
    found = []
    for proc in processes(root):
        lanes = list(proc.iter(q("lane")))
        counts = Counter((lane.get("name") or "").strip() for lane in lanes)
        for lane in lanes:
            name = (lane.get("name") or "").strip()
            if counts[name] > 1:
                found.append(problem(lane.get("id"), "duplicate_lane",
                                     N_("Hai làn cùng tên “%(name)s”: đặt cho mỗi làn một tên riêng (công việc được "
                                        "giao theo tên làn)."), name=name))
    return found


def call_cycles(root, calls_of_deployed: dict[str, set[str]]) -> list[Problem]:
    """A call activity must not lead back to its own process, directly or through deployed processes
    (``calls_of_deployed``: each deployed process id -> the ids its newest version calls)."""
    own = {proc.get("id"): {call.get("calledElement") for call in proc.iter(q("callActivity"))} - {None}
           for proc in processes(root)}
    graph = {**calls_of_deployed, **own}
    found = []
    for proc in processes(root):
        for call in proc.iter(q("callActivity")):
            called = call.get("calledElement")
            if called and proc.get("id") in _reachable(called, graph):
                found.append(problem(call.get("id"), "call_cycle",
                                     N_("Quy trình “%(process)s” gọi “%(called)s”, mà quy trình này lại dẫn tới gọi "
                                        "chính “%(process)s”: một văn bản sẽ gọi mãi không dừng."),
                                     process=proc.get("id"), called=called))
    return found


def _reachable(start: str, graph: dict[str, set[str]]) -> set[str]:
    seen, stack = {start}, [start]
    while stack:
        for called in graph.get(stack.pop(), ()):
            if called not in seen:
                seen.add(called)
                stack.append(called)
    return seen
