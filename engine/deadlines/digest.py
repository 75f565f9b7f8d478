"""The leaders' digest at the start of each morning and afternoon (R-CHECK-1, Đ18.4a).

Each leader, and each person holding an in-force "supervise" delegation, gets one email per session:
documents waiting for routing, overdue processing lines by unit, and what falls due today. The
outbox key ``digest:<date>:<am|pm>:<username>`` makes a second run (restart, second scheduler) a
no-op.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, time

from engine import clock
from engine.db import db
from engine.deadlines.calendar_service import current_calendar
from engine.errors import N_
from engine.models import (
    Delegation,
    Document,
    InboxTask,
    LineStatus,
    ProcessingLine,
    Role,
    Unit,
    User,
    UserRole,
)
from engine.models.documents import Urgency
from engine.notifications.notify import document_link, notify
from engine.processing import delegations
from engine.text import duration_vi
from engine.tx import transaction

SESSION_NAMES = {"am": N_("đầu buổi sáng"), "pm": N_("đầu buổi chiều")}


@dataclass
class DigestData:
    """What every recipient's digest is made of (the same facts; the order differs per leader)."""

    now: datetime
    routing: list[InboxTask] = field(default_factory=list)
    overdue: dict[str, list[ProcessingLine]] = field(default_factory=dict)  # unit name → lines
    due_today: list[tuple[Document, datetime, str]] = field(default_factory=list)  # doc, due, who

    @property
    def overdue_documents(self) -> int:
        return len({line.document_id for lines in self.overdue.values() for line in lines})

    @property
    def empty(self) -> bool:
        return not (self.routing or self.overdue or self.due_today)


def recipients(on=None) -> list[User]:
    """Active leaders, then active people with a "supervise" delegation in force (each once)."""
    on = on or clock.today()
    leaders = (db.session.query(User).join(UserRole)
               .filter(User.active.is_(True), UserRole.role == Role.LEADER).order_by(User.id).all())
    supervisors = (db.session.query(User).join(Delegation, Delegation.delegate_id == User.id)
                   .filter(User.active.is_(True), Delegation.revoked_at.is_(None), Delegation.starts_on <= on,
                           Delegation.ends_on >= on).order_by(User.id).all())
    people, seen = [], set()
    for user in leaders + [u for u in supervisors
                           if any("supervise" in d.rights for d in delegations.in_force(u, on))]:
        if user.id not in seen:
            seen.add(user.id)
            people.append(user)
    return people


def collect(now: datetime) -> DigestData:
    """Read the backlog at ``now``."""
    data = DigestData(now=now)
    data.routing = (db.session.query(InboxTask)
                    .filter(InboxTask.status == "open", InboxTask.name == "route")
                    .order_by(InboxTask.urgency_rank.desc(), InboxTask.created_at).all())
    unit_names = dict(db.session.query(Unit.code, Unit.name))
    open_lines = ProcessingLine.status.in_(LineStatus.OPEN)
    overdue: dict[str, list[ProcessingLine]] = defaultdict(list)
    for line in (db.session.query(ProcessingLine).filter(open_lines, ProcessingLine.due_at < now)
                 .order_by(ProcessingLine.due_at).all()):
        code = line.unit_code or (line.holder.unit_code if line.holder else None)
        overdue[unit_names.get(code, code or "—")].append(line)
    data.overdue = dict(sorted(overdue.items()))

    end_of_day = datetime.combine(now.date(), time.max, tzinfo=clock.VN_TZ)
    seen: set[int] = set()
    for line in (db.session.query(ProcessingLine)
                 .filter(open_lines, ProcessingLine.due_at >= now, ProcessingLine.due_at <= end_of_day)
                 .order_by(ProcessingLine.due_at).all()):
        if line.document_id not in seen:
            seen.add(line.document_id)
            data.due_today.append((line.document, line.due_at, _holder(line, unit_names)))
    for task in (db.session.query(InboxTask)
                 .filter(InboxTask.status == "open", InboxTask.due_at >= now, InboxTask.due_at <= end_of_day)
                 .order_by(InboxTask.due_at).all()):
        if task.document_id not in seen:
            seen.add(task.document_id)
            data.due_today.append((task.document, task.due_at, f"{task.title} — "
                                   + (task.assignee.full_name if task.assignee else unit_names.get(
                                       task.unit_code, task.unit_code or "—"))))
    data.due_today.sort(key=lambda item: item[1])
    return data


