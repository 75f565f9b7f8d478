"""Who may see which document."""
from __future__ import annotations

from sqlalchemy import and_, exists, or_, select

from engine.models import Document, InboxTask, Role, User

# Roles that oversee every document of the department.
OVERSEERS = (Role.LEADER, Role.CLERK, Role.ADMIN)


def visible_filter(user: User):
    """SQL condition on Document: the documents ``user`` may see."""
    if user.has_role(*OVERSEERS):
        return Document.id.isnot(None)
    involved = exists(select(InboxTask.id).where(
        InboxTask.document_id == Document.id,
        or_(InboxTask.assignee_id == user.id,
            and_(InboxTask.assignee_id.is_(None), InboxTask.unit_code == user.unit_code,
                 InboxTask.role.in_(user.roles)))))
    return or_(Document.created_by_id == user.id, involved)


def can_view(user: User, document: Document) -> bool:
    from engine.db import db

    return db.session.query(Document.id).filter(Document.id == document.id, visible_filter(user)).first() is not None
