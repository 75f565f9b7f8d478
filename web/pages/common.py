"""What several pages share: turning forms into engine input, flashing the outcome of a button,
and the people and units offered in pickers."""
from __future__ import annotations

from flask import flash
from flask_login import current_user

from engine.db import db
from engine.errors import DomainError
from engine.models import Document, Role, Unit, User
from engine.processing import tasks
from web.i18n import error_text

LIST_FIELDS = {"lead", "coordinate", "inform", "assignees"}


def form_data(form) -> dict:
    """Form fields as the engine expects them: lists for multi-selects, one deadline field."""
    data = {}
    for key in form.keys():
        if key == "csrf_token":
            continue
        values = [v for v in form.getlist(key) if v != ""]
        data[key] = values if key in LIST_FIELDS else (values[0] if values else "")
    days, day = data.pop("deadline_days", ""), data.pop("deadline_date", "")
    if days or day:
        data["deadline"] = days or day
    return data


def act(operation, success) -> None:
    """Run one engine operation behind a button and flash how it went.

    ``success`` is the message, or a function of the operation's result giving it.
    """
    try:
        result = operation()
    except DomainError as error:
        flash(error_text(error), "error")
    else:
        flash(success(result) if callable(success) else success, "success")


def document_or_none(document_id):
    return db.session.get(Document, document_id) if document_id else None


def actionable(doc) -> set[str]:
    """Ids of the open tasks of ``doc`` the signed-in user may complete now."""
    ids = set()
    for task in tasks.open_tasks(doc):
        try:
            tasks.authorize(current_user, task)
            ids.add(task.id)
        except DomainError:
            pass
    return ids


def leaders():
    return (db.session.query(User).filter(User.active.is_(True))
            .filter(User.role_rows.any(role=Role.LEADER)).order_by(User.id).all())


def units():
    return (db.session.query(Unit).filter(Unit.kind != "department", Unit.active.is_(True))
            .order_by(Unit.position).all())


def people():
    return (db.session.query(User).filter(User.active.is_(True))
            .filter(~User.role_rows.any(role=Role.ADMIN)).order_by(User.unit_code, User.full_name).all())


def colleagues(line):
    if line is None or not line.unit_code:
        return []
    return (db.session.query(User).filter_by(unit_code=line.unit_code, active=True)
            .order_by(User.full_name).all())
