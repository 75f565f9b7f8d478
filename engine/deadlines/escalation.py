"""Deadline reminders, escalations and urgent notices called from diagram timers and flows.

Operators (allow-listed for diagrams):
- ``escalation/escalate(step, audience)``: the user task ``step`` of this instance is late;
  email the audience once per day (key: document, task, date, recipient) and say whether the
  step is still open, so a diagram loop can repeat each working morning and stop when done.
- ``escalation/remind(step)``: a reminder before the deadline to whoever holds the step.
- ``notify/people(audience, kind)``: an immediate notice, e.g. an urgent arrival.

Audience names: assignee, leaders, unit_head (of the unit holding the step), clerks,
office_chief (head of the Văn phòng), or ``user:<username>``.

Repeats are modelled in the diagrams as a cycle timer each working morning; a cycle catches
up one firing per sweep after downtime, and the per-day key below makes those one email.
"""
from __future__ import annotations

from engine import clock, history, settings
from engine.db import db
from engine.deadlines.calendar_service import current_calendar
from engine.errors import N_
from engine.models import (
    Document,
    InboxTask,
    ProcessingLine,
    Role,
    Unit,
    User,
    UserRole,
)
from engine.models.documents import Urgency
from engine.notifications.notify import describe, document_link, notify
from engine.text import duration_vi
from engine.workflow.operators import DiagramReferenceError, Param, operator

_STEP = Param("step", N_("Mã công việc (user task) được theo dõi hạn"), required=True, example="'verify'")
AUDIENCE_HELP = N_("Người nhận: 'assignee' (người giữ), 'leaders' (lãnh đạo Sở), 'unit_head' (lãnh đạo "
                   "đơn vị đang giữ), 'clerks' (văn thư), 'office_chief' (Chánh Văn phòng) hoặc "
                   "'user:<tên đăng nhập>'")


def _with_role(role: str, unit: str | None = None) -> list[User]:
    query = db.session.query(User).join(UserRole).filter(User.active.is_(True), UserRole.role == role)
    if unit:
        query = query.filter(User.unit_code == unit)
    return query.order_by(User.id).all()


def _holder_unit(task: InboxTask | None, document: Document) -> str | None:
    if task is not None and task.unit_code:
        return task.unit_code
    if task is not None and task.assignee is not None:
        return task.assignee.unit_code
    line = (db.session.query(ProcessingLine)
            .filter_by(document_id=document.id, kind="lead", parent_id=None).first())
    return line.unit_code if line else None


def audience_users(names, task: InboxTask | None, document: Document) -> list[User]:
    """Resolve audience names to people (duplicates removed later by notify)."""
    people: list[User] = []
    for name in names or ():
        if isinstance(name, str) and name.startswith("user:"):
            person = db.session.query(User).filter_by(username=name[5:], active=True).one_or_none()
            people += [person] if person else []
        elif name == "assignee" and task is not None:
            people += [task.assignee] if task.assignee else _with_role(task.role, task.unit_code)
        elif name == "leaders":
            people += _with_role(Role.LEADER)
        elif name == "unit_head":
            unit = _holder_unit(task, document)
            if unit and unit != settings.get("ORG_CODE"):
                people += _with_role(Role.UNIT_HEAD, unit)
        elif name == "clerks":
            people += _with_role(Role.CLERK)
        elif name == "office_chief":
            people += _with_role(Role.UNIT_HEAD, settings.get("OFFICE_UNIT"))
        else:
            raise DiagramReferenceError(f"unknown audience '{name}'")
    return people


def _open_task(ctx, step: str) -> InboxTask | None:
    if ctx.refresh_inbox is not None:
        ctx.refresh_inbox()
    return (db.session.query(InboxTask)
            .filter_by(instance_id=ctx.instance.id, name=step, status="open").first())


def _holder_text(task: InboxTask) -> str:
    if task.assignee is not None:
        return f"{task.assignee.full_name} ({task.assignee.unit.name})"
    if task.unit_code:
        unit = db.session.get(Unit, task.unit_code)
        return unit.name if unit else task.unit_code
    return Role.LABELS.get(task.role, task.role)


@operator("escalation/escalate", "Báo quá hạn cho lãnh đạo và người liên quan (mỗi ngày một lần)", params=(
    _STEP, Param("audience", AUDIENCE_HELP, example="['assignee', 'leaders']")))
def escalate(ctx, step: str = "", audience=("leaders", "unit_head", "assignee"), **_params) -> dict:
    task = _open_task(ctx, step)
    if task is None:
        return {"open": False, "sent": 0}
    document = ctx.document
    now = ctx.when
    if not current_calendar().is_working_day(now.date()):
        return {"open": True, "sent": 0}  # the daily repeat skips weekends and holidays
    late = duration_vi((now - task.due_at).total_seconds()) if task.due_at else ""
    subject = f"[Quá hạn] {task.title}: {document.number_notation or document.subject[:60]}"
    body = "\n".join([
        "Kính gửi lãnh đạo và các đồng chí liên quan,", "",
        f"Bước «{task.title}» của văn bản sau đã quá hạn xử lý.", "",
        describe(document),
        f"Đang giữ: {_holder_text(task)}",
        f"Hạn xử lý: {task.due_at.strftime('%H:%M ngày %d/%m/%Y') if task.due_at else '—'}",
        f"Đã quá hạn: {late}" if late else "",
        f"Xem văn bản: {document_link(document)}", "",
        "Thư tự động từ hệ thống Q-Office.",
    ])
    sent = notify(audience_users(audience, task, document), document, "escalation", subject, body,
                  key=f"escalate:{document.id}:{task.id}:{now.date().isoformat()}")
    if sent:
        history.record(document, "escalated", ctx, note=f"{task.title}: báo quá hạn tới {sent} người")
    return {"open": True, "sent": sent}


