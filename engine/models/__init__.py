"""Database models, one module per domain area."""
from engine.models.org import Unit, User, UserRole, ApiToken, Role  # noqa: F401
from engine.models.documents import (  # noqa: F401
    Attachment, Document, HistoryEvent, RegisterCounter)
from engine.models.workflow import InboxTask, ProcessVersion, WorkflowInstance  # noqa: F401
from engine.deadlines.calendar_service import CalendarDay  # noqa: F401,E402
from engine.models.processing import (  # noqa: F401,E402
    Delegation, LineKind, LineStatus, Notification, OutboxMessage, ProcessingLine)
