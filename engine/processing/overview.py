"""Supervision (R-LEAD-1, R-SUPERVISE-1, Đ17.1, Đ19.1): the leaders' overview of every unit's backlog,
a unit head's overview of their own unit (per person), and urging (đôn đốc) — leaders anywhere,
unit heads within their unit."""
from __future__ import annotations

from datetime import datetime, time, timedelta

from sqlalchemy import func

from engine import clock, history
from engine.db import db
from engine.errors import N_, Forbidden
from engine.models import (
    Document,
    InboxTask,
    LineStatus,
    ProcessingLine,
    Role,
    Unit,
    User,
    UserRole,
)
from engine.notifications.notify import notify
from engine.processing import delegations
from engine.tx import transaction
from engine.validation import Fields
from engine.workflow.runtime import RunContext

STATES = ("waiting", "in_progress", "overdue", "due_this_week")
DEPARTMENT = "department"


def scope_of(user: User) -> str | None:
    """What ``user`` supervises: the whole department (leaders, "supervise" delegates), their own unit
    (unit heads), or nothing (None)."""
    if delegations.has_right(user, "supervise"):
        return DEPARTMENT
    if user.has_role(Role.UNIT_HEAD) and user.unit is not None and user.unit.kind != "department":
        return user.unit_code
    return None


def require_supervisor(user: User) -> str:
    scope = scope_of(user)
    if scope is None:
        raise Forbidden(N_("Chỉ lãnh đạo Sở, lãnh đạo phòng, đơn vị hoặc người được ủy quyền giám sát được xem "
                           "và đôn đốc."))
    return scope


def week_end(now: datetime) -> datetime:
    """Sunday 23:59:59 of the current week, Vietnam time."""
    sunday = now.date() + timedelta(days=6 - now.weekday())
    return datetime.combine(sunday, time(23, 59, 59), tzinfo=clock.VN_TZ)


def state_condition(state: str, now: datetime):
    open_line = ProcessingLine.status.in_(LineStatus.OPEN)
    return {
        "waiting": ProcessingLine.status == LineStatus.WAITING,
        "in_progress": ProcessingLine.status == LineStatus.IN_PROGRESS,
        "overdue": open_line & (ProcessingLine.due_at < now),
        "due_this_week": open_line & (ProcessingLine.due_at >= now) & (ProcessingLine.due_at <= week_end(now)),
    }[state]


def unit_overview(user: User) -> list[dict]:
    """Per unit: documents waiting, in progress, overdue and due this week (distinct documents).
    A unit head sees their own unit only."""
    scope = require_supervisor(user)
    now = clock.now()
    units = db.session.query(Unit.code, Unit.name).filter(Unit.kind != "department")
    if scope != DEPARTMENT:
        units = units.filter(Unit.code == scope)
    rows = {code: {"unit": code, "name": name, **{s: 0 for s in STATES}}
            for code, name in units.order_by(Unit.position)}
    for state in STATES:
        counted = (db.session.query(ProcessingLine.unit_code, func.count(func.distinct(ProcessingLine.document_id)))
                   .filter(state_condition(state, now), ProcessingLine.unit_code.isnot(None))
                   .group_by(ProcessingLine.unit_code))
        for code, count in counted:
            if code in rows:
                rows[code][state] = count
    result = list(rows.values())
    if scope == DEPARTMENT:
        waiting_route = (db.session.query(func.count(InboxTask.id))
                         .filter(InboxTask.status == "open", InboxTask.name == "route").scalar())
        result.append({"unit": None, "name": "Chờ lãnh đạo phân công", "waiting": waiting_route,
                       "in_progress": 0, "overdue": 0, "due_this_week": 0})
    return result


