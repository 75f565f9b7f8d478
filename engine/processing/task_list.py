"""Task lists: which open tasks a person sees in each view (the tabs), how many, and one page in order."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from functools import lru_cache

from sqlalchemy import and_, bindparam, case, false, func, literal, or_, select, union_all

from engine import clock
from engine.db import db
from engine.doctypes import DOC_TYPES
from engine.models import Document, InboxTask, User
from engine.models.documents import Urgency
from engine.processing import delegations
from engine.text import fold
from engine.validation import MAX_PAGE, Fields, parse_id

VIEWS = ("mine", "queue", "delegated", "info")
INFO_TASKS = ("acknowledge",)
PAGE_SIZE = 50
# Most urgent first, then those with a deadline (earliest first), then the oldest; the id makes the order
# total, so that pages never overlap. The indexes ix_inbox_open_own and ix_inbox_open_queue hold it.
ORDER = (InboxTask.urgency_rank.desc(), InboxTask.due_at.is_(None), InboxTask.due_at, InboxTask.created_at,
         InboxTask.id)


@dataclass(frozen=True)
class _Viewer:
    """What decides which tasks a person's views show."""

    user_id: int
    roles: tuple[str, ...]
    unit_code: str | None
    delegated: tuple[tuple[int, tuple[str, ...]], ...]  # (delegator, task names) in force today


def _viewer(user: User) -> _Viewer:
    names_by_delegator: dict[int, set[str]] = {}
    for d in delegations.in_force(user):
        names = {n for right in d.rights for n in delegations.RIGHT_TASKS.get(right, ())}
        if names and d.delegator.active:
            names_by_delegator.setdefault(d.delegator_id, set()).update(names)
    delegated = tuple(sorted((k, tuple(sorted(v))) for k, v in names_by_delegator.items()))
    return _Viewer(user.id, tuple(sorted(set(user.roles))), user.unit_code, delegated)


@dataclass(frozen=True)
class _Source:
    """Open tasks found by one equality lookup on an index, and the view they show in.

    A person's tasks are the union of a few such sources (their own, each queue of a role they hold in
    their unit, each person who delegated to them), each a range of ix_inbox_open_own or
    ix_inbox_open_queue already in list order. Counting and paging each range and merging them reads a
    few index entries, where one query with an OR of the sources read and sorted every open task.
    """

    where: object
    view: str  # "mine", "queue" or "delegated"; tasks for information of the first two show under "info"


@lru_cache(maxsize=1024)
def _sources(viewer: _Viewer) -> tuple[_Source, ...]:
    found = [_Source(InboxTask.assignee_id == viewer.user_id, "mine")]
    for role in viewer.roles:
        for unit in dict.fromkeys((None, viewer.unit_code)):
            found.append(_Source(and_(InboxTask.assignee_id.is_(None), InboxTask.role == role,
                                      InboxTask.unit_code.is_(None) if unit is None else InboxTask.unit_code == unit),
                                 "queue"))
    for delegator_id, names in viewer.delegated:
        found.append(_Source(and_(InboxTask.assignee_id == delegator_id, InboxTask.name.in_(names)), "delegated"))
    return tuple(found)


def _in_view(source: _Source, view: str | None):
    """The condition on ``source``'s tasks for ``view`` (None: every view), or None when it shows none."""
    info = InboxTask.name.in_(INFO_TASKS)
    if view is None:
        return source.where
    if source.view == "delegated":
        return source.where if view == "delegated" else None
    if view == "info":
        return and_(source.where, info)
    return and_(source.where, ~info) if view == source.view else None


# Building SQL expressions costs more than running these queries, and people open their list all day
# with the same roles, unit and delegations: each combination's statements are built once (SQLAlchemy
# expressions are immutable, so threads share them) and then hit SQLAlchemy's compiled cache.
@lru_cache(maxsize=1024)
def _tally_statement(viewer: _Viewer):
    info = func.count(case((InboxTask.name.in_(INFO_TASKS), 1)))
    return union_all(*(select(literal(i), info, func.count()).where(InboxTask.status == "open", source.where)
                       for i, source in enumerate(_sources(viewer))))


def _tally(viewer: _Viewer) -> tuple[dict[str, int], int]:
    counts = dict.fromkeys(VIEWS, 0)
    sources = _sources(viewer)
    for i, info, total in db.session.execute(_tally_statement(viewer)):
        view = sources[i].view
        if view == "delegated":
            counts[view] += total
        else:
            counts[view] += total - info
            counts["info"] += info
    return counts, sum(counts.values())


_SORT_COLUMNS = (InboxTask.id, InboxTask.urgency_rank, InboxTask.due_at.is_(None).label("no_due"), InboxTask.due_at,
                 InboxTask.created_at)


