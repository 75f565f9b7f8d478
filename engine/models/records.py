"""Records: extracted attachment text, the search index rows, saved searches, case files."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engine.db import AwareDateTime, db
from engine.errors import N_
from engine.models.documents import Document
from engine.models.org import Unit, User


class AttachmentText(db.Model):
    """The text of one stored PDF (files are content-addressed, so one row serves every copy).

    ``status``: ``done`` (text may still be empty: a scan without a text layer) or ``failed``.
    """

    __tablename__ = "attachment_texts"
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    status: Mapped[str] = mapped_column(String(20))
    text: Mapped[str] = mapped_column(Text, default="")
    pages: Mapped[int | None] = mapped_column()
    error: Mapped[str | None] = mapped_column(String(500))
    extracted_at: Mapped[datetime] = mapped_column(AwareDateTime())


class DocumentText(db.Model):
    """What full-text search reads for one document: folded metadata and folded attachment text.

    SQLite indexes it with an FTS5 table kept in step by triggers; PostgreSQL with a generated
    tsvector column and a GIN index (both created by the migration, see engine/records/fulltext.py).
    """

    __tablename__ = "document_texts"
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), primary_key=True)
    meta: Mapped[str] = mapped_column(Text, default="")
    body: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(AwareDateTime())


class SavedSearch(db.Model):
    """A search (query and filters) a person saved under a name."""

    __tablename__ = "saved_searches"
    __table_args__ = (UniqueConstraint("user_id", "name", name="uq_saved_searches_user_name"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    params: Mapped[dict] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(AwareDateTime())


class Retention:
    """Retention periods of case files (years; None = permanent)."""

    CHOICES = (5, 10, 15, 20, 50, 70, None)
    PERMANENT = N_("Vĩnh viễn")


class CaseFile(db.Model):
    """A case file (hồ sơ công việc) of a unit: opened, filled with documents, closed, archived."""

    __tablename__ = "case_files"
    __table_args__ = (UniqueConstraint("unit_code", "year", "code", name="uq_case_files_unit_year_code"),
                      Index("ix_case_files_year_status", "year", "status"))
    id: Mapped[int] = mapped_column(primary_key=True)
    unit_code: Mapped[str] = mapped_column(ForeignKey("units.code"))
    year: Mapped[int] = mapped_column()
    code: Mapped[str] = mapped_column(String(30))
    title: Mapped[str] = mapped_column(String(500))
    retention_years: Mapped[int | None] = mapped_column()
    status: Mapped[str] = mapped_column(String(20), default="open")  # open | closed
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    opened_at: Mapped[datetime] = mapped_column(AwareDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(AwareDateTime())
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    unit: Mapped[Unit] = relationship()
    owner: Mapped[User] = relationship(foreign_keys=[owner_id])
    closed_by: Mapped[User | None] = relationship(foreign_keys=[closed_by_id])
    entries: Mapped[list["CaseFileDocument"]] = relationship(order_by="CaseFileDocument.position",
                                                             back_populates="case_file")


class CaseFileDocument(db.Model):
    """A document filed into a case file, in filing order."""

    __tablename__ = "case_file_documents"
    __table_args__ = (UniqueConstraint("case_file_id", "document_id", name="uq_case_file_documents_file_doc"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    case_file_id: Mapped[int] = mapped_column(ForeignKey("case_files.id"), index=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), index=True)
    position: Mapped[int] = mapped_column()
    filed_at: Mapped[datetime] = mapped_column(AwareDateTime())
    filed_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))

    case_file: Mapped[CaseFile] = relationship(back_populates="entries")
    document: Mapped[Document] = relationship()
    filed_by: Mapped[User] = relationship()
