"""Leaders' overview of every unit's backlog (R-LEAD-1, R-LINK-2) and urging (đôn đốc)."""
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


def require_supervisor(user: User) -> None:
    if not delegations.has_right(user, "supervise"):
        raise Forbidden(N_("Chỉ lãnh đạo Sở hoặc người được ủy quyền giám sát được xem và đôn đốc."))


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
    """Per unit: documents waiting, in progress, overdue and due this week (distinct documents)."""
    require_supervisor(user)
    now = clock.now()
    rows = {code: {"unit": code, "name": name, **{s: 0 for s in STATES}}
            for code, name in db.session.query(Unit.code, Unit.name).filter(Unit.kind != "department")
            .order_by(Unit.position)}
    for state in STATES:
        counted = (db.session.query(ProcessingLine.unit_code, func.count(func.distinct(ProcessingLine.document_id)))
                   .filter(state_condition(state, now), ProcessingLine.unit_code.isnot(None))
                   .group_by(ProcessingLine.unit_code))
        for code, count in counted:
            if code in rows:
                rows[code][state] = count
    waiting_route = (db.session.query(func.count(InboxTask.id))
                     .filter(InboxTask.status == "open", InboxTask.name == "route").scalar())
    result = list(rows.values())
    result.append({"unit": None, "name": "Chờ lãnh đạo phân công", "waiting": waiting_route,
                   "in_progress": 0, "overdue": 0, "due_this_week": 0})
    return result


def documents_in_state(unit_code: str, state: str):
    """SQL condition on Document: has a processing line of ``unit_code`` in ``state``."""
    return Document.id.in_(db.session.query(ProcessingLine.document_id)
                           .filter(ProcessingLine.unit_code == unit_code, state_condition(state, clock.now())))


def urge(user: User, document: Document, data: dict) -> int:
    """Notify the current holders of the document's open work, and record it. Returns how many."""
    require_supervisor(user)
    f = Fields(data)
    note = f.text("note", max_len=2000)
    f.raise_if_errors()
    holders: list[User] = []
    lines = (db.session.query(ProcessingLine)
             .filter(ProcessingLine.document_id == document.id, ProcessingLine.status.in_(LineStatus.OPEN)).all())
    for line in lines:
        if line.holder is not None:
            holders.append(line.holder)
        elif line.unit_code:
            holders.extend(unit_heads(line.unit_code))
    for task in db.session.query(InboxTask).filter_by(document_id=document.id, status="open"):
        if task.assignee is not None:
            holders.append(task.assignee)
    now = clock.now()
    on_behalf = None if user.has_role("leader") else next(
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
