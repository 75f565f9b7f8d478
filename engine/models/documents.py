"""Documents, their attachments, history and the yearly register counters."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engine.db import AwareDateTime, db
from engine.errors import N_
from engine.models.org import User


class Urgency:
    NORMAL, KHAN, THUONG_KHAN, HOA_TOC = "normal", "khan", "thuong_khan", "hoa_toc"
    ALL = (NORMAL, KHAN, THUONG_KHAN, HOA_TOC)
    RANK = {NORMAL: 0, KHAN: 1, THUONG_KHAN: 2, HOA_TOC: 3}
    LABELS = {NORMAL: N_("Thường"), KHAN: N_("Khẩn"), THUONG_KHAN: N_("Thượng khẩn"), HOA_TOC: N_("Hỏa tốc")}


class Secrecy:
    NONE = "none"
    ALL = ("none", "mat", "toi_mat", "tuyet_mat")
    LABELS = {"none": N_("Không"), "mat": N_("Mật"), "toi_mat": N_("Tối mật"), "tuyet_mat": N_("Tuyệt mật")}


class Status:
    """Document statuses (R-STATUS-1) and their edXML status codes."""

    INCOMING = ("arrived", "accepted", "routed", "in_progress", "completed", "refused", "recalled", "deleted")
    OUTGOING = ("draft", "in_review", "approved", "signed", "issued", "sent", "recalled", "deleted")
    EDXML_CODES = {"arrived": "01", "refused": "02", "accepted": "03", "routed": "04",
                   "in_progress": "05", "completed": "06"}
    LABELS = {
        "arrived": N_("Đã đến"), "accepted": N_("Đã tiếp nhận"), "routed": N_("Đã chuyển xử lý"),
        "in_progress": N_("Đang xử lý"), "completed": N_("Đã hoàn thành"), "refused": N_("Từ chối nhận (trả lại)"),
        "recalled": N_("Thu hồi"), "deleted": N_("Đã xóa"), "draft": N_("Dự thảo"), "in_review": N_("Đang trình duyệt"),
        "approved": N_("Đã duyệt"), "signed": N_("Đã ký"), "issued": N_("Đã ban hành"), "sent": N_("Đã gửi"),
    }


class Document(db.Model):
    """An incoming or outgoing official document with the metadata of R-META-1."""

    __tablename__ = "documents"
    __table_args__ = (
        UniqueConstraint("register_year", "incoming_number", name="uq_documents_incoming_number"),
        Index("ix_documents_sender_key", "sender_org_id", "number", "issued_on"),
        Index("ix_documents_direction_status", "direction", "status"),
        Index("ix_documents_created_by", "created_by_id"),
        UniqueConstraint("outgoing_year", "outgoing_number", name="uq_documents_outgoing_number"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    direction: Mapped[str] = mapped_column(String(10))
    status: Mapped[str] = mapped_column(String(20))
    source: Mapped[str] = mapped_column(String(20), default="electronic")
    sender_org_id: Mapped[str | None] = mapped_column(String(35))
    sender_org_name: Mapped[str | None] = mapped_column(String(300))
    receivers: Mapped[list] = mapped_column(JSON, default=list)
    number: Mapped[str | None] = mapped_column(String(20))
    notation: Mapped[str | None] = mapped_column(String(60))
    issued_on: Mapped[date | None] = mapped_column(Date)
    doc_type: Mapped[str] = mapped_column(String(10))
    subject: Mapped[str] = mapped_column(Text)
    signer_name: Mapped[str | None] = mapped_column(String(200))
    signer_position: Mapped[str | None] = mapped_column(String(200))
    urgency: Mapped[str] = mapped_column(String(20), default="normal")
    urgency_rank: Mapped[int] = mapped_column(default=0)
    secrecy: Mapped[str] = mapped_column(String(20), default="none")
    due_on: Mapped[date | None] = mapped_column(Date)
    register_year: Mapped[int | None] = mapped_column()
    incoming_number: Mapped[int | None] = mapped_column()
    received_at: Mapped[datetime | None] = mapped_column(AwareDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(AwareDateTime())
    paper_copy: Mapped[bool] = mapped_column(default=False)
    legal_standing: Mapped[str] = mapped_column(String(20), default="reference")
    notes: Mapped[str | None] = mapped_column(Text)
    refusal_reason: Mapped[str | None] = mapped_column(Text)
    duplicate_of_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id"))
    in_reply_to_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id"))
    # Lower-case, diacritic-free copy of subject, number/notation and sender for `q` searches.
    search_text: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(AwareDateTime())

    attachments: Mapped[list["Attachment"]] = relationship(
        order_by="Attachment.position", back_populates="document", lazy="selectin")
    history: Mapped[list["HistoryEvent"]] = relationship(
        order_by="HistoryEvent.id", back_populates="document")
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])

    # --- outgoing documents (drafting, signing, issue; engine/outgoing/) ---------------------
    body: Mapped[str | None] = mapped_column(Text)  # draft text composed into the Decree 30 layout
    signer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))  # the named signing leader
    outgoing_year: Mapped[int | None] = mapped_column()
    outgoing_number: Mapped[int | None] = mapped_column()  # number in the outgoing register of the year
    signed_at: Mapped[datetime | None] = mapped_column(AwareDateTime())
    issued_at: Mapped[datetime | None] = mapped_column(AwareDateTime())
    # PDF boxes (points) of the number/date fields, leader signature and seal; "custom" = drafter's
    layout: Mapped[dict | None] = mapped_column(JSON)
    signer: Mapped[User | None] = relationship(foreign_keys=[signer_id])

    @property
    def number_notation(self) -> str:
        if self.number and self.notation:
            return f"{self.number}/{self.notation}"
        return self.number or self.notation or ""

    @property
    def identifier(self) -> str | None:
        """Document identifier (Đ10.2b): agency code, year, sequence in the year."""
        if self.sender_org_id and self.issued_on and self.number:
            return f"{self.sender_org_id}.{self.issued_on.year}.{self.number}"
        return None


class Attachment(db.Model):
    """A file of a document. Bytes live content-addressed on disk; rows are never rewritten."""

    __tablename__ = "attachments"
    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), index=True)
    position: Mapped[int] = mapped_column()
    name: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column()
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    kind: Mapped[str] = mapped_column(String(20), default="original")
    created_at: Mapped[datetime] = mapped_column(AwareDateTime())
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # Verification of every PDF signature (engine/incoming/signatures.py); None = not a PDF / not checked.
    signatures: Mapped[list | None] = mapped_column(JSON)
    # What the upload scanner warned about ([{"code", "message"}]): shown to everyone who opens it.
    scan_warnings: Mapped[list | None] = mapped_column(JSON)

    document: Mapped[Document] = relationship(back_populates="attachments")


class HistoryEvent(db.Model):
    """One line of a document's history: who did what, when, on whose behalf."""

    __tablename__ = "history_events"
    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), index=True)
    at: Mapped[datetime] = mapped_column(AwareDateTime())
    recorded_at: Mapped[datetime] = mapped_column(AwareDateTime())
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    on_behalf_of_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    action: Mapped[str] = mapped_column(String(50))
    status: Mapped[str | None] = mapped_column(String(20))
    note: Mapped[str | None] = mapped_column(Text)
    entered_late: Mapped[bool] = mapped_column(default=False)
    details: Mapped[dict | None] = mapped_column(JSON)

    document: Mapped[Document] = relationship(back_populates="history")
    actor: Mapped[User | None] = relationship(foreign_keys=[actor_id])
    on_behalf_of: Mapped[User | None] = relationship(foreign_keys=[on_behalf_of_id])


class RegisterCounter(db.Model):
    """Last number used in a yearly register; the row is locked by the registering transaction."""

    __tablename__ = "register_counters"
    register: Mapped[str] = mapped_column(String(20), primary_key=True)
    year: Mapped[int] = mapped_column(primary_key=True)
    last_number: Mapped[int] = mapped_column(default=0)


class IdempotencyKey(db.Model):
    """An ``Idempotency-Key`` a client sent with a request that created or changed a document: the
    same key again (a retry after a lost answer) gets that document back instead of a second one."""

    __tablename__ = "idempotency_keys"
    __table_args__ = (UniqueConstraint("user_id", "key", name="uq_idempotency_keys_user_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    key: Mapped[str] = mapped_column(String(200))
    fingerprint: Mapped[str] = mapped_column(String(64))  # sha256 of what the request asked for
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"))
    created_at: Mapped[datetime] = mapped_column(AwareDateTime(), index=True)
