"""Writes bpmn/handle_line.bpmn: one processing line of a routed incoming document."""
from bpmnkit import Diagram

d = Diagram("handle_line", "Xử lý văn bản đến (một dòng xử lý)",
            {"UnitHead": (130, 60, 1850, 360), "Specialist": (130, 420, 1850, 580)})
op, props = d.operator, d.props
U, S = "UnitHead", "Specialist"

d.add(U, "startEvent", "line_start", "Được phân công", (170, 92, 36, 36))
d.add(U, "exclusiveGateway", "target_gateway", "Đơn vị hay cá nhân?", (250, 85, 50, 50),
      attrs=' default="Flow_target_person"')
d.add(U, "userTask", "assign", "Phân công chuyên viên xử lý", (420, 70, 120, 80), inner=props(unit="unit", due="due"))
d.escalation(U, "assign", "phân công chuyên viên", ["assignee", "leaders"], x=420, y=70, reminder=False)
d.add(U, "serviceTask", "record_assignment", "Ghi nhận phân công", (640, 70, 120, 80),
      inner=op("line/assign", "assignment", line_id=("int", "line_id"), assignees=("list", "assignees"),
               note=("str", "note")))
d.add(U, "userTask", "acknowledge", "Nhận để biết", (420, 300, 120, 70),
      inner=props(assignee="('user:' + holder) if holder else None", unit="unit"))
d.add(U, "serviceTask", "finish_ack", "Ghi nhận đã xem", (600, 300, 120, 70),
      inner=op("line/finish", "finished", line_id=("int", "line_id"), result=("str", "'acknowledged'")))
d.add(U, "endEvent", "ack_end", "Đã xem", (762, 317, 36, 36))

d.add(S, "exclusiveGateway", "kind_gateway", "Chủ trì hay phối hợp?", (700, 555, 50, 50),
      attrs=' default="Flow_kind_coordinate"')
d.add(S, "userTask", "process", "Xử lý văn bản (chủ trì)", (900, 540, 120, 80),
      inner=props(assignee="'user:' + holder", due="due"))
d.escalation(S, "process", "xử lý chủ trì", ["assignee", "unit_head", "leaders"], x=900, y=540)
d.add(S, "exclusiveGateway", "action_gateway", "Hình thức xử lý", (1070, 555, 50, 50),
      attrs=' default="Flow_action_finish"')
d.add(S, "serviceTask", "record_forward", "Chuyển cán bộ khác xử lý", (1150, 440, 120, 60),
      inner=op("line/forward", "forwarded", line_id=("int", "line_id"), to=("str", "holder"), note=("str", "note")))
d.add(S, "serviceTask", "start_reply", "Tạo dự thảo văn bản trả lời", (1180, 540, 120, 80),
      inner=op("document/start_reply", "reply", line_id=("int", "line_id"), note=("str", "note")))
# A reply keeps the line open until the reply is issued, or abandoned (back to the holder).
d.add(S, "eventBasedGateway", "wait_reply", "Chờ văn bản trả lời", (1360, 555, 50, 50))
d.message_catch(S, "reply_issued", "Văn bản trả lời đã ban hành", "reply_issued", "reply_outcome",
                (1502, 562, 36, 36))
d.message_catch(S, "reply_abandoned", "Dự thảo trả lời không được ban hành", "reply_abandoned", "reply_outcome",
                (1367, 672, 36, 36))
d.add(S, "serviceTask", "record_reply_abandoned", "Văn bản trở lại người chủ trì", (1450, 660, 120, 60),
      inner=op("line/reply_abandoned", "abandoned", line_id=("int", "line_id"),
               reason=("str", "reply_outcome['reason']")))
d.timer_catch(S, "reply_overdue", "Quá hạn (mỗi sáng làm việc)", "next_check(due)", (1367, 462, 36, 36))
d.add(S, "serviceTask", "escalate_reply", "Báo quá hạn: văn bản trả lời", (1450, 450, 120, 60),
      inner=op("escalation/reply_overdue", "reply_escalation", line_id=("int", "line_id"),
               audience=("list", "['unit_head', 'leaders']")))
d.add(S, "serviceTask", "finish_process", "Kết thúc xử lý chủ trì", (1740, 540, 120, 80),
      inner=op("line/finish", "finished", line_id=("int", "line_id"), result=("str", "action"), note=("str", "note")))
