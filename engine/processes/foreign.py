"""What other engines write into a diagram (Camunda 7, Zeebe/Camunda 8, Activiti, Flowable) and what to
write for Q-Office instead.

A diagram drawn in Camunda Modeler looks fine in any modeler and then silently does nothing here: an
assignee nobody reads, a JUEL condition that is a Python syntax error, a Quartz cron that never fires.
Each is refused before deploy, named by element, with the Q-Office way of saying the same thing.
"""
from __future__ import annotations

import re

from engine.errors import N_
from engine.processes.diagram import Problem, local, owner_id, problem

FOREIGN_NAMESPACES = {
    "http://camunda.org/schema/1.0/bpmn": "camunda",
    "http://camunda.org/schema/zeebe/1.0": "zeebe",
    "http://activiti.org/bpmn": "activiti",
    "http://flowable.org/bpmn": "flowable",
}

# What each foreign extension does, and where Q-Office keeps the same thing.
ADVICE = {
    "assignee": N_("Người xử lý: dùng thuộc tính Q-Office 'assignee' (biểu thức Python, ví dụ 'user:' + leader)."),
    "assignmentDefinition": N_("Người xử lý: dùng làn (vai trò) và thuộc tính Q-Office 'assignee' / 'unit'."),
    "candidateUsers": N_("Người được nhận việc: đặt công việc vào làn có vai trò tương ứng; "
                         "một người cụ thể thì dùng thuộc tính 'assignee'."),
    "candidateGroups": N_("Nhóm được nhận việc: đặt công việc vào làn có vai trò tương ứng "
                          "(Văn thư, Lãnh đạo Sở, Lãnh đạo phòng, Chuyên viên)."),
    "dueDate": N_("Hạn xử lý: dùng thuộc tính Q-Office 'due' (ví dụ add_working_days(received_at, 5))."),
    "followUpDate": N_("Nhắc hạn: dùng sự kiện hẹn giờ gắn vào công việc với thao tác escalation/remind."),
    "formKey": N_("Biểu mẫu: chọn biểu mẫu Q-Office của công việc (thuộc tính 'form')."),
    "formRef": N_("Biểu mẫu: chọn biểu mẫu Q-Office của công việc (thuộc tính 'form')."),
    "formDefinition": N_("Biểu mẫu: chọn biểu mẫu Q-Office của công việc (thuộc tính 'form')."),
    "formData": N_("Biểu mẫu: chọn biểu mẫu Q-Office của công việc (thuộc tính 'form')."),
    "class": N_("Mã Java không chạy được ở Q-Office: chọn một thao tác (operator) trong danh sách cho phép."),
    "expression": N_("Biểu thức của Camunda không chạy được: chọn một thao tác (operator) trong danh sách cho phép."),
    "delegateExpression": N_("Mã Java không chạy được ở Q-Office: chọn một thao tác (operator) trong danh sách "
                             "cho phép."),
    "type": N_("Tác vụ ngoài (external task) không được hỗ trợ: chọn một thao tác (operator) trong danh sách "
               "cho phép."),
    "topic": N_("Tác vụ ngoài (external task) không được hỗ trợ: chọn một thao tác (operator) trong danh sách "
                "cho phép."),
    "taskDefinition": N_("Job worker của Zeebe không được hỗ trợ: chọn một thao tác (operator) trong danh sách "
                         "cho phép."),
    "connector": N_("Connector của Camunda không được hỗ trợ: chọn một thao tác (operator) trong danh sách cho phép."),
    "resultVariable": N_("Gán kết quả trực tiếp trong mã Python của script (ví dụ ket_qua = ...)."),
    "inputOutput": N_("Ánh xạ vào/ra không được hỗ trợ: truyền giá trị qua tham số của thao tác; dữ liệu "
                      "của luồng dùng chung cho mọi bước."),
    "ioMapping": N_("Ánh xạ vào/ra không được hỗ trợ: truyền giá trị qua tham số của thao tác; dữ liệu "
                    "của luồng dùng chung cho mọi bước."),
    "in": N_("Q-Office truyền toàn bộ dữ liệu của luồng cho quy trình con; xóa ánh xạ in/out."),
    "out": N_("Q-Office truyền toàn bộ dữ liệu của luồng cho quy trình con; xóa ánh xạ in/out."),
    "calledElement": N_("Gọi quy trình con: ghi mã quy trình vào thuộc tính calledElement của BPMN."),
    "calledElementBinding": N_("Q-Office chạy phiên bản quy trình con mới nhất tại lúc triển khai; xóa thuộc tính "
                               "này."),
    "executionListener": N_("Listener không được hỗ trợ: dùng một script task hoặc thao tác trong luồng."),
    "taskListener": N_("Listener không được hỗ trợ: dùng một script task hoặc thao tác trong luồng."),
    "properties": N_("Thuộc tính của Camunda không được đọc: dùng thuộc tính Q-Office (assignee, unit, due, form)."),
    "asyncBefore": N_("Q-Office tự chạy các bước tự động trong cùng giao dịch; xóa thuộc tính này."),
    "asyncAfter": N_("Q-Office tự chạy các bước tự động trong cùng giao dịch; xóa thuộc tính này."),
    "exclusive": N_("Q-Office tự chạy các bước tự động trong cùng giao dịch; xóa thuộc tính này."),
    "jobPriority": N_("Q-Office không dùng độ ưu tiên công việc; xóa thuộc tính này."),
    "historyTimeToLive": N_("Lịch sử văn bản được lưu theo quy định lưu trữ; xóa thuộc tính này."),
    "versionTag": N_("Q-Office tự đánh số phiên bản khi triển khai; ghi lý do triển khai thay cho versionTag."),
    "candidateStarterGroups": N_("Quy trình do Q-Office khởi động theo nghiệp vụ; xóa thuộc tính này."),
    "candidateStarterUsers": N_("Quy trình do Q-Office khởi động theo nghiệp vụ; xóa thuộc tính này."),
    "isStartableInTasklist": N_("Quy trình do Q-Office khởi động theo nghiệp vụ; xóa thuộc tính này."),
    "initiator": N_("Người khởi tạo có sẵn trong dữ liệu của luồng; xóa thuộc tính này."),
    "script": N_("Mã script của Camunda không chạy được: viết mã Python trong bpmn:script."),
    "failedJobRetryTimeCycle": N_("Q-Office tự thử lại việc gửi thư và gói tin; xóa thuộc tính này."),
}
GENERIC_ADVICE = N_("Phần mở rộng này không được Q-Office hỗ trợ; xóa nó.")

