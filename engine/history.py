"""Writing a document's history (every change is recorded, R-INTEGRITY-1)."""
from __future__ import annotations

from engine import clock
from engine.db import db
from engine.errors import N_
from engine.models import Document, HistoryEvent

# What each history action means, for people (the API returns the code).
ACTION_LABELS = {
    "arrived": N_("Văn bản đến"),
    "registered": N_("Tiếp nhận, vào sổ văn bản đến"),
    "refused": N_("Từ chối nhận (trả lại)"),
    "duplicate": N_("Đánh dấu trùng với văn bản đã vào sổ"),
    "duplicate_linked": N_("Gắn bản trùng"),
}


def action_label(action: str) -> str:
    return ACTION_LABELS.get(action, action)


def record(document: Document, action: str, ctx=None, *, status: str | None = None, note: str | None = None,
           details: dict | None = None, actor=None) -> HistoryEvent:
    """Add one history line; ``ctx`` (a RunContext) supplies actor, delegation and effective time."""
    now = clock.now()
    event = HistoryEvent(
        document_id=document.id, at=(ctx.at if ctx and ctx.at else now), recorded_at=now,
        actor_id=(actor or (ctx.actor if ctx else None)).id if (actor or (ctx and ctx.actor)) else None,
        on_behalf_of_id=ctx.on_behalf_of.id if ctx and ctx.on_behalf_of else None,
        action=action, status=status, note=note, details=details,
        entered_late=bool(ctx and ctx.entered_late))
    db.session.add(event)
    return event


def set_status(document: Document, status: str, ctx=None, *, action: str | None = None,
               note: str | None = None, details: dict | None = None) -> HistoryEvent:
    """Change the status and record it in the same transaction."""
    document.status = status
    return record(document, action or status, ctx, status=status, note=note, details=details)
