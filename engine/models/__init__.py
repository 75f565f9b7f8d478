"""Database models, one module per domain area."""
from engine.models.calendar import CalendarDay  # noqa: F401
from engine.models.documents import Attachment, Document, HistoryEvent, RegisterCounter  # noqa: F401
from engine.models.org import Role, Unit, User, UserRole  # noqa: F401
from engine.models.people import AuditEvent, UserSession  # noqa: F401
from engine.models.processing import (  # noqa: F401,E402
    Delegation,
    LineKind,
    LineStatus,
    Notification,
    NotificationPreference,
    OutboxMessage,
    ProcessingLine,
)
from engine.models.records import (  # noqa: F401
    AttachmentText,
    CaseFile,
    CaseFileDocument,
    DocumentText,
    SavedSearch,
)
from engine.models.workflow import InboxTask, ProcessVersion, WorkflowInstance  # noqa: F401
from engine.models.interconnection import (  # noqa: F401,E402
    Agency,
    Delivery,
    DeliveryState,
    DeliveryStatus,
    ReceivedPackage,
)
