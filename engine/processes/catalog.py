"""What the modeler offers a process owner: the roles lanes stand for, the task forms, the allow-listed
service operators with their parameters, and the functions diagram expressions may call — all with
Vietnamese descriptions, read from the registries the runtime itself uses."""
from __future__ import annotations

import inspect

from engine.errors import N_
from engine.models import Role
from engine.workflow import forms, operators
from engine.workflow.runtime import expression_functions

ROLE_LABELS = {"Clerk": Role.LABELS[Role.CLERK], "Leader": Role.LABELS[Role.LEADER],
               "UnitHead": Role.LABELS[Role.UNIT_HEAD], "Specialist": Role.LABELS[Role.SPECIALIST],
               "Drafter": N_("Người soạn thảo (chuyên viên, lãnh đạo phòng)")}
FORM_LABELS = {
    "verify": N_("Kiểm tra, tiếp nhận văn bản đến (văn thư)"),
    "route": N_("Phân công xử lý (lãnh đạo Sở)"),
    "assign": N_("Phân công chuyên viên (lãnh đạo phòng)"),
    "process": N_("Xử lý văn bản (chủ trì)"),
    "contribute": N_("Góp ý kiến phối hợp"),
    "acknowledge": N_("Nhận để biết"),
    "submit": N_("Hoàn thiện và trình dự thảo"),
    "review": N_("Duyệt dự thảo (lãnh đạo phòng)"),
    "sign": N_("Ký số (lãnh đạo Sở)"),
    "issue": N_("Ban hành và gửi (văn thư)"),
}
FUNCTION_HELP = {
    "add_working_days": ("add_working_days(thoi_diem, n)",
                         N_("Cuối giờ làm việc của ngày làm việc thứ n sau ngày của thời điểm.")),
    "end_of_working_day": ("end_of_working_day(thoi_diem)",
                           N_("Cuối giờ làm việc của ngày đó (hoặc ngày làm việc tiếp theo nếu đã hết giờ).")),
    "send_deadline": ("send_deadline(thoi_diem_ky)", N_("11:30 ngày làm việc tiếp theo sau khi ký (hạn gửi, Đ6.2).")),
    "add_working_hours": ("add_working_hours(thoi_diem, so_gio)", N_("Thời điểm sau số giờ làm việc đã cho.")),
    "add_working_minutes": ("add_working_minutes(thoi_diem, so_phut)", N_("Thời điểm sau số phút làm việc đã cho.")),
    "next_morning": ("next_morning(thoi_diem)", N_("Đầu giờ sáng của ngày làm việc tiếp theo.")),
    "reminder_before": ("reminder_before(han)", N_("Đầu giờ sáng của ngày làm việc trước hạn (để nhắc hạn).")),
    "now_iso": ("now_iso()", N_("Thời điểm hiện tại (giờ Việt Nam).")),
}


def catalog(translate=lambda text: text) -> dict:
    """Everything the properties panel lists, with texts passed through ``translate`` (the page's language)."""
    operators.load_all()
    return {
        "roles": [{"value": code, "label": translate(label)} for code, label in ROLE_LABELS.items()
                  if code in Role.LANES],
        "forms": [{"value": name, "label": translate(FORM_LABELS.get(name, name))} for name in sorted(forms.FORMS)],
        "operators": [{"value": name, "label": translate(operators.DESCRIPTIONS[name]),
                       "params": [{"name": p.name, "description": translate(p.description), "required": p.required,
                                   "example": p.example} for p in operators.params_of(name)]}
                      for name in sorted(operators.OPERATORS)],
        "functions": [{"name": name, "signature": FUNCTION_HELP.get(name, (f"{name}(…)", ""))[0],
                       "description": translate(FUNCTION_HELP[name][1]) if name in FUNCTION_HELP
                       else (inspect.getdoc(fn) or "")}
                      for name, fn in sorted(expression_functions().items())],
    }
