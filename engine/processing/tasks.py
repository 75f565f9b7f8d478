"""Task inboxes and task completion, for every user task of every diagram."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from functools import lru_cache

from sqlalchemy import and_, bindparam, case, false, func, or_, select, update
from sqlalchemy.orm import joinedload, lazyload

from engine import clock
from engine.db import db, lock_rows
from engine.doctypes import DOC_TYPES
from engine.errors import N_, Forbidden, InvalidInput, NotFound, TaskClosed
from engine.models import Document, InboxTask, Outage, Role, User, WorkflowInstance
from engine.models.documents import Urgency
from engine.operations import outages
from engine.processing import delegations
from engine.text import fold
from engine.tx import transaction
from engine.validation import MAX_PAGE, Fields, parse_id
from engine.workflow import runtime
from engine.workflow.forms import handler

VIEWS = ("mine", "queue", "delegated", "info")  # in the order of view_conditions
INFO_TASKS = ("acknowledge",)
PAGE_SIZE = 50
# What a task list shows of each task's document.
TASK_DOCUMENT_FIELDS = (Document.subject, Document.number, Document.notation, Document.incoming_number,
                        Document.sender_org_name)


@dataclass
class Actor:
    """The person completing a task and, under delegation, the person they act for."""

    user: User
    on_behalf_of: User | None = None


@dataclass(frozen=True)
class _Viewer:
    """What decides which tasks a person's views show."""

    user_id: int
    roles: tuple[str, ...]
    unit_code: str | None
    delegated: tuple[tuple[int, tuple[str, ...]], ...]  # (delegator, task names) in force today


def _viewer(user: User) -> _Viewer:
    delegated = []
    for d in delegations.in_force(user):
        names = tuple(sorted({n for right in d.rights for n in delegations.RIGHT_TASKS.get(right, ())}))
        if names and d.delegator.active:
            delegated.append((d.delegator_id, names))
    return _Viewer(user.id, tuple(user.roles), user.unit_code, tuple(sorted(delegated)))


# Building SQL expressions costs more than running the task list's queries, and people open their
# list all day with the same roles, unit and delegations: each combination is built once (SQLAlchemy
# expressions are immutable, so threads share them) and its statements then hit SQLAlchemy's
# compiled cache without recomputing their cache key.
@lru_cache(maxsize=1024)
def _conditions(viewer: _Viewer) -> dict:
    """Which open tasks each view shows: mine, my unit's claimable queue, delegated to me, for information."""
    info = InboxTask.name.in_(INFO_TASKS)
    queue = and_(InboxTask.assignee_id.is_(None), InboxTask.role.in_(viewer.roles),
                 or_(InboxTask.unit_code.is_(None), InboxTask.unit_code == viewer.unit_code))
    delegated = [and_(InboxTask.assignee_id == delegator_id, InboxTask.name.in_(names))
                 for delegator_id, names in viewer.delegated]
    return {
        "mine": and_(InboxTask.assignee_id == viewer.user_id, ~info),
        "queue": and_(queue, ~info),
        "delegated": or_(*delegated) if delegated else false(),
        "info": and_(info, or_(InboxTask.assignee_id == viewer.user_id, queue)),
    }


@lru_cache(maxsize=1024)
def _tally_statement(viewer: _Viewer):
    conditions = _conditions(viewer)
    return (select(*(func.count(case((condition, 1))) for condition in conditions.values()), func.count())
            .where(InboxTask.status == "open", or_(*conditions.values())))


@dataclass
class InboxFilter:
    view: str | None = None
    urgency: str | None = None
    doc_type: str | None = None
    sender: str | None = None
    q: str | None = None
    received_from: date | None = None
    received_to: date | None = None
    due_before: date | None = None
    page: int = 1
    per_page: int = PAGE_SIZE


def filter_from(args: dict, *, strict: bool = True) -> InboxFilter:
    """An InboxFilter from query parameters; invalid values raise InvalidInput (strict) or are dropped."""
    f = Fields(dict(args))
    flt = InboxFilter(view=f.choice("view", VIEWS), urgency=f.choice("urgency", Urgency.ALL),
                      doc_type=f.choice("doc_type", list(DOC_TYPES)), sender=f.line("sender", max_len=300),
                      q=f.line("q", max_len=300), received_from=f.day("received_from"),
                      received_to=f.day("received_to"), due_before=f.day("due_before"))
    for name in ("page", "per_page"):
        if args.get(name):
            number = parse_id(args[name])
            if number is None or number > MAX_PAGE:
                f.errors[name] = f"Phải là số nguyên từ 1 đến {MAX_PAGE}."
            else:
                setattr(flt, name, number)
    if strict:
        f.raise_if_errors()
    return flt


def inbox_query(user: User, flt: InboxFilter | None = None):
    """Open tasks ``user`` can complete now, most urgent first, then earliest due (a select of tasks)."""
    flt = flt or InboxFilter()
    narrowing = _narrowing(flt)
    listing = _listing(_viewer(user), flt.view)
    return listing.join(Document, Document.id == InboxTask.document_id).where(*narrowing) if narrowing else listing


