"""Processing lines (one per recipient of a routed document), delegations, notifications, outbox."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engine.db import AwareDateTime, db
from engine.errors import N_
from engine.models.documents import Document
from engine.models.org import User


class LineStatus:
    WAITING, IN_PROGRESS, DONE, CLOSED = "waiting", "in_progress", "done", "closed"
    OPEN = (WAITING, IN_PROGRESS)
    LABELS = {WAITING: N_("Chờ phân công"), IN_PROGRESS: N_("Đang xử lý"), DONE: N_("Đã xong"),
              CLOSED: N_("Đã đóng (văn bản đã hoàn thành)")}


class LineKind:
    LEAD, COORDINATE, INFORM = "lead", "coordinate", "inform"
    ALL = (LEAD, COORDINATE, INFORM)
    LABELS = {LEAD: N_("Chủ trì"), COORDINATE: N_("Phối hợp"), INFORM: N_("Nhận để biết")}


class ProcessingLine(db.Model):
    """What one recipient (unit or person) does with a routed document, and where it stands."""

    __tablename__ = "processing_lines"
    __table_args__ = (
        Index("ix_lines_open_unit", "status", "unit_code", "due_at"),
        Index("ix_lines_holder", "holder_id", "status"),
        Index("ix_lines_unit_document", "unit_code", "document_id"),  # what a unit head sees (access.visible_ids)
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), index=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("processing_lines.id"))
    kind: Mapped[str] = mapped_column(String(20))
    target_type: Mapped[str] = mapped_column(String(10))  # unit | user
    unit_code: Mapped[str | None] = mapped_column(ForeignKey("units.code"))
    holder_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    status: Mapped[str] = mapped_column(String(20), default=LineStatus.WAITING)
    instruction: Mapped[str | None] = mapped_column(Text)
    started_at: Mapped[datetime] = mapped_column(AwareDateTime())
    held_since: Mapped[datetime | None] = mapped_column(AwareDateTime())
    due_at: Mapped[datetime | None] = mapped_column(AwareDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(AwareDateTime())
    result: Mapped[str | None] = mapped_column(String(30))
    note: Mapped[str | None] = mapped_column(Text)
    instance_id: Mapped[int | None] = mapped_column(ForeignKey("workflow_instances.id"))
    reply_document_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    document: Mapped[Document] = relationship(foreign_keys=[document_id])
    holder: Mapped[User | None] = relationship(foreign_keys=[holder_id])
    parent: Mapped["ProcessingLine | None"] = relationship(remote_side=[id])


class Delegation(db.Model):
    """A leader lets a named person act for them, for some rights, for a date range (Đ17.4)."""

    __tablename__ = "delegations"
    id: Mapped[int] = mapped_column(primary_key=True)
    delegator_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    delegate_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    rights: Mapped[list] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(AwareDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(AwareDateTime())

    delegator: Mapped[User] = relationship(foreign_keys=[delegator_id])
    delegate: Mapped[User] = relationship(foreign_keys=[delegate_id])


class Notification(db.Model):
    """An in-app message for one person (work assigned, draft returned, urging, escalation, …).

    ``key`` makes each event reach each person once; ``delivery`` says what became of its email:
    ``email`` (queued in the outbox), ``digest`` (waiting for the person's next digest),
    ``digested`` (sent in a digest) or ``none`` (in the app only).
    """

    __tablename__ = "notifications"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    document_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id"))
    kind: Mapped[str] = mapped_column(String(30))
    message: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(AwareDateTime())
    read_at: Mapped[datetime | None] = mapped_column(AwareDateTime())
    key: Mapped[str | None] = mapped_column(String(300), unique=True)
    delivery: Mapped[str | None] = mapped_column(String(20))
    body: Mapped[str | None] = mapped_column(Text)


class NotificationPreference(db.Model):
    """A person's choice for one kind of notification: email at once, in the digest, or app only."""

    __tablename__ = "notification_preferences"
    __table_args__ = (UniqueConstraint("user_id", "kind"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    kind: Mapped[str] = mapped_column(String(30))
    channel: Mapped[str] = mapped_column(String(10))  # email | digest | off


class OutboxMessage(db.Model):
    """An effect on the outside world, written in the transaction that caused it, delivered later.

    ``key`` is unique: the same effect (e.g. the escalation email of one step to one person, or
    one status reply) can never be queued, hence sent, twice.
    """

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_pending", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(30))  # email | edxml_status | edxml_document
    key: Mapped[str] = mapped_column(String(300), unique=True)
    document_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id"), index=True)
    payload: Mapped[dict] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(20), default="pending")  # pending | sent | held | failed
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(AwareDateTime())
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(AwareDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(AwareDateTime())
