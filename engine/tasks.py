"""Task inboxes and task completion, for every user task of every diagram."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, case, or_, update

from engine import clock
from engine.db import db
from engine.errors import N_, Forbidden, NotFound, TaskClosed
from engine.models import Document, InboxTask, User
from engine.task_forms import handler
from engine.tx import transaction
from engine.workflow import runtime


@dataclass
class Actor:
    """The person completing a task and, under delegation, the person they act for."""

    user: User
    on_behalf_of: User | None = None


def _mine(user: User):
    return or_(
        InboxTask.assignee_id == user.id,
        and_(InboxTask.assignee_id.is_(None), InboxTask.role.in_(user.roles),
             or_(InboxTask.unit_code.is_(None), InboxTask.unit_code == user.unit_code)),
    )


def inbox_query(user: User):
    """Open tasks ``user`` can complete now, most urgent first, then earliest due."""
    return (db.session.query(InboxTask).filter(InboxTask.status == "open", _mine(user))
            .order_by(InboxTask.urgency_rank.desc(), case((InboxTask.due_at.is_(None), 1), else_=0),
                      InboxTask.due_at, InboxTask.created_at))


def authorize(user: User, task: InboxTask) -> Actor:
    """Who acts: the user themself, or (later) on behalf of a delegator; Forbidden otherwise."""
    if task.assignee_id is not None:
        if task.assignee_id == user.id:
            return Actor(user)
    elif user.has_role(task.role) and (task.unit_code is None or task.unit_code == user.unit_code):
        return Actor(user)
    raise Forbidden(N_("Bạn không có quyền xử lý công việc này."))


def get_task(task_id: str) -> InboxTask:
    task = db.session.get(InboxTask, str(task_id))
    if task is None:
        raise NotFound(N_("Không tìm thấy công việc."))
    return task


def complete(task_id: str, user: User, form: dict, *, done_at: datetime | None = None) -> Document:
    """Validate the form, complete the task and advance its workflow, in one transaction.

    Raises NotFound, TaskClosed (409: already done, cancelled, or someone saved
    first), Forbidden, InvalidInput or DuplicateSuspected; then nothing is stored.
    """
    task = get_task(task_id)
    if task.status != "open":
        raise TaskClosed(N_("Công việc này đã được xử lý hoặc đã bị hủy."))
    actor = authorize(user, task)
    document = task.document
    ctx = runtime.RunContext(actor=actor.user, on_behalf_of=actor.on_behalf_of, at=done_at,
                             entered_late=done_at is not None, document=document)
    form_handler = handler(task.name)
    data = form_handler(ctx, document, form or {}) if form_handler else {}
    with transaction():
        closed = db.session.execute(
            update(InboxTask).where(InboxTask.id == task.id, InboxTask.status == "open")
            .values(status="completed", closed_at=clock.now(), closed_by_id=actor.user.id,
                    on_behalf_of_id=actor.on_behalf_of.id if actor.on_behalf_of else None)
            .execution_options(synchronize_session=False))
        if closed.rowcount != 1:
            raise TaskClosed(N_("Công việc này đã được xử lý hoặc đã bị hủy."))
        loaded = runtime.load(task_instance(task), ctx)
        runtime.complete(loaded, task.id, data)
        runtime.save(loaded)
    db.session.expire_all()
    return db.session.get(Document, document.id)


def task_instance(task: InboxTask):
    from engine.models import WorkflowInstance

    return db.session.get(WorkflowInstance, task.instance_id)


def open_tasks(document: Document) -> list[InboxTask]:
    return (db.session.query(InboxTask).filter_by(document_id=document.id, status="open")
            .order_by(InboxTask.created_at).all())
