"""A tiny writer for the shipped diagrams: elements, flows and BPMNDI from one description.

Process owners edit diagrams in a modeler; developers keep the shipped versions readable and
their coordinates consistent with this. Run ``python scripts/diagrams/<name>.py`` to rewrite
``bpmn/<name>.bpmn``.
"""
from __future__ import annotations

from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

BPMN_DIR = Path(__file__).resolve().parents[2] / "bpmn"


class Diagram:
    def __init__(self, process_id: str, name: str, lanes: dict[str, tuple]):
        self.process_id, self.name = process_id, name
        self.lanes = lanes  # lane name -> (x, y, w, h)
        self.elements: list[tuple] = []  # (lane, tag, id, name, inner, attrs, bounds)
        self.flows: dict[str, tuple] = {}
        self.messages: list[str] = []
        self._event_definitions: dict[str, str] = {}  # event id -> definition XML (after incoming/outgoing)

    def add(self, lane, tag, eid, name, bounds, inner="", attrs=""):
        self.elements.append((lane, tag, eid, name, inner, attrs, bounds))

    def flow(self, fid, src, tgt, waypoints, name=None, condition=None):
        self.flows[fid] = (src, tgt, name, condition, waypoints)

    # --- extension helpers ---
    @staticmethod
    def props(**values):
        inner = "\n".join(f"          <spiffworkflow:property name={quoteattr(k)} value={quoteattr(v)} />"
                          for k, v in values.items())
        return ("      <bpmn:extensionElements>\n        <spiffworkflow:properties>\n"
                f"{inner}\n        </spiffworkflow:properties>\n      </bpmn:extensionElements>\n")

    @staticmethod
    def operator(operator_id, result_variable, **params):
        if not params:
            return ("      <bpmn:extensionElements>\n        <spiffworkflow:serviceTaskOperator "
                    f"id={quoteattr(operator_id)} resultVariable={quoteattr(result_variable)} />\n      </bpmn:extensionElements>\n")
        rows = "\n".join(f"            <spiffworkflow:parameter id={quoteattr(k)} type={quoteattr(t)} value={quoteattr(v)} />"
                         for k, (t, v) in params.items())
        return ("      <bpmn:extensionElements>\n        <spiffworkflow:serviceTaskOperator "
                f"id={quoteattr(operator_id)} resultVariable={quoteattr(result_variable)}>\n          <spiffworkflow:parameters>\n"
                f"{rows}\n          </spiffworkflow:parameters>\n        </spiffworkflow:serviceTaskOperator>\n"
                "      </bpmn:extensionElements>\n")

    def message_catch(self, lane, eid, name, message, variable, bounds):
        """An intermediate event waiting for ``message``; its payload lands in ``variable``."""
        if message not in self.messages:
            self.messages.append(message)
        self.add(lane, "intermediateCatchEvent", eid, name, bounds)
        self._event_definitions[eid] = (
            f'      <bpmn:messageEventDefinition id="MessageDef_{eid}" messageRef="Message_{message}">\n'
            "        <bpmn:extensionElements>\n"
            f"          <spiffworkflow:messageVariable>{variable}</spiffworkflow:messageVariable>\n"
            "        </bpmn:extensionElements>\n      </bpmn:messageEventDefinition>\n")

    def timer_catch(self, lane, eid, name, expression, bounds):
        self.add(lane, "intermediateCatchEvent", eid, name, bounds)
        self._event_definitions[eid] = (f'      <bpmn:timerEventDefinition id="TimerDef_{eid}">\n'
                                        f'        <bpmn:timeDate xsi:type="bpmn:tFormalExpression">{escape(expression)}'
                                        "</bpmn:timeDate>\n      </bpmn:timerEventDefinition>\n")

    def boundary_timer(self, lane, eid, name, attached, kind, expression, bounds):
        timer = (f'      <bpmn:timerEventDefinition id="TimerDef_{eid}">\n'
                 f'        <bpmn:{kind} xsi:type="bpmn:tFormalExpression">{escape(expression)}</bpmn:{kind}>\n'
                 "      </bpmn:timerEventDefinition>\n")
        self.add(lane, "boundaryEvent", eid, name, bounds, inner=timer,
                 attrs=f' cancelActivity="false" attachedToRef="{attached}"')

    def escalation(self, lane, task, step_name, audience, *, x, y, reminder=True, due="due"):
        """Deadline timers on ``task``: optional reminder, overdue, and a daily repeat each working
        morning while the task stays open; ``x, y`` = top-left of the task box (120 x 80)."""
        base = 120 // 2 + x
        if reminder:
            self.boundary_timer(lane, f"{task}_reminder", "Nhắc trước hạn", task, "timeDate",
                                f"reminder_before({due})", (base - 58, y + 62, 36, 36))
            self.add(lane, "serviceTask", f"remind_{task}", f"Nhắc hạn: {step_name}", (base - 120, y + 120, 90, 50),
                     inner=self.operator("escalation/remind", f"{task}_reminded", step=("str", repr(task))))
            self.add(lane, "endEvent", f"{task}_reminded_end", "Đã nhắc", (base - 198, y + 127, 36, 36))
            self.flow(f"Flow_{task}_reminder", f"{task}_reminder", f"remind_{task}",
                      [(base - 40, y + 98), (base - 40, y + 120)])
            self.flow(f"Flow_{task}_reminded", f"remind_{task}", f"{task}_reminded_end",
                      [(base - 120, y + 145), (base - 162, y + 145)])
        self.boundary_timer(lane, f"{task}_overdue", "Quá hạn", task, "timeDate", due, (base - 18, y + 62, 36, 36))
        self.boundary_timer(lane, f"{task}_daily", "Mỗi sáng làm việc còn quá hạn", task, "timeCycle",
                            f"'R60/' + next_morning({due}) + '/P1D'", (base + 22, y + 62, 36, 36))
        self.add(lane, "serviceTask", f"escalate_{task}", f"Báo quá hạn: {step_name}", (base - 10, y + 120, 100, 50),
                 inner=self.operator("escalation/escalate", f"{task}_escalation", step=("str", repr(task)),
                                     audience=("list", repr(list(audience)))))
        self.add(lane, "endEvent", f"{task}_escalated_end", "Đã báo quá hạn", (base + 122, y + 127, 36, 36))
        self.flow(f"Flow_{task}_overdue", f"{task}_overdue", f"escalate_{task}", [(base, y + 98), (base, y + 120)])
        self.flow(f"Flow_{task}_daily", f"{task}_daily", f"escalate_{task}", [(base + 40, y + 98), (base + 40, y + 120)])
        self.flow(f"Flow_{task}_escalated", f"escalate_{task}", f"{task}_escalated_end",
                  [(base + 90, y + 145), (base + 122, y + 145)])

    # --- output ---
    def _io(self, eid):
        ins = [f"      <bpmn:incoming>{f}</bpmn:incoming>" for f, v in self.flows.items() if v[1] == eid]
        outs = [f"      <bpmn:outgoing>{f}</bpmn:outgoing>" for f, v in self.flows.items() if v[0] == eid]
        return "\n".join(ins + outs)

    def xml(self) -> str:
        pid = self.process_id
        lanes = []
        for lane in self.lanes:
            refs = "\n".join(f"        <bpmn:flowNodeRef>{e[2]}</bpmn:flowNodeRef>" for e in self.elements if e[0] == lane)
            lanes.append(f'      <bpmn:lane id="Lane_{lane}" name="{lane}">\n{refs}\n      </bpmn:lane>')
        body = []
        for _, tag, eid, name, inner, attrs, _ in self.elements:
            io = self._io(eid)
            definition = self._event_definitions.get(eid, "")
            body.append(f"    <bpmn:{tag} id=\"{eid}\" name={quoteattr(name)}{attrs}>\n{inner}{io}\n{definition}"
                        f"    </bpmn:{tag}>")
        for fid, (src, tgt, name, cond, _) in self.flows.items():
            n = f" name={quoteattr(name)}" if name else ""
            if cond:
                body.append(f'    <bpmn:sequenceFlow id="{fid}"{n} sourceRef="{src}" targetRef="{tgt}">\n'
                            f'      <bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">{escape(cond)}'
                            "</bpmn:conditionExpression>\n    </bpmn:sequenceFlow>")
            else:
                body.append(f'    <bpmn:sequenceFlow id="{fid}"{n} sourceRef="{src}" targetRef="{tgt}" />')
        xs = [b[0] for b in self.lanes.values()]
        ys = [b[1] for b in self.lanes.values()]
        right = max(b[0] + b[2] for b in self.lanes.values())
        bottom = max(b[1] + b[3] for b in self.lanes.values())
        shapes = [f'      <bpmndi:BPMNShape id="Participant_{pid}_di" bpmnElement="Participant_{pid}" isHorizontal="true">'
                  f'<dc:Bounds x="{min(xs) - 30}" y="{min(ys)}" width="{right - min(xs) + 30}" height="{bottom - min(ys)}" />'
                  "</bpmndi:BPMNShape>"]
        for lane, (x, y, w, h) in self.lanes.items():
            shapes.append(f'      <bpmndi:BPMNShape id="Lane_{lane}_di" bpmnElement="Lane_{lane}" isHorizontal="true">'
                          f'<dc:Bounds x="{x}" y="{y}" width="{w}" height="{h}" /></bpmndi:BPMNShape>')
        for _, tag, eid, _, _, _, (x, y, w, h) in self.elements:
            marker = ' isMarkerVisible="true"' if tag == "exclusiveGateway" else ""
            shapes.append(f'      <bpmndi:BPMNShape id="{eid}_di" bpmnElement="{eid}"{marker}>'
                          f'<dc:Bounds x="{x}" y="{y}" width="{w}" height="{h}" /></bpmndi:BPMNShape>')
        for fid, (_, _, _, _, points) in self.flows.items():
            wp = "".join(f'<di:waypoint x="{px}" y="{py}" />' for px, py in points)
            shapes.append(f'      <bpmndi:BPMNEdge id="{fid}_di" bpmnElement="{fid}">{wp}</bpmndi:BPMNEdge>')
        messages = "".join(f'  <bpmn:message id="Message_{m}" name="{m}" />\n' for m in self.messages)
        return f'''<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
                  xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI"
                  xmlns:dc="http://www.omg.org/spec/DD/20100524/DC"
                  xmlns:di="http://www.omg.org/spec/DD/20100524/DI"
                  xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
                  xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core"
                  id="Definitions_{pid}" targetNamespace="http://qoffice.local/bpmn">
{messages}  <bpmn:collaboration id="Collaboration_{pid}">
    <bpmn:participant id="Participant_{pid}" name={quoteattr(self.name)} processRef="{pid}" />
  </bpmn:collaboration>
  <bpmn:process id="{pid}" name={quoteattr(self.name)} isExecutable="true">
    <bpmn:laneSet id="LaneSet_{pid}">
{chr(10).join(lanes)}
    </bpmn:laneSet>
{chr(10).join(body)}
  </bpmn:process>
  <bpmndi:BPMNDiagram id="Diagram_{pid}">
    <bpmndi:BPMNPlane id="Plane_{pid}" bpmnElement="Collaboration_{pid}">
{chr(10).join(shapes)}
    </bpmndi:BPMNPlane>
  </bpmndi:BPMNDiagram>
</bpmn:definitions>
'''

    def write(self) -> Path:
        path = BPMN_DIR / f"{self.process_id}.bpmn"
        path.write_text(self.xml(), encoding="utf-8")
        return path
