"""Outgoing documents: drafts (the signing and issuing flow builds on this)."""
from __future__ import annotations

from engine import history, settings
from engine.db import db
from engine.models import Document
from engine.workflow import runtime
from engine.workflow.specs import latest


def start_reply(ctx, incoming: Document, *, note: str | None = None) -> Document:
    """Create the outgoing draft that answers ``incoming`` (the specialist's "reply" choice)."""
    now = ctx.when
    draft = Document(
        direction="outgoing", status="draft", source="internal", doc_type="CV",
        subject=f"V/v trả lời văn bản số {incoming.number_notation} của {incoming.sender_org_name or ''}".strip(),
        sender_org_id=settings.get("ORG_CODE"), sender_org_name=settings.get("ORG_NAME"),
        receivers=[{"code": incoming.sender_org_id, "name": incoming.sender_org_name}] if incoming.sender_org_name else [],
        urgency=incoming.urgency, urgency_rank=incoming.urgency_rank, in_reply_to_id=incoming.id,
        notes=note, created_by_id=ctx.actor.id if ctx.actor else None, created_at=now)
    db.session.add(draft)
    db.session.flush()
    from engine.incoming import search_text

    draft.search_text = search_text(draft)
    history.record(draft, "draft_created", ctx, status="draft",
                   note=f"Dự thảo trả lời văn bản đến số {incoming.incoming_number}/{incoming.register_year}")
    history.record(incoming, "reply_drafted", ctx, note=f"Dự thảo trả lời: mã {draft.id}",
                   details={"reply_document_id": draft.id})
    if latest("issue_sign_send") is not None:
        runtime.start("issue_sign_send", draft, {"document_id": draft.id, "drafter": ctx.actor.username,
                                                 "urgency": draft.urgency}, runtime.RunContext(
            actor=ctx.actor, on_behalf_of=ctx.on_behalf_of, at=ctx.at, document=draft))
    return draft



