"""A document's history, processing lines and open tasks read as plain rows, for answers that only
show them (the API's document). Every step answers with them: as ORM objects with their people they
cost about twice as much to read, and nothing here is changed after reading.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, select
from sqlalchemy.orm import aliased

from engine.db import db
from engine.models import Document, HistoryEvent, InboxTask, ProcessingLine, User
from engine.processing.task_list import LISTED_COLUMNS, ListedPerson, ListedTask, listed


@dataclass(frozen=True)
class HistoryLine:
    at: datetime
    recorded_at: datetime
    actor: ListedPerson | None
    on_behalf_of: ListedPerson | None
    action: str
    status: str | None
    note: str | None
    entered_late: bool
    details: dict | None


@dataclass(frozen=True)
class LineRow:
    id: int
    parent_id: int | None
    kind: str
    target_type: str
    unit_code: str | None
    holder: ListedPerson | None
    status: str
    started_at: datetime
    held_since: datetime | None
    due_at: datetime | None
    finished_at: datetime | None
    result: str | None
    note: str | None
    instruction: str | None
    reply_document_id: int | None


_ACTOR, _FOR = aliased(User), aliased(User)
_HISTORY = (select(HistoryEvent.at, HistoryEvent.recorded_at, HistoryEvent.actor_id, _ACTOR.username,
                   _ACTOR.full_name, HistoryEvent.on_behalf_of_id, _FOR.username.label("for_username"),
                   _FOR.full_name.label("for_full_name"), HistoryEvent.action, HistoryEvent.status,
                   HistoryEvent.note, HistoryEvent.entered_late, HistoryEvent.details)
            .outerjoin(_ACTOR, _ACTOR.id == HistoryEvent.actor_id)
            .outerjoin(_FOR, _FOR.id == HistoryEvent.on_behalf_of_id)
            .where(HistoryEvent.document_id == bindparam("document_id"))
            .order_by(HistoryEvent.id))

_LINES = (select(ProcessingLine.id, ProcessingLine.parent_id, ProcessingLine.kind, ProcessingLine.target_type,
                 ProcessingLine.unit_code, ProcessingLine.holder_id, User.username, User.full_name,
                 ProcessingLine.status, ProcessingLine.started_at, ProcessingLine.held_since, ProcessingLine.due_at,
                 ProcessingLine.finished_at, ProcessingLine.result, ProcessingLine.note, ProcessingLine.instruction,
                 ProcessingLine.reply_document_id)
          .outerjoin(User, User.id == ProcessingLine.holder_id)
          .where(ProcessingLine.document_id == bindparam("document_id"))
          .order_by(ProcessingLine.parent_id.isnot(None), ProcessingLine.id))

_OPEN_TASKS = (select(*LISTED_COLUMNS)
               .join(Document, Document.id == InboxTask.document_id)
               .outerjoin(User, User.id == InboxTask.assignee_id)
               .where(InboxTask.document_id == bindparam("document_id"), InboxTask.status == "open")
               .order_by(InboxTask.created_at))


def _person(person_id, username, full_name) -> ListedPerson | None:
    return ListedPerson(person_id, username, full_name) if person_id is not None else None


def history(document: Document) -> list[HistoryLine]:
    """The document's history, oldest first, with who acted and for whom."""
    rows = db.session.execute(_HISTORY, {"document_id": document.id})
    return [HistoryLine(r.at, r.recorded_at, _person(r.actor_id, r.username, r.full_name),
                        _person(r.on_behalf_of_id, r.for_username, r.for_full_name), r.action, r.status, r.note,
                        r.entered_late, r.details) for r in rows]


def lines(document: Document) -> list[LineRow]:
    """The document's processing lines, top-level lines first, each with its holder."""
    rows = db.session.execute(_LINES, {"document_id": document.id})
    return [LineRow(r.id, r.parent_id, r.kind, r.target_type, r.unit_code,
                    _person(r.holder_id, r.username, r.full_name), r.status, r.started_at, r.held_since, r.due_at,
                    r.finished_at, r.result, r.note, r.instruction, r.reply_document_id) for r in rows]


def open_tasks(document: Document) -> list[ListedTask]:
    """The document's open tasks, oldest first, each with its holder."""
    return listed(db.session.execute(_OPEN_TASKS, {"document_id": document.id}))