def people_overview(user: User, unit_code: str | None = None) -> list[dict]:
    """Per person of a unit (the unit head's own by default): tasks waiting in their inbox, documents
    in progress, overdue and due this week among the processing lines they hold."""
    scope = require_supervisor(user)
    unit_code = unit_code or (scope if scope != DEPARTMENT else user.unit_code)
    if scope not in (DEPARTMENT, unit_code):
        raise Forbidden(N_("Lãnh đạo phòng, đơn vị chỉ xem được tình hình của đơn vị mình."))
    now = clock.now()
    people = (db.session.query(User).filter(User.unit_code == unit_code, User.active.is_(True))
              .order_by(User.full_name).all())
    rows = {p.id: {"username": p.username, "name": p.full_name, "position": p.position, **{s: 0 for s in STATES}}
            for p in people}
    held = (ProcessingLine.holder_id.in_(list(rows) or [-1]))
    for state in ("in_progress", "overdue", "due_this_week"):
        condition = state_condition(state, now) if state != "in_progress" else ProcessingLine.status.in_(
            LineStatus.OPEN)
        for holder_id, count in (db.session.query(ProcessingLine.holder_id,
                                                  func.count(func.distinct(ProcessingLine.document_id)))
                                 .filter(held, condition).group_by(ProcessingLine.holder_id)):
            rows[holder_id][state] = count
    for assignee_id, count in (db.session.query(InboxTask.assignee_id, func.count(InboxTask.id))
                               .filter(InboxTask.status == "open", InboxTask.assignee_id.in_(list(rows) or [-1]))
                               .group_by(InboxTask.assignee_id)):
        rows[assignee_id]["waiting"] = count
    return list(rows.values())


def documents_in_state(unit_code: str, state: str):
    """SQL condition on Document: has a processing line of ``unit_code`` in ``state``."""
    return Document.id.in_(db.session.query(ProcessingLine.document_id)
                           .filter(ProcessingLine.unit_code == unit_code, state_condition(state, clock.now())))


def can_urge(user: User, document: Document) -> bool:
    """Leaders and supervise delegates urge anyone; a unit head urges the people of their unit."""
    scope = scope_of(user)
    return scope == DEPARTMENT or (scope is not None and bool(_open_lines(document, scope)))


def _open_lines(document: Document, unit_code: str | None = None) -> list[ProcessingLine]:
    lines = (db.session.query(ProcessingLine)
             .filter(ProcessingLine.document_id == document.id, ProcessingLine.status.in_(LineStatus.OPEN)).all())
    if unit_code is None:
        return lines
    return [line for line in lines
            if line.unit_code == unit_code or (line.holder is not None and line.holder.unit_code == unit_code)]


def urge(user: User, document: Document, data: dict) -> int:
    """Notify the current holders of the document's open work (a unit head: those of their unit),
    and record it. Returns how many were notified."""
    scope = require_supervisor(user)
    unit_code = None if scope == DEPARTMENT else scope
    if unit_code is not None and not _open_lines(document, unit_code):
        raise Forbidden(N_("Văn bản này không có việc đang mở ở đơn vị của bạn."))
    f = Fields(data)
    note = f.text("note", max_len=2000)
    f.raise_if_errors()
    holders: list[User] = []
    for line in _open_lines(document, unit_code):
        if line.holder is not None:
            holders.append(line.holder)
        elif line.unit_code:
            holders.extend(unit_heads(line.unit_code))
    for task in db.session.query(InboxTask).filter_by(document_id=document.id, status="open"):
        if task.assignee is not None and (unit_code is None or task.assignee.unit_code == unit_code):
            holders.append(task.assignee)
    holders = [h for h in holders if h.id != user.id]
    now = clock.now()
    on_behalf = None if user.has_role("leader") or unit_code else next(
        (d.delegator for d in delegations.in_force(user) if "supervise" in d.rights), None)
    with transaction():
        ctx = RunContext(actor=user, on_behalf_of=on_behalf, document=document)
        subject = f"Đôn đốc xử lý văn bản {document.number_notation}: {document.subject[:120]}"
        body = (f"{user.full_name} đôn đốc xử lý văn bản {document.number_notation} — {document.subject}."
                + (f"\nÝ kiến: {note}" if note else ""))
        count = notify(holders, document, "urge", subject, body,
                       key=f"urge:{document.id}:{user.id}:{now.isoformat(timespec='seconds')}")
        history.record(document, "urged", ctx, note=(note or "") + f" (gửi {count} người)")
    return count


def unit_heads(unit_code: str) -> list[User]:
    return (db.session.query(User).join(UserRole)
            .filter(User.unit_code == unit_code, User.active.is_(True), UserRole.role == "unit_head").all())