def _narrowing(flt: InboxFilter) -> list:
    clauses = []
    if flt.urgency:
        clauses.append(InboxTask.urgency_rank == Urgency.RANK.get(flt.urgency, -1))
    if flt.doc_type:
        clauses.append(Document.doc_type == flt.doc_type)
    if flt.sender:
        clauses.append(or_(Document.sender_org_id == flt.sender.strip().upper(),
                           Document.search_text.contains(fold(flt.sender), autoescape=True)))
    if flt.q:
        clauses += [Document.search_text.contains(word, autoescape=True) for word in fold(flt.q).split()[:8]]
    if flt.received_from:
        clauses.append(Document.received_at >= datetime.combine(flt.received_from, time(0), clock.VN_TZ))
    if flt.received_to:
        clauses.append(Document.received_at <= datetime.combine(flt.received_to, time(23, 59, 59), clock.VN_TZ))
    if flt.due_before:
        clauses.append(InboxTask.due_at <= datetime.combine(flt.due_before, time(23, 59, 59), clock.VN_TZ))
    return clauses


@lru_cache(maxsize=1024)
def _listing(viewer: _Viewer, view: str | None):
    conditions = _conditions(viewer)
    return (select(InboxTask)
            .where(InboxTask.status == "open", conditions[view] if view in conditions else or_(*conditions.values()))
            .order_by(InboxTask.urgency_rank.desc(), case((InboxTask.due_at.is_(None), 1), else_=0),
                      InboxTask.due_at, InboxTask.created_at))


def _page_ids(listing):
    return listing.with_only_columns(InboxTask.id).limit(bindparam("page_size")).offset(bindparam("page_start"))


@lru_cache(maxsize=1024)
def _plain_page_ids(viewer: _Viewer, view: str | None):
    return _page_ids(_listing(viewer, view))


# A page is read in two steps: its ids in order from the covering index (ix_inbox_open_list), then
# those few tasks with their documents and holders. One query sorted whole rows of every open task.
_PAGE_TASKS = (select(InboxTask).where(InboxTask.id.in_(bindparam("ids", expanding=True)))
               .options(joinedload(InboxTask.document).load_only(*TASK_DOCUMENT_FIELDS)
                        .lazyload(Document.attachments),
                        joinedload(InboxTask.assignee).lazyload(User.role_rows)))


def _tasks_in_order(ids: list[str]) -> list[InboxTask]:
    if not ids:
        return []
    found = {t.id: t for t in db.session.scalars(_PAGE_TASKS, {"ids": ids}).unique()}
    return [found[i] for i in ids if i in found]


@dataclass
class Inbox:
    """One page of a task list, how many tasks match, and the open tasks of each view (the tabs)."""

    items: list[InboxTask]
    total: int
    counts: dict[str, int]


def inbox(user: User, flt: InboxFilter) -> Inbox:
    """The task list as a person sees it: two queries for the page (its ids, then its tasks), one for the
    tabs (whose figures are also the total when nothing but the view is chosen), one more for the total
    of a filter."""
    viewer = _viewer(user)
    row = db.session.execute(_tally_statement(viewer)).one()
    counts, everything = dict(zip(VIEWS, row[:-1])), row[-1]
    if _narrowed(flt):
        query = inbox_query(user, flt)
        total = db.session.scalar(query.with_only_columns(func.count()).order_by(None))
        page = _page_ids(query)
    else:
        total = counts[flt.view] if flt.view in counts else everything
        page = _plain_page_ids(viewer, flt.view)
    per_page = max(1, min(flt.per_page, 200))
    ids = db.session.scalars(page, {"page_size": per_page, "page_start": (max(flt.page, 1) - 1) * per_page}).all()
    return Inbox(_tasks_in_order(ids), total, counts)


def _narrowed(flt: InboxFilter) -> bool:
    return any((flt.urgency, flt.doc_type, flt.sender, flt.q, flt.received_from, flt.received_to,
                flt.due_before))


def counts(user: User) -> dict[str, int]:
    """Open tasks per view, for the tabs."""
    return dict(zip(VIEWS, db.session.execute(_tally_statement(_viewer(user))).one()))


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
    # Its attachments are read only by the few steps that need them (they load them then).
    document = db.session.get(Document, task.document_id, options=[lazyload(Document.attachments)])
    ctx = runtime.RunContext(actor=actor.user, on_behalf_of=actor.on_behalf_of, at=done_at,
                             entered_late=late is not None, document=document, task=task,
                             late_entry={"outage_id": outage.id, "reason": outage.reason} if outage else None)
    form_handler = handler(task.form_name)
    data = form_handler(ctx, document, form) if form_handler else {}
    with transaction():
        lock_rows(Document, [task.document_id])  # one document's steps one after another: no deadlock
        closed = db.session.execute(
            update(InboxTask).where(InboxTask.id == task.id, InboxTask.status == "open")
            .values(status="completed", closed_at=done_at or clock.now(), closed_by_id=actor.user.id,
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
    return db.session.get(WorkflowInstance, task.instance_id)


def open_tasks(document: Document) -> list[InboxTask]:
    return (db.session.query(InboxTask).filter_by(document_id=document.id, status="open")
            .options(joinedload(InboxTask.assignee).lazyload(User.role_rows))
            .order_by(InboxTask.created_at).all())


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
