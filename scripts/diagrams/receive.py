"""Writes bpmn/receive.bpmn: arrival, the clerk's verification, registration and the leader's routing."""
from bpmnkit import Diagram

d = Diagram("receive", "Tiếp nhận văn bản đến", {"Clerk": (130, 60, 1450, 380), "Leader": (130, 440, 1450, 260)})
op, props = d.operator, d.props
C, L = "Clerk", "Leader"

# Deadlines on the working-day calendar: verify by the end of the working day of arrival, route by the
# end of the next working day; urgent documents much sooner (khẩn 1 h / 2 h, thượng khẩn and hỏa tốc
# 30 min / 1 h of working time).
DEADLINES = ("verify_due = add_working_hours(received_at, 1) if urgency == 'khan' else "
             "(add_working_minutes(received_at, 30) if urgency in ('thuong_khan', 'hoa_toc') "
             "else end_of_working_day(received_at))\n"
             "route_due = add_working_hours(received_at, 2) if urgency == 'khan' else "
             "(add_working_hours(received_at, 1) if urgency in ('thuong_khan', 'hoa_toc') "
             "else add_working_days(received_at, 1))")

d.add(C, "startEvent", "arrived", "Văn bản đến", (170, 182, 36, 36))
d.add(C, "scriptTask", "compute_deadlines", "Tính hạn theo lịch làm việc", (240, 160, 100, 80),
      inner=f"      <bpmn:script>{DEADLINES}</bpmn:script>\n")
d.add(C, "exclusiveGateway", "urgent_gateway", "Văn bản khẩn?", (380, 175, 50, 50), attrs=' default="Flow_urgent_skip"')
d.add(C, "serviceTask", "notify_urgent", "Báo ngay văn thư và lãnh đạo", (450, 80, 100, 60),
      inner=op("notify/people", "urgent_notice", audience=("list", "['clerks', 'user:' + default_leader]"),
               kind=("str", "'urgent_arrival'")))
d.add(C, "exclusiveGateway", "urgent_join", "", (580, 175, 50, 50))
d.add(C, "userTask", "verify", "Kiểm tra, tiếp nhận văn bản đến", (660, 160, 120, 80), inner=props(due="verify_due"))
d.escalation(C, "verify", "tiếp nhận văn bản đến", ["assignee", "office_chief", "leaders"], x=660, y=160,
             reminder=False, due="verify_due")
d.add(C, "exclusiveGateway", "decision_gateway", "Quyết định của văn thư", (900, 175, 50, 50),
      attrs=' default="Flow_accept"')
d.add(C, "serviceTask", "register", "Vào sổ văn bản đến", (1000, 160, 120, 80),
      inner=op("document/register_incoming", "registration"))
d.add(C, "serviceTask", "record_refusal", "Ghi nhận từ chối nhận", (1000, 260, 120, 70),
      inner=op("document/refuse", "refusal", reason=("str", "reason")))
d.add(C, "endEvent", "refused_end", "Đã từ chối nhận", (1162, 277, 36, 36))
d.add(C, "serviceTask", "record_duplicate", "Gắn với văn bản đã vào sổ", (1000, 350, 120, 70),
      inner=op("document/mark_duplicate", "duplicate", duplicate_of=("int", "duplicate_of")))
d.add(C, "endEvent", "duplicate_end", "Đã gắn bản trùng", (1162, 367, 36, 36))
d.add(L, "userTask", "route", "Phân công xử lý văn bản đến", (1140, 480, 120, 80),
      inner=props(assignee="'user:' + leader", due="route_due"))
d.escalation(L, "route", "phân công xử lý", ["assignee", "leaders"], x=1140, y=480, reminder=False, due="route_due")
d.add(L, "serviceTask", "open_lines", "Chuyển xử lý theo phân công", (1320, 480, 120, 80),
      inner=op("lines/open", "opened", lines=("list", "lines"), instruction=("str", "instruction"),
               deadline_at=("str", "deadline_at")))
d.add(L, "endEvent", "routed_end", "Đã phân công", (1492, 502, 36, 36))

d.flow("Flow_arrived_compute", "arrived", "compute_deadlines", [(206, 200), (240, 200)])
d.flow("Flow_compute_urgent", "compute_deadlines", "urgent_gateway", [(340, 200), (380, 200)])
d.flow("Flow_urgent_notify", "urgent_gateway", "notify_urgent", [(405, 175), (405, 110), (450, 110)], "Khẩn",
       "urgency != 'normal'")
d.flow("Flow_urgent_skip", "urgent_gateway", "urgent_join", [(430, 200), (580, 200)], "Thường")
d.flow("Flow_notify_join", "notify_urgent", "urgent_join", [(550, 110), (605, 110), (605, 175)])
d.flow("Flow_join_verify", "urgent_join", "verify", [(630, 200), (660, 200)])
d.flow("Flow_verify_decision", "verify", "decision_gateway", [(780, 200), (900, 200)])
d.flow("Flow_accept", "decision_gateway", "register", [(950, 200), (1000, 200)], "Tiếp nhận")
d.flow("Flow_refuse", "decision_gateway", "record_refusal", [(925, 225), (925, 295), (1000, 295)], "Từ chối",
       "decision == 'refuse'")
d.flow("Flow_duplicate", "decision_gateway", "record_duplicate", [(925, 225), (925, 385), (1000, 385)], "Trùng",
       "decision == 'duplicate'")
d.flow("Flow_refusal_end", "record_refusal", "refused_end", [(1120, 295), (1162, 295)])
d.flow("Flow_duplicate_end", "record_duplicate", "duplicate_end", [(1120, 385), (1162, 385)])
d.flow("Flow_register_route", "register", "route", [(1120, 200), (1200, 200), (1200, 480)])
d.flow("Flow_route_open", "route", "open_lines", [(1260, 520), (1320, 520)])
d.flow("Flow_open_end", "open_lines", "routed_end", [(1440, 520), (1492, 520)])

if __name__ == "__main__":
    print(d.write())