def _holder(line: ProcessingLine, unit_names: dict) -> str:
    if line.holder is not None:
        return line.holder.full_name
    return f"{unit_names.get(line.unit_code, line.unit_code or '—')} (chưa phân công)"


def _doc_line(doc: Document) -> str:
    label = doc.number_notation or "(chưa có số)"
    if doc.incoming_number:
        label += f" — số đến {doc.incoming_number}/{doc.register_year}"
    urgent = f" [{Urgency.LABELS.get(doc.urgency)}]" if doc.urgency and doc.urgency != Urgency.NORMAL else ""
    return f"{label}{urgent}: {doc.subject}"


def subject_for(data: DigestData, slot: str) -> str:
    base = f"Q-Office: tổng hợp {SESSION_NAMES[slot]} {data.now.strftime('%d/%m/%Y')}"
    if data.empty:
        return base + " — không có việc tồn đọng"
    parts = [f"{len(data.routing)} văn bản chờ phân công", f"{data.overdue_documents} quá hạn"]
    if data.due_today:
        parts.append(f"{len(data.due_today)} đến hạn hôm nay")
    return base + " — " + ", ".join(parts)


def body_for(data: DigestData, user: User, slot: str) -> str:
    """The plain-text digest for ``user``: their own routing tasks listed first."""
    now = data.now
    out = [f"Kính gửi đồng chí {user.full_name},", "",
           (f"Tình hình văn bản {SESSION_NAMES[slot]} ngày {now.strftime('%d/%m/%Y')} "
            f"(lúc {now.strftime('%H:%M')}):"), ""]
    if data.empty:
        out += ["Không có việc tồn đọng: không có văn bản chờ phân công, quá hạn hay đến hạn hôm nay.", ""]
    mine = [t for t in data.routing if t.assignee_id == user.id]
    others = [t for t in data.routing if t.assignee_id != user.id]
    out.append(f"1. Văn bản chờ phân công xử lý: {len(data.routing)}")
    for task in mine + others:
        who = "đồng chí" if task.assignee_id == user.id else (
            task.assignee.full_name if task.assignee else "lãnh đạo Sở")
        due = f"; hạn {task.due_at.strftime('%H:%M %d/%m/%Y')}" if task.due_at else ""
        overdue = " — QUÁ HẠN" if task.due_at and task.due_at < now else ""
        out.append(f"   - {_doc_line(task.document)} (chờ {who} phân công{due}{overdue})")
        out.append(f"     {document_link(task.document)}")
    out.append("")
    out.append(f"2. Văn bản quá hạn xử lý theo đơn vị: {data.overdue_documents}")
    for unit, lines in data.overdue.items():
        out.append(f"   {unit}: {len(lines)}")
        for line in lines:
            out.append(f"   - {_doc_line(line.document)}")
            out.append(f"     Đang giữ: {_holder(line, {line.unit_code: unit})}; hạn "
                       f"{line.due_at.strftime('%H:%M %d/%m/%Y')}; quá hạn {duration_vi((now - line.due_at).total_seconds())}")
            out.append(f"     {document_link(line.document)}")
    out.append("")
    out.append(f"3. Đến hạn trong hôm nay: {len(data.due_today)}")
    for doc, due, who in data.due_today:
        out.append(f"   - {_doc_line(doc)} (hạn {due.strftime('%H:%M')}; {who})")
        out.append(f"     {document_link(doc)}")
    out += ["", "Thư tự động từ hệ thống Q-Office, gửi lúc bắt đầu mỗi buổi làm việc (Điều 18.4a Quy chế)."]
    return "\n".join(out)


def slot_of(now: datetime) -> str:
    return "am" if now.hour < 12 else "pm"


def send_digests(now: datetime | None = None) -> int:
    """Queue this session's digest for every leader and supervisor; return how many were queued.

    Only on working days of the calendar (make-up Saturdays included). A digest is sent even when
    nothing is pending — "không có việc tồn đọng" — because leaders must check twice a day and a
    missing email would be ambiguous (no work, or the system is down?).
    """
    now = clock.to_vn(now) if now is not None else clock.now()
    if not current_calendar().is_working_day(now.date()):
        return 0
    slot = slot_of(now)
    data = collect(now)
    subject = subject_for(data, slot)
    queued = 0
    with transaction():
        for user in recipients(now.date()):
            queued += notify([user], None, "digest", subject, body_for(data, user, slot),
                             key=f"digest:{now.date().isoformat()}:{slot}")
    return queued

