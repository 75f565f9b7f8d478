"""Who may see which document."""
from __future__ import annotations

from sqlalchemy import and_, exists, or_, select

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
    tasks = exists(select(InboxTask.id).where(
        InboxTask.document_id == Document.id,
        or_(InboxTask.assignee_id == user.id, InboxTask.closed_by_id == user.id,
            and_(InboxTask.assignee_id.is_(None), InboxTask.unit_code == user.unit_code,
                 InboxTask.role.in_(user.roles)))))
    line_conditions = [ProcessingLine.holder_id == user.id]
    if user.has_role(Role.UNIT_HEAD):
        line_conditions.append(ProcessingLine.unit_code == user.unit_code)
    lines = exists(select(ProcessingLine.id).where(ProcessingLine.document_id == Document.id,
                                                   or_(*line_conditions)))
    delegated = exists(select(InboxTask.id).where(
        InboxTask.document_id == Document.id, InboxTask.assignee_id.in_(_delegator_ids(user))))
    return or_(Document.created_by_id == user.id, tasks, lines, delegated)


def _delegator_ids(user: User) -> list[int]:
    return [d.delegator_id for d in in_force(user)] or [-1]


def can_view(user: User, document: Document) -> bool:
    return db.session.query(Document.id).filter(Document.id == document.id, visible_filter(user)).first() is not None
