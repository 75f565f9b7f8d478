"""The twice-daily digest at the start of each morning and afternoon (R-CHECK-1, Đ18.4a, Đ19.1).

- Each leader, and each person holding an in-force "supervise" delegation, gets the department's
  digest: documents waiting for routing, overdue processing lines by unit, what falls due today.
- Each unit head gets their unit's digest: documents waiting to be assigned in the unit, the
  unit's overdue lines, what the unit must finish today.
- Everyone's notifications they chose to receive "in the digest" are appended to it; a person who
  supervises nothing gets a digest only when such notifications wait.

The outbox key ``digest:<date>:<am|pm>:<username>`` makes a second run (restart, second scheduler)
a no-op, and the notifications it carried are marked in the same transaction.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, time

from sqlalchemy import or_

from engine import clock
from engine.db import db
from engine.deadlines.calendar_service import current_calendar
from engine.errors import N_
from engine.models import (
    Delegation,
    Document,
    InboxTask,
    LineStatus,
    Notification,
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
DEPARTMENT = None  # the scope of leaders' digests; a unit head's scope is their unit code


@dataclass
class DigestData:
    """What a digest is made of: the department's backlog (``unit`` None) or one unit's."""

    now: datetime
    unit: str | None = None
    unit_name: str = ""
    routing: list[InboxTask] = field(default_factory=list)  # department: waiting for a leader
    unassigned: list[ProcessingLine] = field(default_factory=list)  # unit: waiting for the unit head
    overdue: dict[str, list[ProcessingLine]] = field(default_factory=dict)  # unit name → lines
    due_today: list[tuple[Document, datetime, str]] = field(default_factory=list)  # doc, due, who

    @property
    def overdue_documents(self) -> int:
        return len({line.document_id for lines in self.overdue.values() for line in lines})

    @property
    def waiting(self) -> int:
        return len(self.unassigned if self.unit else self.routing)

    @property
    def empty(self) -> bool:
        return not (self.waiting or self.overdue or self.due_today)


def supervisors(on=None) -> list[User]:
    """Active leaders, then active people with a "supervise" delegation in force (each once)."""
    on = on or clock.today()
    leaders = (db.session.query(User).join(UserRole)
               .filter(User.active.is_(True), UserRole.role == Role.LEADER).order_by(User.id).all())
    delegates = (db.session.query(User).join(Delegation, Delegation.delegate_id == User.id)
                 .filter(User.active.is_(True), Delegation.revoked_at.is_(None), Delegation.starts_on <= on,
                         Delegation.ends_on >= on).order_by(User.id).all())
    people, seen = [], set()
    for user in leaders + [u for u in delegates
                           if any("supervise" in d.rights for d in delegations.in_force(u, on))]:
        if user.id not in seen:
            seen.add(user.id)
            people.append(user)
    return people


def recipients(on=None) -> list[tuple[User, str | None]]:
    """(person, scope): the department's supervisors, then unit heads with their unit, then people
    with notifications waiting for the digest (scope "personal")."""
    chosen = [(user, DEPARTMENT) for user in supervisors(on)]
    seen = {user.id for user, _ in chosen}
    department_units = {code for (code,) in db.session.query(Unit.code).filter(Unit.kind == "department")}
    heads = (db.session.query(User).join(UserRole)
             .filter(User.active.is_(True), UserRole.role == Role.UNIT_HEAD).order_by(User.unit_code, User.id))
    for user in heads:
        if user.id not in seen and user.unit_code not in department_units:
            seen.add(user.id)
            chosen.append((user, user.unit_code))
    waiting = (db.session.query(User).join(Notification, Notification.user_id == User.id)
               .filter(User.active.is_(True), Notification.delivery == "digest").distinct().order_by(User.id))
    chosen += [(user, "personal") for user in waiting if user.id not in seen]
    return chosen


def _unit_lines(unit: str | None):
    """Open processing lines, of one unit (its own, or held by its people) or of all units."""
    query = db.session.query(ProcessingLine).filter(ProcessingLine.status.in_(LineStatus.OPEN))
    if unit:
        query = query.outerjoin(User, User.id == ProcessingLine.holder_id).filter(
            or_(ProcessingLine.unit_code == unit, User.unit_code == unit))
    return query


def collect(now: datetime, unit: str | None = DEPARTMENT) -> DigestData:
    """Read the backlog at ``now``, of the department or of ``unit``."""
    unit_names = dict(db.session.query(Unit.code, Unit.name))
    data = DigestData(now=now, unit=unit, unit_name=unit_names.get(unit, "") if unit else "")
    if unit:
        data.unassigned = (_unit_lines(unit).filter(ProcessingLine.status == LineStatus.WAITING,
                                                    ProcessingLine.unit_code == unit)
                           .order_by(ProcessingLine.due_at).all())
    else:
        data.routing = (db.session.query(InboxTask)
                        .filter(InboxTask.status == "open", InboxTask.name == "route")
                        .order_by(InboxTask.urgency_rank.desc(), InboxTask.created_at).all())
    overdue: dict[str, list[ProcessingLine]] = defaultdict(list)
    for line in _unit_lines(unit).filter(ProcessingLine.due_at < now).order_by(ProcessingLine.due_at).all():
        code = line.unit_code or (line.holder.unit_code if line.holder else None)
        overdue[unit_names.get(code, code or "—")].append(line)
    data.overdue = dict(sorted(overdue.items()))

    end_of_day = datetime.combine(now.date(), time.max, tzinfo=clock.VN_TZ)
    seen: set[int] = set()
    for line in (_unit_lines(unit).filter(ProcessingLine.due_at >= now, ProcessingLine.due_at <= end_of_day)
                 .order_by(ProcessingLine.due_at).all()):
        if line.document_id not in seen:
            seen.add(line.document_id)
            data.due_today.append((line.document, line.due_at, _holder(line, unit_names)))
    tasks = db.session.query(InboxTask).filter(InboxTask.status == "open", InboxTask.due_at >= now,
                                               InboxTask.due_at <= end_of_day)
    if unit:
        tasks = tasks.outerjoin(User, User.id == InboxTask.assignee_id).filter(
            or_(InboxTask.unit_code == unit, User.unit_code == unit))
    for task in tasks.order_by(InboxTask.due_at).all():
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


def subject_for(data: DigestData | None, slot: str, now: datetime, personal: int = 0) -> str:
    base = f"Q-Office: tổng hợp {SESSION_NAMES[slot]} {now.strftime('%d/%m/%Y')}"
    if data is None:
        return f"{base} — {personal} thông báo"
    if data.unit:
        base += f" — {data.unit_name}"
    if data.empty:
        return base + (" — không có việc tồn đọng" if not data.unit else ": không có việc tồn đọng")
    waiting = "chờ phân công" if not data.unit else "chờ giao chuyên viên"
    parts = [f"{data.waiting} văn bản {waiting}", f"{data.overdue_documents} quá hạn"]
    if data.due_today:
        parts.append(f"{len(data.due_today)} đến hạn hôm nay")
    return base + (" — " if not data.unit else ": ") + ", ".join(parts)


def _waiting_section(data: DigestData, user: User) -> list[str]:
    now, out = data.now, []
    if data.unit:
        out.append(f"1. Văn bản chờ giao chuyên viên xử lý: {len(data.unassigned)}")
        for line in data.unassigned:
            due = f"; hạn {line.due_at.strftime('%H:%M %d/%m/%Y')}" if line.due_at else ""
            out.append(f"   - {_doc_line(line.document)} (đơn vị chủ trì{due})" if line.kind == "lead"
                       else f"   - {_doc_line(line.document)} (đơn vị phối hợp{due})")
            out.append(f"     {document_link(line.document)}")
        return out
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
    return out


def _backlog(data: DigestData, user: User, slot: str) -> list[str]:
    now = data.now
    scope = f" của {data.unit_name}" if data.unit else ""
    out = [f"Tình hình văn bản{scope} {SESSION_NAMES[slot]} ngày {now.strftime('%d/%m/%Y')} "
           f"(lúc {now.strftime('%H:%M')}):", ""]
    if data.empty:
        out += ["Không có việc tồn đọng: không có văn bản chờ phân công, quá hạn hay đến hạn hôm nay.", ""]
    out += _waiting_section(data, user) + [""]
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
    return out


def _personal(notes: list[Notification]) -> list[str]:
    if not notes:
        return []
    out = ["", f"Thông báo của đồng chí từ lần tổng hợp trước: {len(notes)}"]
    for note in notes:
        out.append(f"   - {note.created_at.strftime('%H:%M %d/%m')}: {note.message}")
        if note.document_id:
            out.append(f"     {document_link(db.session.get(Document, note.document_id))}")
    return out


def body_for(data: DigestData | None, user: User, slot: str, now: datetime,
             notes: list[Notification] = ()) -> str:
    """The plain-text digest for ``user``: the backlog they supervise (their own routing tasks first),
    then the notifications they asked to receive in the digest."""
    out = [f"Kính gửi đồng chí {user.full_name},", ""]
    if data is not None:
        out += _backlog(data, user, slot)
    out += _personal(list(notes))
    out += ["", "Thư tự động từ hệ thống Q-Office, gửi lúc bắt đầu mỗi buổi làm việc (Điều 18.4a Quy chế)."]
    return "\n".join(out)


def slot_of(now: datetime) -> str:
    return "am" if now.hour < 12 else "pm"


def send_digests(now: datetime | None = None) -> int:
    """Queue this session's digest for every supervisor, unit head and person with digest
    notifications; return how many were queued.

    Only on working days of the calendar (make-up Saturdays included). A supervisor's digest is sent
    even when nothing is pending — "không có việc tồn đọng" — because leaders and unit heads must
    check twice a day and a missing email would be ambiguous (no work, or the system is down?).
    """
    now = clock.to_vn(now) if now is not None else clock.now()
    if not current_calendar().is_working_day(now.date()):
        return 0
    slot = slot_of(now)
    backlogs: dict[str | None, DigestData] = {}
    queued = 0
    with transaction():
        for user, scope in recipients(now.date()):
            notes = (db.session.query(Notification).filter_by(user_id=user.id, delivery="digest")
                     .order_by(Notification.id).all())
            data = None
            if scope != "personal":
                data = backlogs.get(scope) or backlogs.setdefault(scope, collect(now, scope))
            sent = notify([user], None, "digest", subject_for(data, slot, now, len(notes)),
                          body_for(data, user, slot, now, notes), key=f"digest:{now.date().isoformat()}:{slot}")
            if sent:
                for note in notes:
                    note.delivery = "digested"
            queued += sent
    return queued
