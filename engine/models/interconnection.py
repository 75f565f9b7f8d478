"""Interconnection with other agencies: the agency directory, deliveries of our issued documents and
the statuses their receivers report, and every package taken in from the axis."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engine.db import AwareDateTime, db
from engine.errors import N_
from engine.models.documents import Document


class Agency(db.Model):
    """An agency reachable through the axis, by its national identifier code (QĐ 20/2020)."""

    __tablename__ = "agencies"
    code: Mapped[str] = mapped_column(String(35), primary_key=True)
    name: Mapped[str] = mapped_column(String(300))
    parent_code: Mapped[str | None] = mapped_column(String(35))
    active: Mapped[bool] = mapped_column(default=True)
    # Lower-case, diacritic-free name and code for `q` searches.
    search_text: Mapped[str] = mapped_column(Text, default="")


class DeliveryState:
    QUEUED, SENT, FAILED = "queued", "sent", "failed"
    LABELS = {QUEUED: N_("Chờ gửi"), SENT: N_("Đã gửi lên trục"), FAILED: N_("Gửi lỗi")}


class Delivery(db.Model):
    """One issued document on its way to one other agency (R-SEND-1), and where it stands there."""

    __tablename__ = "deliveries"
    __table_args__ = (UniqueConstraint("document_id", "agency_code", name="uq_deliveries_document_agency"),
                      Index("ix_deliveries_edxml_id", "edxml_document_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), index=True)
    agency_code: Mapped[str] = mapped_column(String(35))
    agency_name: Mapped[str] = mapped_column(String(300))
    edxml_document_id: Mapped[str] = mapped_column(String(300))
    state: Mapped[str] = mapped_column(String(20), default=DeliveryState.QUEUED)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    queued_at: Mapped[datetime] = mapped_column(AwareDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(AwareDateTime())
    failed_at: Mapped[datetime | None] = mapped_column(AwareDateTime())
    last_code: Mapped[str | None] = mapped_column(String(2))  # latest status the receiver reported
    recall_state: Mapped[str | None] = mapped_column(String(20))  # requested | accepted | rejected

    document: Mapped[Document] = relationship()
    statuses: Mapped[list["DeliveryStatus"]] = relationship(order_by="(DeliveryStatus.at, DeliveryStatus.id)",
                                                            lazy="selectin",
                                                            back_populates="delivery")


class DeliveryStatus(db.Model):
    """A status the receiving agency reported (01–06, 15, 16), or our own recall (13)."""

    __tablename__ = "delivery_statuses"
    __table_args__ = (UniqueConstraint("delivery_id", "code", "timestamp", name="uq_delivery_statuses_once"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    delivery_id: Mapped[int] = mapped_column(ForeignKey("deliveries.id"), index=True)
    code: Mapped[str] = mapped_column(String(2))
    at: Mapped[datetime] = mapped_column(AwareDateTime())
    timestamp: Mapped[str] = mapped_column(String(40), default="")  # as written in the package
    description: Mapped[str | None] = mapped_column(Text)
    staff: Mapped[str | None] = mapped_column(String(300))
    recorded_at: Mapped[datetime] = mapped_column(AwareDateTime())

    delivery: Mapped[Delivery] = relationship(back_populates="statuses")


class ReceivedPackage(db.Model):
    """A package that arrived (through the axis or the API) and what became of it.

    ``key`` is unique: the same package taken in twice changes nothing the second time.
    """

    __tablename__ = "received_packages"
    __table_args__ = (Index("ix_received_packages_sender_doc", "sender_code", "edxml_document_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(400), unique=True)
    kind: Mapped[str] = mapped_column(String(10))  # document | status
    business: Mapped[str | None] = mapped_column(String(10))  # new | revoke | update | replace
    code: Mapped[str | None] = mapped_column(String(2))  # status packages
    sender_code: Mapped[str] = mapped_column(String(35))
    sender_name: Mapped[str | None] = mapped_column(String(300))
    edxml_document_id: Mapped[str] = mapped_column(String(300))
    document_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id"), index=True)
    outcome: Mapped[str] = mapped_column(String(20))  # taken | refused | rejected
    error: Mapped[str | None] = mapped_column(Text)
    reason: Mapped[str | None] = mapped_column(Text)  # BussinessDocReason of revoke/update/replace
    details: Mapped[dict | None] = mapped_column(JSON)  # what a status reply needs: code, date, …
    problems: Mapped[list | None] = mapped_column(JSON)
    package_sha256: Mapped[str | None] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(default=0)
    via: Mapped[str] = mapped_column(String(10))  # axis | api
    received_at: Mapped[datetime] = mapped_column(AwareDateTime())

    document: Mapped[Document | None] = relationship()
