"""Process versions, workflow instances and inbox rows."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engine.db import AwareDateTime, db
from engine.models.documents import Document
from engine.models.org import User


class ProcessVersion(db.Model):
    """An immutable deployed diagram. Instances keep the version they started with."""

    __tablename__ = "process_versions"
    # Two owners deploying at once cannot both become version n+1.
    __table_args__ = (UniqueConstraint("process_id", "version", name="uq_process_versions_version"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    process_id: Mapped[str] = mapped_column(String(100), index=True)
    version: Mapped[int] = mapped_column()
    # Read only when a version is first parsed in a process (its parsed spec is cached), never with
    # every instance that joins its version.
    bpmn_xml: Mapped[str] = mapped_column(Text, deferred=True)
    sha256: Mapped[str] = mapped_column(String(64))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(AwareDateTime())
    # Why it was deployed (the process owner's note; "bpmn/" for a diagram shipped with the software).
    note: Mapped[str | None] = mapped_column(Text)

    created_by: Mapped[User | None] = relationship()


class WorkflowInstance(db.Model):
    """A running flow of one document, serialized SpiffWorkflow state plus scheduling columns."""

    __tablename__ = "workflow_instances"
    __table_args__ = (Index("ix_workflow_instances_due", "status", "next_timer_due_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), index=True)
    process_version_id: Mapped[int] = mapped_column(ForeignKey("process_versions.id"))
    state: Mapped[str] = mapped_column(Text)
    serializer_version: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20), default="running")  # running | completed | error
    lock_version: Mapped[int] = mapped_column(default=1)
    next_timer_due_at: Mapped[datetime | None] = mapped_column(AwareDateTime())
    claimed_by: Mapped[str | None] = mapped_column(String(100))
    claimed_until: Mapped[datetime | None] = mapped_column(AwareDateTime())
    created_at: Mapped[datetime] = mapped_column(AwareDateTime())
    updated_at: Mapped[datetime] = mapped_column(AwareDateTime())

    process_version: Mapped[ProcessVersion] = relationship(lazy="joined")
    document: Mapped[Document] = relationship()

    # Optimistic locking: SQLAlchemy adds "WHERE lock_version = :old" to every UPDATE and raises
    # StaleDataError when another transaction saved first.
    __mapper_args__ = {"version_id_col": lock_version}


_LIST_ORDER = (text("urgency_rank DESC"), text("(due_at IS NULL)"), "due_at", "created_at", "id")


class InboxTask(db.Model):
    """A user task that is (or was) ready, derived from the diagram's lanes.

    The inbox is a query on these rows, never a scan of workflow JSON.
    """

    __tablename__ = "inbox_tasks"
    __table_args__ = (
        # A person's open tasks in list order (task_list.ORDER), one range per source of a task list
        # (their own or a delegator's; a role's queue in a unit): the tabs are counted and a page's ids read
        # from these alone, without touching a row.
        Index("ix_inbox_open_own", "status", "assignee_id", *_LIST_ORDER, "name"),
        Index("ix_inbox_open_queue", "status", "role", "unit_code", "assignee_id", *_LIST_ORDER, "name"),
        # The documents a person may see, one index per way a task shows one (access.visible_ids).
        Index("ix_inbox_assignee_document", "assignee_id", "document_id"),
        Index("ix_inbox_closed_by_document", "closed_by_id", "document_id"),
        Index("ix_inbox_unit_role_document", "unit_code", "role", "document_id"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)  # SpiffWorkflow task UUID
    instance_id: Mapped[int] = mapped_column(ForeignKey("workflow_instances.id"), index=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    # The task form (engine/workflow/forms.py) when the diagram names one other than the element id.
    form: Mapped[str | None] = mapped_column(String(100))
    title: Mapped[str] = mapped_column(String(300))
    role: Mapped[str] = mapped_column(String(30))
    unit_code: Mapped[str | None] = mapped_column(String(35))
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    due_at: Mapped[datetime | None] = mapped_column(AwareDateTime())
    urgency_rank: Mapped[int] = mapped_column(default=0)
    status: Mapped[str] = mapped_column(String(20), default="open")  # open | completed | cancelled
    created_at: Mapped[datetime] = mapped_column(AwareDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(AwareDateTime())
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    on_behalf_of_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    document: Mapped[Document] = relationship()
    assignee: Mapped[User | None] = relationship(foreign_keys=[assignee_id])

    @property
    def form_name(self) -> str:
        """The form a person fills in to complete this task."""
        return self.form or self.name
