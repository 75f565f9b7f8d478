"""Running the system: outages the administrator declared, the incident register."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engine.db import AwareDateTime, db
from engine.errors import N_
from engine.models.org import User


class Outage(db.Model):
    """A period the system was down (R-OUTAGE-1): work done on paper then may be entered late with
    its real time, and only then."""

    __tablename__ = "outages"
    id: Mapped[int] = mapped_column(primary_key=True)
    starts_at: Mapped[datetime] = mapped_column(AwareDateTime(), index=True)
    ends_at: Mapped[datetime] = mapped_column(AwareDateTime())
    reason: Mapped[str] = mapped_column(Text)
    declared_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    declared_at: Mapped[datetime] = mapped_column(AwareDateTime())

    declared_by: Mapped[User] = relationship()


class IncidentKind:
    SECURITY, SOFTWARE = "security", "software"
    ALL = (SECURITY, SOFTWARE)
    LABELS = {SECURITY: N_("Sự cố an toàn thông tin"), SOFTWARE: N_("Lỗi phần mềm")}


class IncidentStatus:
    OPEN, ASSIGNED, CLOSED = "open", "assigned", "closed"
    ALL = (OPEN, ASSIGNED, CLOSED)
    LABELS = {OPEN: N_("Mới báo"), ASSIGNED: N_("Đang xử lý"), CLOSED: N_("Đã đóng")}


class Incident(db.Model):
    """A security incident or a software error someone reported (R-SEC-3, Đ13.3, Đ19.3)."""

    __tablename__ = "incidents"
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text)
    page: Mapped[str | None] = mapped_column(String(500))  # where the reporter was when it happened
    status: Mapped[str] = mapped_column(String(20), default=IncidentStatus.OPEN, index=True)
    reported_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    reported_at: Mapped[datetime] = mapped_column(AwareDateTime())
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    resolution: Mapped[str | None] = mapped_column(Text)
    closed_at: Mapped[datetime | None] = mapped_column(AwareDateTime())

    reported_by: Mapped[User] = relationship(foreign_keys=[reported_by_id])
    assignee: Mapped[User | None] = relationship(foreign_keys=[assignee_id])


class Heartbeat(db.Model):
    """The last sign of life of a background process (the scheduler), for monitoring."""

    __tablename__ = "heartbeats"
    name: Mapped[str] = mapped_column(String(50), primary_key=True)
    beat_at: Mapped[datetime] = mapped_column(AwareDateTime())
    worker: Mapped[str | None] = mapped_column(String(100))
