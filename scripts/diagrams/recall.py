"""Writes bpmn/recall.bpmn: a sender recalls a document that arrived here; a clerk accepts (15) or
rejects (16) the recall."""
from bpmnkit import Diagram

d = Diagram("recall", "Xử lý yêu cầu thu hồi văn bản đến", {"Clerk": (130, 60, 900, 260)})
op, C = d.operator, "Clerk"

d.add(C, "startEvent", "recall_requested", "Nơi gửi yêu cầu thu hồi", (170, 162, 36, 36))
d.add(C, "userTask", "decide_recall", "Xử lý yêu cầu thu hồi văn bản", (260, 140, 120, 80))
d.add(C, "exclusiveGateway", "recall_decision", "Đồng ý thu hồi?", (440, 155, 50, 50), attrs=' default="Flow_reject"')
d.add(C, "serviceTask", "accept_recall", "Thu hồi văn bản, báo nơi gửi (15)", (560, 90, 130, 70),
      inner=op("interconnection/accept_recall", "recall_answer", reason=("str", "reason"), note=("str", "note"),
               package_id=("int", "package_id"), sender=("str", "sender")))
d.add(C, "serviceTask", "reject_recall", "Từ chối thu hồi, báo nơi gửi (16)", (560, 210, 130, 70),
      inner=op("interconnection/reject_recall", "recall_answer", note=("str", "note"),
               package_id=("int", "package_id"), sender=("str", "sender")))
d.add(C, "endEvent", "recalled_end", "Đã thu hồi", (762, 107, 36, 36))
d.add(C, "endEvent", "kept_end", "Không thu hồi", (762, 227, 36, 36))

d.flow("Flow_start_decide", "recall_requested", "decide_recall", [(206, 180), (260, 180)])
d.flow("Flow_decide_gateway", "decide_recall", "recall_decision", [(380, 180), (440, 180)])
d.flow("Flow_accept", "recall_decision", "accept_recall", [(465, 155), (465, 125), (560, 125)], "Đồng ý",
       "decision == 'accept'")
d.flow("Flow_reject", "recall_decision", "reject_recall", [(465, 205), (465, 245), (560, 245)], "Từ chối")
d.flow("Flow_accepted_end", "accept_recall", "recalled_end", [(690, 125), (762, 125)])
d.flow("Flow_rejected_end", "reject_recall", "kept_end", [(690, 245), (762, 245)])

if __name__ == "__main__":
    print(d.write())