@lru_cache(maxsize=1024)
def _page_statement(viewer: _Viewer, view: str | None):
    """One page's lines: the first ``page_start + page_size`` of each source in order, merged."""
    arms = []
    for source in _sources(viewer):
        condition = _in_view(source, view)
        if condition is not None:
            first = (select(*_SORT_COLUMNS).where(InboxTask.status == "open", condition).order_by(*ORDER)
                     .limit(bindparam("top")).subquery())
            arms.append(select(first))
    if not arms:
        return None
    merged = union_all(*arms).subquery()
    return _lines_of(select(merged).order_by(*_sorted(merged))
                     .limit(bindparam("page_size")).offset(bindparam("page_start")).subquery())


def _sorted(page) -> tuple:
    return page.c.urgency_rank.desc(), page.c.no_due, page.c.due_at, page.c.created_at, page.c.id


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


def _narrowed_listing(viewer: _Viewer, flt: InboxFilter):
    """The open tasks of the filter's view that also match its other fields, in list order."""
    conditions = [c for c in (_in_view(s, flt.view) for s in _sources(viewer)) if c is not None]
    listing = (select(InboxTask).join(Document, Document.id == InboxTask.document_id)
               .where(InboxTask.status == "open", or_(*conditions) if conditions else false(), *_narrowing(flt)))
    return listing.order_by(*ORDER)


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


def _narrowed(flt: InboxFilter) -> bool:
    return any((flt.urgency, flt.doc_type, flt.sender, flt.q, flt.received_from, flt.received_to,
                flt.due_before))


@dataclass(frozen=True)
class ListedDocument:
    """What a task list shows of a task's document."""

    id: int
    subject: str | None
    number: str | None
    notation: str | None
    incoming_number: int | None
    sender_org_name: str | None
    urgency: str

    number_notation = Document.number_notation  # the model's property: it reads only number and notation


@dataclass(frozen=True)
class ListedPerson:
    id: int
    username: str
    full_name: str


@dataclass(frozen=True)
class ListedTask:
    """One line of a task list: the task, its document and its holder, read as plain rows."""

    id: str
    document_id: int
    name: str
    title: str
    role: str
    unit_code: str | None
    assignee_id: int | None
    due_at: datetime | None
    urgency_rank: int
    status: str
    created_at: datetime
    document: ListedDocument
    assignee: ListedPerson | None


# What listed() reads: a task, its document, its holder (joined on InboxTask.document_id, assignee_id).
LISTED_COLUMNS = (InboxTask.id, InboxTask.document_id, InboxTask.name, InboxTask.title, InboxTask.role,
                  InboxTask.unit_code, InboxTask.assignee_id, InboxTask.due_at, InboxTask.urgency_rank,
                  InboxTask.status, InboxTask.created_at, Document.subject, Document.number, Document.notation,
                  Document.incoming_number, Document.sender_org_name, Document.urgency, User.username,
                  User.full_name)


# A page's lines are read as plain rows, the page's tasks joined to their documents and holders once
# their order is known (ORM objects with their relationships took a third of a list, and the page's
# template that asked for a column not loaded read it task by task).
def _lines_of(page):
    return (select(*LISTED_COLUMNS).select_from(page).join(InboxTask, InboxTask.id == page.c.id)
            .join(Document, Document.id == InboxTask.document_id)
            .outerjoin(User, User.id == InboxTask.assignee_id)
            .order_by(*_sorted(page)))


def listed(rows) -> list[ListedTask]:
    """Task-list lines from rows of ``LISTED_COLUMNS``."""
    return [ListedTask(r.id, r.document_id, r.name, r.title, r.role, r.unit_code, r.assignee_id, r.due_at,
                       r.urgency_rank, r.status, r.created_at,
                       ListedDocument(r.document_id, r.subject, r.number, r.notation, r.incoming_number,
                                      r.sender_org_name, r.urgency),
                       ListedPerson(r.assignee_id, r.username, r.full_name) if r.assignee_id is not None else None)
            for r in rows]


@dataclass
class Inbox:
    """One page of a task list, how many tasks match, and the open tasks of each view (the tabs)."""

    items: list[ListedTask]
    total: int
    counts: dict[str, int]


def inbox(user: User, flt: InboxFilter) -> Inbox:
    """The task list as a person sees it: one query for the tabs (whose figures are also the total when
    nothing but the view is chosen), one for the page, one more for the total of a filter."""
    viewer = _viewer(user)
    counts, everything = _tally(viewer)
    per_page = max(1, min(flt.per_page, 200))
    start = (max(flt.page, 1) - 1) * per_page
    if _narrowed(flt):
        listing = _narrowed_listing(viewer, flt)
        total = db.session.scalar(listing.with_only_columns(func.count()).order_by(None))
        page = _lines_of(listing.with_only_columns(*_SORT_COLUMNS).limit(per_page).offset(start).subquery())
        rows = db.session.execute(page).all() if start < total else []
    else:
        total = counts[flt.view] if flt.view in counts else everything
        page = _page_statement(viewer, flt.view)
        rows = [] if page is None or start >= total else db.session.execute(
            page, {"top": start + per_page, "page_size": per_page, "page_start": start}).all()
    return Inbox(listed(rows), total, counts)


def counts(user: User) -> dict[str, int]:
    """Open tasks per view, for the tabs."""
    return _tally(_viewer(user))[0]
