"""Who may see which document."""
from __future__ import annotations

from sqlalchemy import and_, exists, or_, select, union_all

from engine.db import db
from engine.models import Document, InboxTask, ProcessingLine, Role, User
from engine.processing.delegations import in_force

# Roles that oversee every document of the department.
OVERSEERS = (Role.LEADER, Role.CLERK, Role.ADMIN)


def visible_filter(user: User):
    """SQL condition on Document: the documents ``user`` may see.

    Leaders, clerks and administrators see everything (delegates of a leader see what the
    leader's tasks show them). Others see a document once it reaches them: a task for them,
    a processing line they hold or held, or — for unit heads, who supervise their unit — a line of
    their unit, whether routed to the unit or to one of its people.
    A coordinating specialist therefore sees it only once assigned.
    """
    if user.has_role(*OVERSEERS):
        return Document.id.isnot(None)
    tasks = exists(select(InboxTask.id).where(InboxTask.document_id == Document.id, or_(*_task_conditions(user))))
    lines = exists(select(ProcessingLine.id).where(ProcessingLine.document_id == Document.id,
                                                   or_(*_line_conditions(user))))
    return or_(Document.created_by_id == user.id, tasks, lines)


def visible_ids(user: User):
    """The ids of the documents ``user`` may see as one subquery (None: every document), the same
    rule as :func:`visible_filter`. Each part is read through its own index, so joining the set with
    many candidates (a search word found in most documents) costs one pass instead of a check per
    candidate; for one document or a newest-first page, :func:`visible_filter` stops earlier."""
    if user.has_role(*OVERSEERS):
        return None
    parts = [select(Document.id).where(Document.created_by_id == user.id)]
    parts += [select(InboxTask.document_id).where(condition) for condition in _task_conditions(user)]
    parts += [select(ProcessingLine.document_id).where(condition) for condition in _line_conditions(user)]
    return union_all(*parts).subquery("visible")


def _task_conditions(user: User) -> list:
    """Tasks that show their document to ``user``: theirs, done by them, open to their role in their
    unit, or of a leader who delegated to them (they see what that leader's tasks show)."""
    conditions = [InboxTask.assignee_id == user.id, InboxTask.closed_by_id == user.id,
                  and_(InboxTask.assignee_id.is_(None), InboxTask.unit_code == user.unit_code,
                       InboxTask.role.in_(user.roles))]
    delegators = [d.delegator_id for d in in_force(user)]
    if delegators:
        conditions.append(InboxTask.assignee_id.in_(delegators))
    return conditions


def _line_conditions(user: User) -> list:
    conditions = [ProcessingLine.holder_id == user.id]
    if user.has_role(Role.UNIT_HEAD):
        conditions.append(ProcessingLine.unit_code == user.unit_code)
    return conditions


def can_view(user: User, document: Document) -> bool:
    return db.session.query(Document.id).filter(Document.id == document.id, visible_filter(user)).first() is not None