@operator("escalation/reply_overdue", "Báo quá hạn: văn bản trả lời chưa được ban hành (mỗi ngày một lần)", params=(
    Param("audience", AUDIENCE_HELP, example="['leaders', 'unit_head']"),
    Param("line_id", N_("Mã dòng xử lý có văn bản trả lời"), required=True, example="line_id")))
def reply_overdue(ctx, audience=("leaders", "unit_head"), line_id=None, **_params) -> dict:
    line = db.session.get(ProcessingLine, int(line_id)) if line_id else None
    if line is None or line.status not in ("waiting", "in_progress") or line.due_at is None:
        return {"open": False, "sent": 0}
    document, now = ctx.document, ctx.when
    if now < line.due_at or not current_calendar().is_working_day(now.date()):
        return {"open": True, "sent": 0}
    reply = db.session.get(Document, line.reply_document_id) if line.reply_document_id else None
    subject = f"[Quá hạn] Văn bản trả lời chưa ban hành: {document.number_notation or document.subject[:60]}"
    body = "\n".join([
        "Kính gửi lãnh đạo và các đồng chí liên quan,", "",
        "Văn bản đến sau đã quá hạn xử lý; văn bản trả lời đang được soạn, trình nhưng chưa ban hành.", "",
        describe(document),
        f"Người chủ trì: {line.holder.full_name}" if line.holder else "",
        f"Dự thảo trả lời: {reply.subject}" if reply else "",
        f"Hạn xử lý: {line.due_at.strftime('%H:%M ngày %d/%m/%Y')}",
        f"Đã quá hạn: {duration_vi((now - line.due_at).total_seconds())}",
        f"Xem văn bản: {document_link(document)}", "", "Thư tự động từ hệ thống Q-Office."])
    people = audience_users(audience, None, document) + ([line.holder] if line.holder else [])
    sent = notify(people, document, "escalation", subject, body,
                  key=f"escalate:{document.id}:reply:{line.id}:{now.date().isoformat()}")
    if sent:
        history.record(document, "escalated", ctx, note=f"Văn bản trả lời chưa ban hành: báo quá hạn tới {sent} người")
    return {"open": True, "sent": sent}


@operator("escalation/remind", "Nhắc hạn trước một ngày làm việc", params=(_STEP,))
def remind(ctx, step: str = "", **_params) -> dict:
    task = _open_task(ctx, step)
    if task is None:
        return {"open": False, "sent": 0}
    document = ctx.document
    subject = f"[Sắp đến hạn] {task.title}: {document.number_notation or document.subject[:60]}"
    body = "\n".join([f"Bước «{task.title}» sắp đến hạn.", "", describe(document),
                      f"Hạn xử lý: {task.due_at.strftime('%H:%M ngày %d/%m/%Y') if task.due_at else '—'}",
                      f"Xem văn bản: {document_link(document)}"])
    sent = notify(audience_users(("assignee",), task, document), document, "reminder", subject, body,
                  key=f"remind:{document.id}:{task.id}")
    return {"open": True, "sent": sent}


NOTICES = {
    "urgent_arrival": ("[{urgency}] Văn bản đến cần trình ngay: {title}",
                       "Văn bản đến mức độ {urgency} vừa được tiếp nhận, cần kiểm tra, trình và phân công ngay."),
    "urgent_issue": ("[{urgency}] Văn bản đã ký cần phát hành ngay: {title}",
                     "Văn bản mức độ {urgency} đã được lãnh đạo ký số, cần ban hành và gửi ngay."),
}


@operator("notify/people", "Thông báo ngay cho người liên quan (văn bản khẩn)", params=(
    Param("audience", AUDIENCE_HELP, required=True, example="['clerks']"),
    Param("kind", N_("Loại thông báo: 'urgent_arrival' (văn bản đến khẩn), 'urgent_issue' (văn bản đi khẩn đã ký)"),
          required=True, example="'urgent_arrival'")))
def notify_people(ctx, audience=(), kind: str = "", **_params) -> dict:
    document = ctx.document
    if kind not in NOTICES:
        raise DiagramReferenceError(f"unknown notice '{kind}'")
    title = document.number_notation or document.subject[:80]
    urgency = Urgency.LABELS.get(document.urgency, document.urgency).upper()
    subject_tpl, lead = NOTICES[kind]
    subject = subject_tpl.format(urgency=urgency, title=title)
    body = "\n".join([lead.format(urgency=urgency), "", describe(document), f"Xem văn bản: {document_link(document)}",
                      f"Thời điểm: {clock.now().strftime('%H:%M ngày %d/%m/%Y')}"])
    sent = notify(audience_users(audience, None, document), document, kind, subject, body,
                  key=f"{kind}:{document.id}")
    return {"sent": sent}
