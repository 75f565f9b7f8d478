"""Comparing two versions of a process: which elements were added, removed or changed, and what changed
(a name, a lane, a deadline expression, an operator's parameters …), read from the diagrams themselves."""
from __future__ import annotations

from dataclasses import dataclass, field

from engine.errors import N_
from engine.models import ProcessVersion
from engine.processes.diagram import (
    BPMNDI,
    SPIFF,
    dedent,
    extension,
    local,
    parse,
    processes,
    properties,
    q,
    text_of,
)

# What each compared aspect is called for people.
FIELD_LABELS = {
    "type": N_("Loại phần tử"), "name": N_("Tên"), "lane": N_("Làn (vai trò)"), "role": N_("Vai trò của làn"),
    "assignee": N_("Người xử lý (assignee)"), "unit": N_("Đơn vị (unit)"), "due": N_("Hạn xử lý (due)"),
    "form": N_("Biểu mẫu"), "operator": N_("Thao tác"), "parameters": N_("Tham số thao tác"),
    "result": N_("Biến kết quả"), "script": N_("Mã script"), "timer": N_("Hẹn giờ"),
    "attached_to": N_("Gắn vào công việc"), "interrupting": N_("Dừng công việc khi đến giờ"),
    "condition": N_("Điều kiện"), "source": N_("Đi từ"), "target": N_("Đi đến"), "default": N_("Nhánh mặc định"),
    "called": N_("Quy trình được gọi"),
}


# Parts of an element that carry ids of their own but are compared as part of it.
_PARTS = {"laneSet", "conditionExpression", "timeDate", "timeDuration", "timeCycle", "script"}


@dataclass
class ElementChange:
    element_id: str
    kind: str  # added | removed | changed
    type: str
    name: str
    fields: list[dict] = field(default_factory=list)  # [{"field", "old", "new"}] for changed elements


@dataclass
class Comparison:
    old: ProcessVersion
    new: ProcessVersion
    changes: list[ElementChange]
    layout_changed: bool

    def as_dict(self) -> dict:
        return {"process_id": self.new.process_id, "from_version": self.old.version, "to_version": self.new.version,
                "layout_changed": self.layout_changed,
                "changes": [{"element_id": c.element_id, "change": c.kind, "type": c.type, "name": c.name,
                             "fields": c.fields} for c in self.changes]}


def compare(old: ProcessVersion, new: ProcessVersion) -> Comparison:
    """The elements that differ between two versions, in the order of the newer diagram."""
    before, after = describe(old.bpmn_xml), describe(new.bpmn_xml)
    changes = []
    for element_id, desc in after.items():
        if element_id not in before:
            changes.append(ElementChange(element_id, "added", desc["type"], desc.get("name", "")))
        elif before[element_id] != desc:
            fields = [{"field": key, "old": before[element_id].get(key, ""), "new": desc.get(key, "")}
                      for key in FIELD_LABELS if before[element_id].get(key, "") != desc.get(key, "")]
            changes.append(ElementChange(element_id, "changed", desc["type"], desc.get("name", ""), fields))
    for element_id, desc in before.items():
        if element_id not in after:
            changes.append(ElementChange(element_id, "removed", desc["type"], desc.get("name", "")))
    return Comparison(old, new, changes, _layout(old.bpmn_xml) != _layout(new.bpmn_xml))


def describe(xml: str) -> dict[str, dict[str, str]]:
    """Element id -> the aspects that matter to how a document runs, as text."""
    root, _problems = parse(xml)
    if root is None:
        return {}
    lane_of = {}
    for lane in root.iter(q("lane")):
        for ref in lane.findall(q("flowNodeRef")):
            lane_of[text_of(ref)] = lane.get("name") or lane.get("id")
    defaults = {g.get("default") for g in root.iter() if isinstance(g.tag, str) and g.get("default")}
    result = {}
    for proc in processes(root):
        for node in proc.iter():
            if not isinstance(node.tag, str) or not node.get("id") or local(node) in _PARTS \
                    or local(node).endswith("EventDefinition"):
                continue
            result[node.get("id")] = _aspects(node, lane_of, defaults)
    return result


def _aspects(node, lane_of: dict, defaults: set) -> dict[str, str]:
    kind = local(node)
    desc = {"type": kind, "name": " ".join((node.get("name") or "").split())}
    if node.get("id") in lane_of:
        desc["lane"] = lane_of[node.get("id")]
    props = properties(node)
    for key in ("assignee", "unit", "due", "form", "role"):
        if key in props:
            desc[key] = props[key]
    operator = extension(node, "serviceTaskOperator")
    if operator is not None:
        desc["operator"] = operator.get("id") or ""
        desc["result"] = operator.get("resultVariable") or ""
        desc["parameters"] = "; ".join(f"{p.get('id')} = {p.get('value')}"
                                       for p in operator.iter(q("parameter", SPIFF)))
    if kind == "scriptTask":
        desc["script"] = dedent(node.find(q("script")).text or "") if node.find(q("script")) is not None else ""
    timer = node.find(q("timerEventDefinition"))
    if timer is not None:
        desc["timer"] = "; ".join(f"{local(t)}: {text_of(t)}" for t in timer if isinstance(t.tag, str))
    if kind == "boundaryEvent":
        desc["attached_to"] = node.get("attachedToRef") or ""
        desc["interrupting"] = node.get("cancelActivity", "true")
    if kind == "sequenceFlow":
        desc.update(source=node.get("sourceRef") or "", target=node.get("targetRef") or "",
                    condition=text_of(node.find(q("conditionExpression"))),
                    default="yes" if node.get("id") in defaults else "")
    if kind == "callActivity":
        desc["called"] = node.get("calledElement") or ""
    return desc


def _layout(xml: str) -> list[tuple]:
    root, _problems = parse(xml)
    if root is None:
        return []
    return [(shape.get("bpmnElement"), tuple((k, v) for child in shape.iter() for k, v in sorted(child.attrib.items())))
            for shape in root.iter(q("BPMNShape", BPMNDI), q("BPMNEdge", BPMNDI))]
