"""Who is told what when work moves (R-NOTIFY-1, Đ18.4b): a task ready for someone, a draft
returned, an opinion from a coordinating colleague, a routed document completed, a reply abandoned.

Each function runs inside the caller's transaction and keys its notifications on the event, so a
person hears of each event once.
"""
from __future__ import annotations

from sqlalchemy import bindparam, select
from sqlalchemy.orm import joinedload

from engine.db import db, reading
from engine.models import (
    Document,
    HistoryEvent,
    InboxTask,
    LineKind,
    Notification,
    ProcessingLine,
    User,
    UserRole,
)
from engine.notifications.notify import describe, document_link, notify, task_link
from engine.processing import delegations

# The kind of notice a ready user task gives; tasks not listed give the "assigned" notice. The
# drafter's own submit step and the clerk's routine check of arrivals notify nobody (urgent
# arrivals have their own notice in the receive diagram; a returned draft is told by the return).
TASK_KINDS = {"review": "awaiting_approval", "sign": "awaiting_approval", "issue": "awaiting_approval",
              "submit": None, "verify": None}


def _holders_of_role(role: str, unit: str | None) -> list[User]:
    query = db.session.query(User).join(UserRole).filter(User.active.is_(True), UserRole.role == role)
    if unit:
        query = query.filter(User.unit_code == unit)
    return query.order_by(User.id).all()


def task_audience(task: InboxTask) -> list[User]:
    """The person a ready task is for (and whoever acts for them under delegation), or the people
    of the queue that may take it."""
    if task.assignee is not None:
        delegates = [d.delegate for d in delegations.delegates_of(task.assignee)
                     if set(delegations.rights_for_task(task.name)) & set(d.rights)]
        return [task.assignee, *delegates]
    return _holders_of_role(task.role, task.unit_code)


def _told_now(document_id: int) -> set[int]:
    """People already told about ``document_id`` in this transaction (one event, one notice)."""
    return {n.user_id for n in db.session.new if isinstance(n, Notification) and n.document_id == document_id}


def tasks_ready(ctx, rows: list[InboxTask]) -> int:
    """Tell people about newly ready tasks: not the person whose own action created them, nor anyone
    this same change already told about the document (e.g. a reply abandoned: the holder's task is back)."""
    sent = 0
    for task in rows:
        kind = TASK_KINDS.get(task.name, "assigned")
        if kind is None:
            continue
        document = task.document
        skip = _told_now(document.id) | ({ctx.actor.id} if ctx.actor is not None else set())
        audience = [u for u in task_audience(task) if u.id not in skip]
        if not audience:
            continue
        title = document.number_notation or document.subject[:80]
        subject = (f"[Chờ xử lý] {task.title}: {title}" if kind == "awaiting_approval"
                   else f"[Việc mới] {task.title}: {title}")
        by = f"{ctx.actor.full_name} chuyển đến. " if ctx.actor is not None else ""
        body = "\n".join([f"{by}Công việc «{task.title}» đang chờ đồng chí.", "", describe(document),
                          f"Hạn: {task.due_at.strftime('%H:%M ngày %d/%m/%Y')}" if task.due_at else "",
                          f"Mở công việc: {task_link(task.id)}"])
        sent += notify(audience, document, kind, subject, body, key=f"task:{task.id}")
    return sent


def draft_returned(ctx, document: Document, note: str | None) -> int:
    drafter = document.created_by
    if drafter is None:
        return 0
    who = ctx.actor.full_name if ctx.actor else "Lãnh đạo"
    subject = f"[Trả lại] Dự thảo: {document.subject[:100]}"
    body = "\n".join([f"{who} trả lại dự thảo để đồng chí sửa.", f"Ý kiến: {note}" if note else "", "",
                      describe(document), f"Xem dự thảo: {document_link(document)}"])
    event = ctx.task.id if ctx.task is not None else f"{document.id}:{ctx.when.isoformat()}"
    return notify([drafter], document, "draft_returned", subject, body, key=f"returned:{event}")


def lead_holders(document: Document) -> list[User]:
    """Who leads the document now: the holder of the lead line, or its unit's heads while unassigned."""
    lead = (db.session.query(ProcessingLine)
            .filter_by(document_id=document.id, kind=LineKind.LEAD, parent_id=None).first())
    if lead is None:
        return []
    if lead.holder is not None:
        return [lead.holder]
    return _holders_of_role("unit_head", lead.unit_code) if lead.unit_code else []


def opinion_arrived(ctx, line: ProcessingLine) -> int:
    document = line.document
    who = line.holder.full_name if line.holder else (ctx.actor.full_name if ctx.actor else "")
    subject = f"[Ý kiến phối hợp] {document.number_notation or document.subject[:80]}"
    body = "\n".join([f"{who} đã góp ý kiến phối hợp:", line.note or "", "", describe(document),
                      f"Xem văn bản: {document_link(document)}"])
    audience = [u for u in lead_holders(document) if ctx.actor is None or u.id != ctx.actor.id]
    return notify(audience, document, "opinion_arrived", subject, body, key=f"opinion:{line.id}")


# Who routed, read with the event (their roles are not needed to tell them).
_FIRST_ROUTED = (select(HistoryEvent).where(HistoryEvent.document_id == bindparam("document_id"),
                                            HistoryEvent.action == "routed")
                 .options(joinedload(HistoryEvent.actor).lazyload(User.role_rows),
                          joinedload(HistoryEvent.on_behalf_of).lazyload(User.role_rows))
                 .order_by(HistoryEvent.id).limit(1))


def routed_completed(ctx, document: Document, note: str | None = None) -> int:
    """Tell whoever routed the document (and the leader they acted for) that it is completed."""
    # History is written at once and who routed is a person: the step's pending changes need no flush here.
    with reading(HistoryEvent, User):
        routed = db.session.scalars(_FIRST_ROUTED, {"document_id": document.id}).first()
        if routed is None:
            return 0
        audience = [u for u in (routed.actor, routed.on_behalf_of) if u is not None]
    subject = f"[Hoàn thành] {document.number_notation or document.subject[:80]}"
    body = "\n".join(["Văn bản đồng chí phân công đã được xử lý xong.", f"Kết quả: {note}" if note else "", "",
                      describe(document), f"Xem văn bản: {document_link(document)}"])
    return notify(audience, document, "routed_completed", subject, body, key=f"completed:{document.id}")


def reply_abandoned(ctx, line: ProcessingLine, reply: Document, reason: str | None) -> int:
    document = line.document
    subject = f"[Trở lại xử lý] {document.number_notation or document.subject[:80]}"
    body = "\n".join([f"Dự thảo trả lời «{reply.subject[:120]}» không được ban hành"
                      + (f": {reason}" if reason else "."), "Văn bản đến trở lại để đồng chí chọn cách xử lý.",
                      "", describe(document), f"Xem văn bản: {document_link(document)}"])
    return notify([line.holder], document, "reply_abandoned", subject, body,
                  key=f"reply_abandoned:{line.id}:{reply.id}")
