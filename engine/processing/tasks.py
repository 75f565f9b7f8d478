"""Completing and claiming tasks, for every user task of every diagram (the lists: task_list)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.attributes import set_committed_value

from engine import clock
from engine.db import db, lock_rows
from engine.errors import N_, Forbidden, InvalidInput, NotFound, TaskClosed
from engine.models import Document, InboxTask, Outage, Role, User, WorkflowInstance
from engine.operations import outages
from engine.processing import delegations
from engine.processing.task_list import INFO_TASKS
from engine.tx import transaction
from engine.workflow import runtime
from engine.workflow.forms import handler


@dataclass
class Actor:
    """The person completing a task and, under delegation, the person they act for."""

    user: User
    on_behalf_of: User | None = None


def may_do(user: User, task: InboxTask) -> bool:
    """Whether ``user`` holds the role ``task`` needs. Checked again at completion: a role taken away
    after the task was assigned (a leader moved to another post) takes the task's authority with it.
    Reading for information and processing work belong to whoever holds them."""
    return task.name in INFO_TASKS or task.role == Role.SPECIALIST or user.has_role(task.role)


def authorize(user: User, task: InboxTask) -> Actor:
    """Who acts: the user themself, or a delegate on behalf of the delegator; Forbidden otherwise."""
    if task.assignee_id is not None:
        if task.assignee_id == user.id and may_do(user, task):
            return Actor(user)
        delegator = delegations.delegator_for(user, task.assignee_id, task.name)
        if delegator is not None and may_do(delegator, task):
            return Actor(user, on_behalf_of=delegator)
    elif user.has_role(task.role) and (task.unit_code is None or task.unit_code == user.unit_code):
        return Actor(user)
    raise Forbidden(N_("Bạn không có quyền xử lý công việc này."))


def get_task(task_id: str) -> InboxTask:
    task = db.session.get(InboxTask, str(task_id))
    if task is None:
        raise NotFound(N_("Không tìm thấy công việc."))
    return task


def parse_done_at(value, task: InboxTask) -> tuple[datetime, Outage] | None:
    """The real time of work done on paper during an outage (R-OUTAGE-1) and that outage, or None.

    Only inside an outage the administrator declared, and never into a register year already
    closed: otherwise anyone could backdate their own work (clear an overdue mark, date an issue
    into last year's register).
    """
    if value in (None, ""):
        return None
    moment = outages.parse_moment(value, "done_at")
    if moment > clock.now():
        raise InvalidInput(N_("Thời điểm thực hiện không được ở tương lai."),
                           details={"done_at": "Không được ở tương lai."})
    if moment < task.created_at:
        raise InvalidInput(N_("Thời điểm thực hiện không được trước khi công việc bắt đầu (%(start)s)."),
                           params={"start": task.created_at.strftime("%d/%m/%Y %H:%M")},
                           details={"done_at": "Trước khi công việc bắt đầu."})
    if moment.year < clock.now().year:
        raise InvalidInput(N_("Không nhập sau vào năm %(year)s: sổ văn bản của năm đó đã khóa."),
                           params={"year": moment.year}, details={"done_at": "Năm đã khóa sổ."})
    outage = outages.covering(moment)
    if outage is None:
        raise InvalidInput(N_("Chỉ nhập sau cho thời điểm trong một sự cố ngừng hoạt động đã được quản trị "
                              "hệ thống khai báo."), details={"done_at": "Không nằm trong sự cố đã khai báo."})
    return moment, outage


_WITH_FILES = (joinedload(Document.attachments),)
# Closing the task is the step's first write, conditional on it being open: two people completing
# the same task at once cannot both get past it.
_CLOSING = ("status", "closed_at", "closed_by_id", "on_behalf_of_id")
# (A bind parameter may not be named like the column it sets: hence the prefix.)
_CLOSE = (update(InboxTask).where(InboxTask.id == bindparam("task_id"), InboxTask.status == "open")
          .values({name: bindparam(f"new_{name}") for name in _CLOSING})
          .execution_options(synchronize_session=False))


def complete(task_id: str, user: User, form: dict) -> Document:
    """Validate the form, complete the task and advance its workflow, in one transaction.

    ``form`` may carry ``done_at`` (work done on paper during an outage, entered late).
    Raises NotFound, TaskClosed (409: already done, cancelled, or someone saved first),
    Forbidden, InvalidInput or DuplicateSuspected; then nothing is stored.
    """
    task = get_task(task_id)
    if task.status != "open":
        raise TaskClosed(N_("Công việc này đã được xử lý hoặc đã bị hủy."))
    actor = authorize(user, task)
    form = dict(form or {})
    late = parse_done_at(form.pop("done_at", None), task)
    done_at, outage = late or (None, None)
    # With its files in the same statement: the answer shows them, and a few steps read them.
    document = db.session.get(Document, task.document_id, options=_WITH_FILES)
    ctx = runtime.RunContext(actor=actor.user, on_behalf_of=actor.on_behalf_of, at=done_at,
                             entered_late=late is not None, document=document, task=task,
                             late_entry={"outage_id": outage.id, "reason": outage.reason} if outage else None)
    form_handler = handler(task.form_name)
    data = form_handler(ctx, document, form) if form_handler else {}
    with transaction(keep_loaded=True):  # the answer is the document as this step left it
        lock_rows(Document, [task.document_id])  # one document's steps one after another: no deadlock
        closing = {"status": "completed", "closed_at": done_at or clock.now(), "closed_by_id": actor.user.id,
                   "on_behalf_of_id": actor.on_behalf_of.id if actor.on_behalf_of else None}
        closed = db.session.execute(_CLOSE, {"task_id": task.id, **{f"new_{k}": v for k, v in closing.items()}})
        if closed.rowcount != 1:
            raise TaskClosed(N_("Công việc này đã được xử lý hoặc đã bị hủy."))
        for name, value in closing.items():  # the loaded row says what the database now holds
            set_committed_value(task, name, value)
        loaded = runtime.load(task_instance(task), ctx)
        runtime.complete(loaded, task.id, data)
        runtime.save(loaded)
    return document


def task_instance(task: InboxTask):
    return db.session.get(WorkflowInstance, task.instance_id)


def open_tasks(document: Document) -> list[InboxTask]:
    return db.session.scalars(_OPEN_TASKS, {"document_id": document.id}).all()


_OPEN_TASKS = (select(InboxTask).where(InboxTask.document_id == bindparam("document_id"), InboxTask.status == "open")
               .options(joinedload(InboxTask.assignee).lazyload(User.role_rows))
               .order_by(InboxTask.created_at))


def claim(task_id: str, user: User) -> InboxTask:
    """Take a task from my unit's queue so that it becomes mine."""
    task = get_task(task_id)
    if task.status != "open":
        raise TaskClosed(N_("Công việc này đã được xử lý hoặc đã bị hủy."))
    if not (user.has_role(task.role) and (task.unit_code is None or task.unit_code == user.unit_code)):
        raise Forbidden(N_("Chỉ nhận được công việc chưa giao cho ai trong hàng đợi của đơn vị mình."))
    if task.assignee_id == user.id:  # a retried claim
        return task
    if task.assignee_id is not None:  # a colleague claimed it first: a conflict, not a permission problem
        raise TaskClosed(N_("Người khác vừa nhận công việc này."))
    with transaction():
        taken = db.session.execute(
            update(InboxTask).where(InboxTask.id == task.id, InboxTask.assignee_id.is_(None),
                                    InboxTask.status == "open")
            .values(assignee_id=user.id).execution_options(synchronize_session=False))
        if taken.rowcount != 1:
            raise TaskClosed(N_("Người khác vừa nhận công việc này."))
    db.session.expire_all()
    return get_task(task_id)
