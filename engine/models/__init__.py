"""Database models, one module per domain area."""
from engine.models.calendar import CalendarDay  # noqa: F401
from engine.models.documents import (  # noqa: F401
    Attachment,
    Document,
    HistoryEvent,
    IdempotencyKey,
    RegisterCounter,
)
from engine.models.interconnection import (  # noqa: F401,E402
    Agency,
    Delivery,
    DeliveryState,
    DeliveryStatus,
    ReceivedPackage,
)
from engine.models.operations import Heartbeat, Incident, IncidentKind, IncidentStatus, Outage  # noqa: F401
from engine.models.org import Role, Throttle, Unit, User, UserRole  # noqa: F401
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