d.add(S, "endEvent", "process_end", "Đã xử lý", (1902, 562, 36, 36))
d.add(S, "userTask", "contribute", "Góp ý kiến phối hợp", (900, 780, 120, 80),
      inner=props(assignee="'user:' + holder", due="due"))
d.escalation(S, "contribute", "góp ý phối hợp", ["assignee", "unit_head", "leaders"], x=900, y=780)
d.add(S, "serviceTask", "finish_contribution", "Ghi nhận ý kiến phối hợp", (1100, 780, 120, 80),
      inner=op("line/finish", "finished", line_id=("int", "line_id"), result=("str", "'contributed'"),
               note=("str", "opinion")))
d.add(S, "endEvent", "contribute_end", "Đã góp ý", (1262, 802, 36, 36))

d.flow("Flow_start_target", "line_start", "target_gateway", [(206, 110), (250, 110)])
d.flow("Flow_target_inform", "target_gateway", "acknowledge", [(275, 135), (275, 335), (420, 335)],
       "Nhận để biết", "kind == 'inform'")
d.flow("Flow_target_unit", "target_gateway", "assign", [(300, 110), (420, 110)], "Giao đơn vị",
       "target_type == 'unit' and kind != 'inform'")
d.flow("Flow_target_person", "target_gateway", "kind_gateway", [(275, 135), (275, 580), (700, 580)], "Giao cá nhân")
d.flow("Flow_assign_record", "assign", "record_assignment", [(540, 110), (640, 110)])
d.flow("Flow_record_kind", "record_assignment", "kind_gateway", [(700, 150), (700, 530), (725, 530), (725, 555)])
d.flow("Flow_ack_finish", "acknowledge", "finish_ack", [(540, 335), (600, 335)])
d.flow("Flow_ack_end", "finish_ack", "ack_end", [(720, 335), (762, 335)])
d.flow("Flow_kind_lead", "kind_gateway", "process", [(750, 580), (900, 580)], "Chủ trì", "kind == 'lead'")
d.flow("Flow_kind_coordinate", "kind_gateway", "contribute", [(725, 605), (725, 820), (900, 820)], "Phối hợp")
d.flow("Flow_process_action", "process", "action_gateway", [(1020, 580), (1070, 580)])
d.flow("Flow_action_forward", "action_gateway", "record_forward", [(1095, 555), (1095, 470), (1150, 470)],
       "Chuyển", "action == 'forward'")
d.flow("Flow_forward_back", "record_forward", "process", [(1210, 440), (1210, 430), (960, 430), (960, 540)])
d.flow("Flow_action_reply", "action_gateway", "start_reply", [(1120, 580), (1180, 580)], "Trả lời",
       "action == 'reply'")
d.flow("Flow_action_finish", "action_gateway", "finish_process", [(1095, 605), (1095, 640), (1800, 640), (1800, 620)],
       "Lưu / báo cáo")
d.flow("Flow_reply_wait", "start_reply", "wait_reply", [(1300, 580), (1360, 580)])
d.flow("Flow_wait_issued", "wait_reply", "reply_issued", [(1410, 580), (1502, 580)])
d.flow("Flow_issued_finish", "reply_issued", "finish_process", [(1538, 580), (1740, 580)])
d.flow("Flow_wait_abandoned", "wait_reply", "reply_abandoned", [(1385, 605), (1385, 672)])
d.flow("Flow_abandoned_record", "reply_abandoned", "record_reply_abandoned", [(1403, 690), (1450, 690)])
d.flow("Flow_abandoned_process", "record_reply_abandoned", "process",
       [(1510, 720), (1510, 745), (1135, 745), (1135, 610), (1020, 610)])
d.flow("Flow_wait_overdue", "wait_reply", "reply_overdue", [(1385, 555), (1385, 498)])
d.flow("Flow_overdue_escalate", "reply_overdue", "escalate_reply", [(1403, 480), (1450, 480)])
d.flow("Flow_escalated_wait", "escalate_reply", "wait_reply", [(1570, 480), (1600, 480), (1600, 530), (1397, 567)])
d.flow("Flow_finish_end", "finish_process", "process_end", [(1860, 580), (1902, 580)])
d.flow("Flow_contribute_finish", "contribute", "finish_contribution", [(1020, 820), (1100, 820)])
d.flow("Flow_contribute_end", "finish_contribution", "contribute_end", [(1220, 820), (1262, 820)])

if __name__ == "__main__":
    print(d.write())