JUEL = re.compile(r"[$#]\{.*?\}", re.S)
# Quartz cron: 6 or 7 fields of digits, *, ?, ranges, steps, lists, L, W, # or names.
CRON = re.compile(r"^\s*([0-9*?/,\-LW#A-Z]+\s+){5,6}[0-9*?/,\-LW#A-Z]+\s*$", re.I)
# An ISO 8601 literal written bare, as Camunda and Zeebe take it (Q-Office reads a Python expression).
ISO_LITERAL = re.compile(r"^\s*(R\d*/\S*|P(?=\d|T\d)[0-9YMWDTHS.,]+|\d{4}-\d{2}-\d{2}T[0-9:.+\-Z]+)\s*$", re.I)


def foreign_extensions(root) -> list[Problem]:
    """Attributes and extension elements of other engines, each with what to write instead."""
    found = []
    for node in root.iter():
        if not isinstance(node.tag, str):
            continue
        for attr in node.attrib:
            engine = _engine_of(attr)
            if engine:
                found.append(_foreign(owner_id(node), engine, attr.split("}")[1]))
        engine = _engine_of(node.tag)
        if engine:
            parent = node.getparent()
            if parent is None or _engine_of(parent.tag) is None:  # report the outermost element only
                found.append(_foreign(owner_id(node), engine, local(node)))
    return found


def _engine_of(name: str) -> str | None:
    if not name.startswith("{"):
        return None
    return FOREIGN_NAMESPACES.get(name[1:].split("}")[0])


def _foreign(element_id: str | None, engine: str, name: str) -> Problem:
    return problem(element_id, f"{engine}_extension",
                   N_("Phần mở rộng %(engine)s:%(name)s của engine khác không được Q-Office hỗ trợ. %(advice)s"),
                   engine=engine, name=name, advice=ADVICE.get(name, GENERIC_ADVICE))


def foreign_expression(element_id: str, source: str, *, timer_kind: str | None = None) -> Problem | None:
    """JUEL, FEEL, a Quartz cron or a bare ISO literal where Q-Office reads a Python expression."""
    if JUEL.search(source):
        return problem(element_id, "juel_expression",
                       N_("Biểu thức JUEL %(expr)s (của Camunda) không chạy được ở Q-Office. Viết biểu thức Python, "
                          "ví dụ decision == 'refuse' thay cho ${decision == 'refuse'}."),
                       expr=JUEL.search(source).group(0)[:80])
    if source.lstrip().startswith("="):
        return problem(element_id, "feel_expression",
                       N_("Biểu thức FEEL (bắt đầu bằng '=') của Zeebe không chạy được ở Q-Office. Viết biểu thức "
                          "Python, ví dụ urgency != 'normal'."))
    if timer_kind == "timeCycle" and CRON.match(source):
        return problem(element_id, "cron_cycle",
                       N_("Chu kỳ dạng cron (%(expr)s) không được hỗ trợ. Viết chu kỳ ISO 8601 bằng biểu thức Python, "
                          "ví dụ 'R5/' + next_morning(due) + '/P1D' (5 lần, mỗi sáng làm việc)."),
                       expr=source.strip()[:80])
    if timer_kind and ISO_LITERAL.match(source):
        return problem(element_id, "bare_iso_literal",
                       N_("Hẹn giờ là biểu thức Python: đặt giá trị ISO 8601 trong dấu nháy đơn, ví dụ '%(expr)s', "
                          "hoặc tính theo lịch làm việc, ví dụ add_working_days(received_at, 1)."),
                       expr=source.strip()[:80])
    return None
